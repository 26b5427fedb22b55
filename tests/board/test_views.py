import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db.models import F
from django.test import Client
from django.utils import timezone

from board import services, viewcounts
from board.models import Post
from tests.conftest import assert_in_order, main_text, page_text

SEOUL = ZoneInfo("Asia/Seoul")


def article_url(post):
    return f"/b/{post.board.slug}/{post.pk}/"


# --- Article page ------------------------------------------------------------------------


def test_article_shows_page_info_block_in_source_order(client, make_post, make_comment):
    post = make_post(
        title="딥씨크, R1 훈련 비용 공개",
        body="강화학습만으로 추론 능력을 얻었습니다.",
        created_at=datetime(2025, 9, 18, 2, 46, tzinfo=SEOUL),
        tags=["딥시크", "강화학습"],
        source_url="https://www.nature.com/articles/s41586-025-09422-z",
    )
    Post.objects.filter(pk=post.pk).update(view_count=772, upvote_count=3, downvote_count=1)
    make_comment(post, body="좋은 정리 감사합니다.")

    response = client.get(article_url(post))

    assert response.status_code == 200
    expected_order = [
        "AI 뉴스",
        "딥씨크, R1 훈련 비용 공개",
        "페이지 정보",
        "작성자 크리스탈피",
        "작성일 2025.09.18 02:46",
        "773 조회",  # this view counted
        "3 추천",
        "1 비추천",
        "댓글 1",
        "본문",
        "강화학습만으로 추론 능력을 얻었습니다.",
        "#딥시크",
        "원문: nature.com",
        "댓글 1",
        "좋은 정리 감사합니다.",
        "이전글",
        "다음글",
        "전체 1건 / 1 페이지",
    ]
    assert_in_order(main_text(response), expected_order)


def test_board_without_downvotes_hides_the_downvote_count(client, make_board, make_post):
    free = make_board(slug="free", name="자유게시판", use_downvote=False)
    post = make_post(board=free)

    text = page_text(client.get(article_url(post)))

    assert "0 추천" in text
    assert "비추천" not in text


def test_article_body_is_the_stored_sanitised_html(client, make_post):
    post = make_post(body="**굵게** 그리고 <script>alert(1)</script> ![그림](https://example.com/a.png)")

    html = client.get(article_url(post)).content.decode()

    assert "<strong>굵게</strong>" in html
    assert '<img alt="그림" src="https://example.com/a.png">' in html
    assert "<script>alert(1)</script>" not in html


def test_article_shows_replies_under_their_parent_and_a_placeholder_for_deleted_parents(
    client, make_post, make_comment, django_capture_on_commit_callbacks
):
    post = make_post()
    parent = make_comment(post, body="원댓글")
    make_comment(post, body="첫 답글", parent=parent)
    lonely = make_comment(post, body="혼자 남은 댓글")
    with django_capture_on_commit_callbacks(execute=True):  # gone from 최근 댓글 once committed
        services.delete_comment(comment=parent)
        services.delete_comment(comment=lonely)

    response = client.get(article_url(post))
    html = response.content.decode()
    text = page_text(response)

    assert "삭제된 댓글입니다" in text
    assert "원댓글" not in text
    assert "혼자 남은 댓글" not in text
    assert "댓글 1" in text  # only the reply is still visible
    reply_list = re.search(r'<ol class="reply-list">(.*?)</ol>', html, re.S).group(1)
    assert "첫 답글" in reply_list


def test_article_marks_itself_in_the_board_list_and_links_neighbours(client, make_post):
    older = make_post(title="오래된 글")
    current = make_post(title="지금 읽는 글")
    newer = make_post(title="새로운 글")

    response = client.get(article_url(current))
    html = response.content.decode()

    current_row = re.search(r'<li class="post-row is-current">(.*?)</li>', html, re.S).group(1)
    assert "열람중" in current_row and "지금 읽는 글" in current_row
    assert html.count("열람중") == 1
    assert f'<a href="/b/ainews/{newer.pk}/" rel="prev">새로운 글</a>' in html
    assert f'<a href="/b/ainews/{older.pk}/" rel="next">오래된 글</a>' in html


def test_article_list_shows_the_page_that_contains_the_article(client, make_board, make_post):
    small = make_board(slug="small", name="작은 게시판", page_size=5)
    posts = [make_post(board=small, title=f"글 번호 {i}") for i in range(12)]

    # Newest first: posts[11..7] on page 1, posts[6..2] on page 2.
    html = client.get(article_url(posts[4])).content.decode()

    assert re.search(r'<strong aria-current="page">2</strong>', html)
    rows = re.findall(r'<li class="post-row[^"]*">.*?<a href="/b/small/(\d+)/"', html, re.S)
    assert rows == [str(p.pk) for p in reversed(posts[2:7])]
    assert 'href="/b/small/?page=3"' in html


def test_a_view_counts_once_per_browser_session(make_post):
    post = make_post()
    reader, other_reader = Client(), Client()

    reader.get(article_url(post))
    reader.get(article_url(post))  # reload
    other_reader.get(article_url(post))

    viewcounts.flush()  # with Redis the totals reach the database in batches
    post.refresh_from_db()
    assert post.view_count == 2


def test_view_count_is_incremented_in_the_database_not_from_a_stale_copy(make_post):
    post = make_post()
    stale = Post.objects.get(pk=post.pk)
    Post.objects.filter(pk=post.pk).update(view_count=F("view_count") + 41)  # other readers meanwhile

    shown = viewcounts.count_view(stale.pk)

    viewcounts.flush()
    post.refresh_from_db()
    assert post.view_count == 42
    assert shown == 42


@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_hidden_post_is_a_korean_404(client, make_post, make_user, who):
    post = make_post(hidden=True)
    if who == "member":
        client.force_login(make_user())

    response = client.get(article_url(post))

    assert response.status_code == 404
    assert "페이지를 찾을 수 없습니다" in page_text(response)
    assert post.title not in page_text(response)


@pytest.mark.parametrize("url", ["/b/nope/", "/b/nope/1/", "/b/ainews/999999/", "/b/free/{id}/"])
def test_unknown_boards_and_posts_are_a_styled_korean_404(client, make_board, make_post, url):
    make_board(slug="free", name="자유게시판")
    post = make_post()  # lives in ainews, so /b/free/<id>/ must not find it

    response = client.get(url.format(id=post.pk))

    assert response.status_code == 404
    text = page_text(response)
    assert "페이지를 찾을 수 없습니다" in text
    assert "홈으로" in text


# --- Board list --------------------------------------------------------------------------


def test_list_row_shows_title_badges_excerpt_and_meta_line(client, make_post, make_comment):
    old = make_post(
        title="예전 소식",
        body="첫 문단입니다.\n\n둘째 문단은 " + "아주 긴 문장이 이어집니다 " * 20,
        created_at=datetime(2025, 9, 18, 2, 46, tzinfo=SEOUL),
    )
    Post.objects.filter(pk=old.pk).update(view_count=773, upvote_count=4)
    make_comment(old)
    make_comment(old)
    fresh = make_post(title="방금 올라온 소식")

    response = client.get("/b/ainews/")
    html = response.content.decode()

    assert response.status_code == 200
    rows = dict(re.findall(r'<a href="/b/ainews/(\d+)/">([^<]+)</a>', html))
    assert rows == {str(fresh.pk): "방금 올라온 소식", str(old.pk): "예전 소식"}
    old_row = re.search(rf'<li class="post-row">(?:(?!</li>).)*?/b/ainews/{old.pk}/.*?</li>', html, re.S).group(0)
    # The name menu's links (작성글 보기, 쪽지 보내기) are hidden until the name is opened.
    old_row = re.sub(r'<span class="name-menu-list">.*?</span>', "", old_row, flags=re.S)
    old_text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", old_row))
    assert "예전 소식 2" in old_text  # comment-count badge after the title
    assert "첫 문단입니다. 둘째 문단은" in old_text
    assert "…" in old_text  # the excerpt is cut at about 120 characters
    assert "크리스탈피 Lv.1 773 조회 4 추천 2025.09.18 등록" in old_text
    assert 'class="badge badge-new"' not in old_row

    fresh_row = re.search(rf'<li class="post-row">(?:(?!</li>).)*?/b/ainews/{fresh.pk}/.*?</li>', html, re.S).group(0)
    assert 'class="badge badge-new"' in fresh_row
    today_time = timezone.localtime(fresh.created_at).strftime("%H:%M")
    assert f"{today_time}</time> 등록" in fresh_row


def test_list_header_counts_posts_and_pages(client, make_board, make_post):
    small = make_board(slug="small", name="작은 게시판", page_size=5)
    for _ in range(11):
        make_post(board=small)
    make_post(board=small, hidden=True)

    text = page_text(client.get("/b/small/"))

    assert "전체 11건 / 3 페이지" in text


def test_pager_shows_ten_numbers_with_first_previous_next_and_last(client, make_board, make_post):
    small = make_board(slug="small", name="작은 게시판", page_size=5)
    for _ in range(5 * 25):
        make_post(board=small)

    html = client.get("/b/small/?page=13").content.decode()
    pager = re.search(r'<nav class="pager".*?</nav>', html, re.S).group(0)

    labels = re.findall(r"<(?:a|strong)[^>]*>([^<]+)</", pager)
    assert labels == ["처음", "이전", *map(str, range(11, 21)), "다음", "맨끝"]
    assert '<strong aria-current="page">13</strong>' in pager
    assert 'href="?page=1">처음' in pager
    assert 'href="?page=10">이전' in pager
    assert 'href="?page=21">다음' in pager
    assert 'href="?page=25">맨끝' in pager


def test_notices_are_pinned_on_the_first_page_only(client, make_board, make_post):
    small = make_board(slug="small", name="작은 게시판", page_size=5)
    notice = make_post(board=small, title="[공지] 이용 안내", is_notice=True)
    for _ in range(10):
        make_post(board=small)

    first = client.get("/b/small/").content.decode()
    second = client.get("/b/small/?page=2")

    first_row = re.search(r'<li class="post-row[^"]*">.*?</li>', first, re.S).group(0)
    assert "is-notice" in first_row and "[공지] 이용 안내" in first_row
    assert f'href="/b/small/{notice.pk}/"' in first_row
    assert "is-notice" not in second.content.decode()
    assert "[공지] 이용 안내" not in main_text(second)


def test_hidden_posts_are_not_listed(client, make_post):
    make_post(title="보이는 글")
    make_post(title="숨겨진 글", hidden=True)

    text = page_text(client.get("/b/ainews/"))

    assert "보이는 글" in text
    assert "숨겨진 글" not in text


@pytest.mark.parametrize(
    "page",
    ["abc", "0", "-1", "99999", "1e5", "1.5", "１", "2" * 400, "", "1&page=2", "<script>"],
)
def test_bad_page_numbers_give_a_page_never_a_500(client, make_board, make_post, page):
    small = make_board(slug="small", name="작은 게시판", page_size=5)
    for _ in range(12):
        make_post(board=small)

    response = client.get(f"/b/small/?page={page}")

    assert response.status_code == 200
    assert re.search(r'<strong aria-current="page">[123]</strong>', response.content.decode())


@pytest.mark.parametrize("url", ["/b/small/?page=%00", "/b/small/?q=%00", "/tags/a%00b/", "/u/a%00b/", "/b/sm%00all/"])
def test_nul_bytes_in_links_get_a_korean_400(client, make_board, url):
    make_board(slug="small", name="작은 게시판")

    response = client.get(url)

    assert response.status_code == 400
    assert "잘못된 요청입니다" in page_text(response)


def test_page_past_the_end_shows_the_last_page(client, make_board, make_post):
    small = make_board(slug="small", name="작은 게시판", page_size=5)
    first = make_post(board=small, title="가장 오래된 글")
    for _ in range(11):
        make_post(board=small)

    html = client.get("/b/small/?page=99").content.decode()

    assert '<strong aria-current="page">3</strong>' in html
    assert "가장 오래된 글" in html and first.pk


# --- Home and chrome ---------------------------------------------------------------------


def test_home_shows_the_menu_newest_posts_sidebar_and_footer(client, make_board, make_post, make_comment):
    make_board(slug="free", name="자유게시판", position=2)
    popular = make_post(title="많이 본 글", tags=["LLM"])
    Post.objects.filter(pk=popular.pk).update(view_count=999)
    make_comment(popular, body="사이드바에 보일 댓글")
    make_post(title="지난달 글", created_at=timezone.now() - timedelta(days=30))

    response = client.get("/")
    text = page_text(response)
    html = response.content.decode()

    assert response.status_code == 200
    assert '<nav class="board-menu" aria-label="게시판">' in html
    assert 'href="/b/ainews/"' in html and 'href="/b/free/"' in html
    assert "많이 본 글" in text and "지난달 글" in text
    sidebar = re.search(r'<aside class="sidebar".*?</aside>', html, re.S).group(0)
    assert "많이 본 글" in sidebar
    assert "지난달 글" not in sidebar  # 인기글 covers the last 7 days
    assert "사이드바에 보일 댓글" in sidebar
    assert "#LLM" in sidebar
    assert "로그인" in sidebar and "회원가입" in sidebar
    footer = re.search(r'<nav class="footer-menu".*?</nav>', html, re.S).group(0)
    # A reader is offered 로그인 where a member has 마이메뉴; 전체메뉴 is a page of its own.
    assert re.findall(r">([^<>]+)</a>", footer) == ["홈으로", "전체메뉴", "로그인", "새글/새댓글", "전체 검색"]
    for href in ["/", "/menu/", "/accounts/login/", "/new/", "/search/"]:
        assert f'href="{href}"' in footer


def test_popular_tags_rank_tags_by_the_posts_everyone_may_read(client, make_board, make_post):
    club = make_board(slug="club", name="고수 게시판", read_level=5, write_level=5, comment_level=5)
    for _ in range(3):
        make_post(tags=["에이전트"])
    make_post(tags=["에이전트", "GPU"])
    make_post(tags=["GPU", "로보틱스"])
    make_post(tags=["로보틱스"])
    # Two more each, where not everyone may read them: they must neither show nor rank.
    for _ in range(2):
        make_post(tags=["유출된주소"], hidden=True)
        make_post(tags=["로보틱스"], hidden=True)
        services.delete_post(post=make_post(tags=["삭제된태그"]))
        make_post(tags=["고수전용"], board=club)

    sidebar = re.search(r'<aside class="sidebar".*?</aside>', client.get("/").content.decode(), re.S).group(0)
    tags = re.findall(r'<a class="tag" href="[^"]+">#([^<]+)</a>', sidebar)

    assert tags == ["에이전트", "GPU", "로보틱스"]  # 4, then 2 and 2 by name


def test_member_box_greets_a_logged_in_member(client, make_user):
    client.force_login(make_user(nickname="딥러닝고양이"))

    html = client.get("/").content.decode()

    assert "딥러닝고양이</strong>님" in html
    assert ">회원가입</a>" not in html


# --- Query budgets -----------------------------------------------------------------------


def warm_site_chrome(client):
    """The header menu and sidebar are cached for every page; budgets are for the page itself."""
    client.get("/b/nope-warmup/")


@pytest.mark.parametrize("rows", [1, 50])
def test_list_page_query_budget_does_not_grow_with_rows(
    client, make_board, make_post, django_assert_max_num_queries, rows
):
    big = make_board(slug="big", name="큰 게시판", page_size=50)
    for i in range(rows):
        make_post(board=big, tags=["LLM", f"태그{i}"], is_notice=(i == 0))
    warm_site_chrome(client)

    # The board, its page of ids, the rows, their tags; the 공지's ids, row and tags (each
    # 공지 row is a part of its own, so a comment elsewhere reads none of them again).
    with django_assert_max_num_queries(7):
        response = client.get("/b/big/")

    assert len(re.findall(r'class="post-row[ "]', response.content.decode())) == rows + 1  # the notice is pinned too


@pytest.mark.parametrize("rows", [1, 50])
def test_article_query_budget_does_not_grow_with_comments_or_tags(
    client, make_post, make_comment, make_user, django_assert_max_num_queries, rows
):
    post = make_post(tags=[f"태그{i}" for i in range(rows)])
    for _ in range(rows):
        make_post()
    commenter = make_user()
    for i in range(rows):
        parent = make_comment(post, body=f"댓글 {i}", author=commenter)
        make_comment(post, body=f"답글 {i}", author=commenter, parent=parent)
    warm_site_chrome(client)

    with django_assert_max_num_queries(10):
        response = client.get(article_url(post))

    # Threads of a parent and its reply: a page of comments holds 25 of them.
    assert main_text(response).count("답글 ") == min(rows, settings.BOARD_COMMENTS_PER_PAGE // 2)


def test_home_query_budget_does_not_grow_with_rows(client, make_post, django_assert_max_num_queries):
    for _ in range(30):
        make_post()
    warm_site_chrome(client)

    with django_assert_max_num_queries(4):
        client.get("/")


def test_sidebar_costs_a_fixed_number_of_queries_when_cold(
    client, make_post, make_comment, django_assert_max_num_queries
):
    for _ in range(20):
        make_comment(make_post(tags=["LLM"]))

    # menu + sidebar (5: 인기글, tags, 인기검색어 and its stop list, 최근 댓글) on top of the page's own 5
    with django_assert_max_num_queries(5 + 6):
        client.get("/b/ainews/")


def test_time_elements_carry_a_datetime_html_accepts(client, make_post, make_comment):
    # HTML allows at most three digits of a second's fraction; Django's "c" format prints six.
    post = make_post()
    make_comment(post)

    pages = [client.get(url).content.decode() for url in ("/", "/b/ainews/", post.get_absolute_url(), "/new/")]

    values = [value for page in pages for value in re.findall(r'<time datetime="([^"]+)"', page)]
    assert len(values) >= 5
    for value in values:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+09:00", value), value
