import re

import pytest
from django.core.management import call_command

from board import search, services
from board.models import Post, PostSearch, SearchTerm
from tests.conftest import main_text, page_text


def titles(response):
    """Titles of the result rows, in order."""
    html = response.content.decode()
    main = re.search(r"<main\b.*?</main>", html, re.S).group(0)
    rows = re.findall(r'<div class="post-row-title">.*?<a href="[^"]*"[^>]*>(.*?)</a>', main, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", row)).strip() for row in rows]


def found(client, q, url="/b/ainews/", **params):
    response = client.get(url, {"q": q, **params})
    assert response.status_code == 200, response.status_code
    return " | ".join(titles(response))


@pytest.fixture
def corpus(make_post, make_user, make_comment):
    author = make_user(username="neuralcat", nickname="딥러닝고양이")
    rl = make_post(title="딥시크 R1 공개", body="순수 강화학습을 GRPO 기법으로 적용한 모델의 성능이 좋았다.")
    chips = make_post(title="반도체 수출 규제", body="엔비디아 H800 칩으로 훈련했다.", author=author)
    spaced = make_post(title="띄어 쓴 글", body="강화 학습이라고 띄어 썼다. xab bcy 도 있다.")
    commented = make_post(title="댓글로만 찾는 글", body="본문에는 아무것도 없음")
    make_comment(commented, body="케보테크의 새 발표가 흥미롭네요")
    return {"rl": rl, "chips": chips, "spaced": spaced, "commented": commented}


# --- Korean semantics --------------------------------------------------------------------


@pytest.mark.parametrize(
    "q, expected",
    [
        ("강화학습", "딥시크 R1 공개"),  # inside 강화학습을
        ("모델", "딥시크 R1 공개"),  # 모델의: two syllables
        ("grpo", "딥시크 R1 공개"),  # Latin, any case
        ("GrPo", "딥시크 R1 공개"),
        ("강화학습 GRPO", "딥시크 R1 공개"),  # AND
        ("h800", "반도체 수출 규제"),
        ("수출", "반도체 수출 규제"),
    ],
)
def test_korean_substring_two_syllable_latin_and_and(client, corpus, q, expected):
    assert found(client, q) == expected


def test_several_words_must_all_match(client, corpus):
    assert found(client, "강화학습 반도체") == ""


def test_terms_never_match_across_words(client, corpus):
    # "강화 학습" is two words, and "abc" is not in "xab bcy".
    assert found(client, "강화학습") == "딥시크 R1 공개"
    assert found(client, "abc") == ""


@pytest.mark.parametrize(
    "field, q, expected",
    [
        ("title", "딥시크", "딥시크 R1 공개"),
        ("title", "강화학습", ""),  # only in the body
        ("body", "강화학습", "딥시크 R1 공개"),
        ("body", "딥시크", ""),  # only in the title
        ("title_body", "딥시크", "딥시크 R1 공개"),
        ("author", "고양이", "반도체 수출 규제"),
        ("comment", "케보", "댓글로만 찾는 글"),  # two syllables inside 케보테크
    ],
)
def test_each_field_choice(client, corpus, field, q, expected):
    assert found(client, q, field=field) == expected


def test_hidden_posts_and_deleted_comments_never_appear(client, corpus, make_comment):
    services.hide_post(post=corpus["rl"])
    comment = corpus["commented"].comments.get()
    services.delete_comment(comment=comment)

    assert found(client, "강화학습") == ""
    assert found(client, "케보", field="comment") == ""
    assert found(client, "강화학습", url="/search/") == ""


def test_one_character_query_gets_a_korean_message(client, corpus):
    board_page = client.get("/b/ainews/", {"q": "가"})
    site_page = client.get("/search/", {"q": "가"})

    assert board_page.status_code == 200  # the list is still shown
    assert "검색어는 두 글자 이상 입력해 주세요." in page_text(board_page)
    assert site_page.status_code == 400
    assert "검색어는 두 글자 이상 입력해 주세요." in page_text(site_page)


HOSTILE = [
    "%",
    "_",
    "%%",
    "'",
    '"',
    "\\",
    "'; DROP TABLE board_post; --",
    '" * ( ) : AND OR NOT NEAR',
    "NEAR(강화 학습)",
    "title_grams : 강화",
    "{title_grams} : x",
    "^강화",
    "강화*",
    "-강화",
    "가",
    "가" * 500,
    "모델 " * 100,
    "\x00",
    "강화\x00학습",
    "   ",
    "<script>alert(1)</script>",
    "😀😀",
    "１２３",
]


@pytest.mark.parametrize("q", HOSTILE)
@pytest.mark.parametrize("url", ["/b/ainews/", "/search/"])
@pytest.mark.parametrize("field", ["title_body", "title", "body", "author", "comment", "bogus"])
def test_any_input_is_safe(client, corpus, q, url, field):
    response = client.get(url, {"q": q, "field": field, "sort": "relevance"})

    assert response.status_code in (200, 400)
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert Post.objects.count() == 4


def test_highlighting_is_escaped(client, make_post):
    make_post(title="<b>강화</b>학습 & 모델", body="<i>강화</i>학습은 <script>x</script> 재미있다")

    html = client.get("/search/", {"q": "강화"}).content.decode()

    assert "&lt;b&gt;<mark>강화</mark>&lt;/b&gt;학습 &amp; 모델" in html
    assert "<mark>강화</mark>" in html
    assert "<b>" not in re.search(r"<main\b.*?</main>", html, re.S).group(0)


def test_an_article_opened_from_a_search_marks_the_words_in_its_text(client, make_post):
    post = make_post(title="강화학습 소식", body="**강화학습**은 [강화학습 링크](https://example.com/강화) & <b>x</b>")

    html = client.get(post.get_absolute_url(), {"q": "강화학습"}).content.decode()
    prose = re.search(r'<div class="prose">(.*?)</div>', html, re.S).group(1)

    assert "<strong><mark>강화학습</mark></strong>" in prose
    assert '<a href="https://example.com/강화" rel="nofollow ugc noopener"><mark>강화학습</mark> 링크</a>' in prose
    assert prose.endswith(" &amp; x</p>")
    plain = client.get(post.get_absolute_url()).content.decode()
    assert "<mark>" not in re.search(r'<div class="prose">(.*?)</div>', plain, re.S).group(1)


# --- Ranking and pages -------------------------------------------------------------------


def test_newest_first_by_default_and_relevance_puts_title_matches_first(client, make_post):
    make_post(title="강화학습 총정리", body="개요")
    make_post(title="다른 제목", body="본문에 강화학습이 나온다")

    assert found(client, "강화학습") == "다른 제목 | 강화학습 총정리"
    assert found(client, "강화학습", sort="relevance") == "강화학습 총정리 | 다른 제목"


def test_search_keeps_the_query_in_the_pager_and_in_article_neighbours(client, make_board, make_post):
    small = make_board(slug="small", name="작은 게시판", page_size=5)
    matches = [make_post(title=f"모델 소식 {i}", board=small) for i in range(7)]
    make_post(title="관계없는 글", board=small)

    page1 = client.get("/b/small/", {"q": "모델"})
    assert "전체 7건 / 2 페이지" in page_text(page1)
    assert 'href="?q=%EB%AA%A8%EB%8D%B8&amp;page=2"' in page1.content.decode()
    page2 = client.get("/b/small/", {"q": "모델", "page": 2})
    assert titles(page2) == ["모델 소식 1", "모델 소식 0"]

    article = client.get(f"/b/small/{matches[3].pk}/", {"q": "모델", "field": "title_body"})
    html = article.content.decode()
    assert f'href="/b/small/{matches[4].pk}/?q=%EB%AA%A8%EB%8D%B8&amp;field=title_body" rel="prev"' in html
    assert f'href="/b/small/{matches[2].pk}/?q=%EB%AA%A8%EB%8D%B8&amp;field=title_body" rel="next"' in html
    assert "관계없는 글" not in main_text(article)
    assert 'href="/b/small/?q=%EB%AA%A8%EB%8D%B8&amp;field=title_body&amp;page=2"' in html


def test_counts_are_capped(client, make_post, monkeypatch):
    monkeypatch.setattr(search, "COUNT_CAP", 3)
    for i in range(5):
        make_post(title=f"모델 {i}")

    board_text = page_text(client.get("/b/ainews/", {"q": "모델"}))
    site_text = page_text(client.get("/search/", {"q": "모델"}))

    assert "전체 3+건" in board_text
    assert "검색 결과 3+건" in site_text


def test_site_search_counts_per_board_and_filters_by_tab(client, make_board, make_post):
    free = make_board(slug="free", name="자유게시판")
    make_post(title="뉴스 게시판의 모델 이야기")
    make_post(title="자유게시판의 모델 잡담", board=free)
    make_post(title="자유게시판의 모델 질문", board=free)

    everything = client.get("/search/", {"q": "모델"})
    only_free = client.get("/search/", {"q": "모델", "board": "free"})

    text = page_text(everything)
    assert "AI 뉴스 1" in text and "자유게시판 2" in text and "전체 3" in text
    assert len(titles(everything)) == 3
    assert sorted(titles(only_free)) == ["자유게시판의 모델 잡담", "자유게시판의 모델 질문"]


def test_search_result_opens_the_article_with_the_word_found(client, corpus):
    results = client.get("/search/", {"q": "강화학습"}).content.decode()
    link = re.search(r'<a href="(/b/ainews/\d+/\?q=[^"]+)">', results).group(1).replace("&amp;", "&")

    article = client.get(link)

    assert article.status_code == 200
    # The word the reader searched for is marked where it stands in the text.
    assert "<mark>강화학습</mark>을" in article.content.decode()


# --- The index is kept in sync -----------------------------------------------------------


def test_index_follows_create_edit_delete_and_hide(client, make_post):
    post = make_post(title="뉴로모픽 칩 발표")
    assert found(client, "뉴로모픽") == "뉴로모픽 칩 발표"

    services.edit_post(post=post, title="양자컴퓨팅 칩 발표", body="본문", tags=[], source_url="")
    assert found(client, "뉴로모픽") == ""
    assert found(client, "양자컴퓨팅") == "양자컴퓨팅 칩 발표"

    services.delete_post(post=post)
    assert found(client, "양자컴퓨팅") == ""
    assert not PostSearch.objects.filter(post=post).exists()

    other = make_post(title="숨길 양자 소식")
    services.hide_post(post=other)
    assert found(client, "양자") == ""


def test_index_follows_comment_edits(client, make_post, make_comment):
    post = make_post(title="댓글 색인 시험")
    comment = make_comment(post, body="처음 쓴 낱말")
    services.edit_comment(comment=comment, body="고쳐 쓴 낱말")

    assert found(client, "처음", field="comment") == ""
    assert found(client, "고쳐", field="comment") == "댓글 색인 시험"


def test_rebuild_command_restores_a_lost_index(client, corpus):
    PostSearch.objects.all().delete()
    assert found(client, "강화학습") == ""

    call_command("rebuild_search_index", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert found(client, "강화학습") == "딥시크 R1 공개"
    assert found(client, "케보", field="comment") == "댓글로만 찾는 글"


# --- 인기검색어 ----------------------------------------------------------------------------


def test_searches_are_counted_without_personal_data_and_shown_in_the_sidebar(client, corpus, settings):
    from django.test import Client

    settings.BOARD_POPULAR_TERM_MIN_SEARCHERS = 1  # the threshold: tests/board/test_finishing.py
    for n in range(3):
        Client(REMOTE_ADDR=f"10.0.0.{n}").get("/search/", {"q": "  강화학습  GRPO "})
    client.get("/b/ainews/", {"q": "반도체"})
    client.get("/b/ainews/", {"q": "반도체"})  # the same reader again: counted once
    client.get("/b/ainews/", {"q": "반도체", "page": 2})  # paging is not a new search

    assert dict(SearchTerm.objects.values_list("term", "count")) == {"강화학습 grpo": 3, "반도체": 1}
    assert [f.name for f in SearchTerm._meta.get_fields()] == ["id", "day", "term", "count"]
    from django.core.cache import cache

    cache.clear()
    sidebar = re.search(r'<aside class="sidebar".*?</aside>', client.get("/").content.decode(), re.S).group(0)
    terms = re.search(r'id="terms-title".*?</section>', sidebar, re.S).group(0)
    assert terms.index("강화학습 grpo") < terms.index("반도체")


# --- Query budget ------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [1, 30])
def test_search_pages_have_a_fixed_query_budget(client, make_post, django_assert_max_num_queries, rows):
    for i in range(rows):
        make_post(title=f"모델 소식 {i}", tags=["LLM"])
    client.get("/b/nope-warmup/")

    with django_assert_max_num_queries(8):
        client.get("/b/ainews/", {"q": "모델"})
    with django_assert_max_num_queries(8):
        client.get("/search/", {"q": "모델"})
