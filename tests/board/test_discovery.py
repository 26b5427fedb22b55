"""Tags, sorting, 인기, 새글/새댓글, feeds, sitemap and share previews."""

import re
from datetime import timedelta

import feedparser
import pytest
from django.utils import timezone

from board import services
from board.models import Post
from tests.conftest import image_file, main_text, page_text


def link_titles(response):
    main = re.search(r"<main\b.*?</main>", response.content.decode(), re.S).group(0)
    return re.findall(r'<div class="post-row-title">.*?<a href="[^"]*"[^>]*>(.*?)</a>', main, re.S)


# --- Tags --------------------------------------------------------------------------------


def test_tag_page_lists_visible_posts_of_every_board(client, make_board, make_post):
    free = make_board(slug="free", name="자유게시판")
    make_post(title="뉴스 쪽 LLM 글", tags=["LLM"])
    make_post(title="자유 쪽 LLM 글", tags=["LLM"], board=free)
    make_post(title="숨은 LLM 글", tags=["LLM"], hidden=True)
    make_post(title="태그 없는 글")

    response = client.get("/tags/llm/")

    assert response.status_code == 200
    assert sorted(link_titles(response)) == ["뉴스 쪽 LLM 글", "자유 쪽 LLM 글"]
    assert "#LLM" in page_text(response)


def test_korean_tag_pages_and_chips_link_to_them(client, make_post):
    make_post(title="태그 달린 글", tags=["강화학습"])

    listing = client.get("/b/ainews/").content.decode()
    chip = re.search(r'<a class="tag" href="(/tags/[^"]+/)">#강화학습</a>', listing).group(1)

    assert link_titles(client.get(chip)) == ["태그 달린 글"]


def test_unknown_tag_is_404(client, db):
    assert client.get("/tags/none-such/").status_code == 404


# --- Sorting and 인기 ---------------------------------------------------------------------


@pytest.fixture
def ranked(make_post):
    a = make_post(title="조회 많은 글")
    b = make_post(title="추천 많은 글")
    c = make_post(title="댓글 많은 글")
    Post.objects.filter(pk=a.pk).update(view_count=500, upvote_count=1, comment_count=1)
    Post.objects.filter(pk=b.pk).update(view_count=10, upvote_count=50, comment_count=2)
    Post.objects.filter(pk=c.pk).update(view_count=20, upvote_count=2, comment_count=30)
    return a, b, c


@pytest.mark.parametrize(
    "sort, first",
    [("new", "댓글 많은 글"), ("views", "조회 많은 글"), ("votes", "추천 많은 글"), ("comments", "댓글 많은 글")],
)
def test_each_sort_order(client, ranked, sort, first):
    titles = link_titles(client.get("/b/ainews/", {"sort": sort}))

    assert titles[0] == first
    assert len(titles) == 3


def test_unknown_sort_falls_back_to_newest(client, ranked):
    assert link_titles(client.get("/b/ainews/", {"sort": "'; drop"}))[0] == "댓글 많은 글"


def test_popular_view_ranks_by_score_within_the_period(client, ranked, make_post):
    old = make_post(title="지난달 대박 글", created_at=timezone.now() - timedelta(days=20))
    Post.objects.filter(pk=old.pk).update(upvote_count=999)

    week = link_titles(client.get("/b/ainews/", {"sort": "popular", "period": "week"}))
    month = link_titles(client.get("/b/ainews/", {"sort": "popular", "period": "month"}))

    assert week[0] == "추천 많은 글"  # 50 votes weigh more than 500 views or 30 comments
    assert "지난달 대박 글" not in week
    assert month[0] == "지난달 대박 글"


def test_sidebar_popular_posts_use_the_same_score(client, ranked):
    sidebar = re.search(r'id="popular-title".*?</section>', client.get("/").content.decode(), re.S).group(0)

    assert sidebar.index("추천 많은 글") < sidebar.index("댓글 많은 글") < sidebar.index("조회 많은 글")


# --- 새글/새댓글 --------------------------------------------------------------------------


@pytest.fixture
def activity(make_post, make_comment):
    older = make_post(title="먼저 쓴 글")
    make_comment(older, body="먼저 단 댓글")
    newer = make_post(title="나중에 쓴 글")
    make_comment(newer, body="나중에 단 댓글")
    hidden = make_post(title="숨은 글")
    make_comment(hidden, body="숨은 글의 댓글")
    services.hide_post(post=hidden)
    return older, newer


def test_new_stream_mixes_posts_and_comments_newest_first(client, activity):
    response = client.get("/new/")
    rows = re.findall(r'<li class="post-row[^"]*">(.*?)</li>', response.content.decode(), re.S)
    rows = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in rows]

    assert [row.split(" 크리스탈피")[0].split(" 회원")[0] for row in rows] == [
        "댓글 AI 뉴스 나중에 쓴 글 나중에 단 댓글",
        "글 AI 뉴스 나중에 쓴 글 1 본문입니다.",
        "댓글 AI 뉴스 먼저 쓴 글 먼저 단 댓글",
        "글 AI 뉴스 먼저 쓴 글 1 본문입니다.",
    ]
    assert "숨은 글" not in main_text(response)


@pytest.mark.parametrize("kind, kinds", [("posts", {"글"}), ("comments", {"댓글"}), ("all", {"글", "댓글"})])
def test_new_stream_filters(client, activity, kind, kinds):
    html = client.get("/new/", {"kind": kind}).content.decode()

    badges = re.findall(r'<span class="badge badge-kind">(.*?)</span>', html)
    assert set(badges) == kinds
    assert len(badges) == 2 * len(kinds)


@pytest.mark.parametrize("rows", [2, 40])
def test_new_stream_query_budget(client, make_post, make_comment, django_assert_max_num_queries, rows):
    for i in range(rows):
        make_comment(make_post(title=f"글 {i}"), body=f"댓글 {i}")
    client.get("/b/nope-warmup/")

    with django_assert_max_num_queries(5):
        response = client.get("/new/")

    assert response.status_code == 200


# --- Feeds -------------------------------------------------------------------------------


@pytest.fixture
def published(client, make_user, board):
    member = make_user(nickname="피드작성자")
    client.force_login(member)
    client.post(
        "/b/ainews/write/",
        {
            "title": "피드에 실릴 글",
            "body": "**전체** 본문 <script>x</script>",
            "tags_text": "LLM, 강화학습",
            "images": [image_file("표지.png")],
        },
    )
    client.logout()
    hidden = services.create_post(board=board, author=member, title="피드에 없을 글", body="숨김")
    services.hide_post(post=hidden)
    return Post.objects.get(title="피드에 실릴 글")


FEEDS = ["/feed/", "/feed/atom/", "/b/ainews/feed/", "/b/ainews/feed/atom/", "/tags/llm/feed/", "/tags/llm/feed/atom/"]


@pytest.mark.parametrize("url", FEEDS)
def test_feeds_parse_cleanly_with_full_content_author_tags_and_image(client, published, url):
    response = client.get(url)
    feed = feedparser.parse(response.content)

    assert response.status_code == 200
    assert not feed.bozo, feed.get("bozo_exception")
    assert [entry.title for entry in feed.entries] == ["피드에 실릴 글"]
    entry = feed.entries[0]
    content = entry.get("content", [{}])[0].get("value") or entry.summary
    assert "<strong>전체</strong>" in content and "<script" not in content
    assert entry.author == "피드작성자"
    assert sorted(t.term for t in entry.tags) == ["LLM", "강화학습"]
    enclosures = [link for link in entry.links if link.rel == "enclosure"]
    assert enclosures and enclosures[0].href.startswith("http://testserver/media/posts/")
    assert enclosures[0].type == "image/png"
    assert entry.link == f"http://testserver/b/ainews/{published.pk}/"


def test_unknown_board_feed_is_404(client, db):
    assert client.get("/b/nope/feed/").status_code == 404


# --- Sitemap and robots ------------------------------------------------------------------


def test_sitemap_lists_boards_and_only_visible_posts_with_lastmod(client, make_post):
    visible = make_post(title="보이는 글")
    hidden = make_post(title="숨은 글", hidden=True)

    index = client.get("/sitemap.xml").content.decode()
    sections = re.findall(r"<loc>http://testserver(/sitemap-[a-z]+\.xml)</loc>", index)
    posts_xml = client.get("/sitemap-posts.xml").content.decode()
    boards_xml = client.get("/sitemap-boards.xml").content.decode()

    assert sorted(sections) == ["/sitemap-boards.xml", "/sitemap-posts.xml"]
    assert f"<loc>http://testserver/b/ainews/{visible.pk}/</loc>" in posts_xml
    assert f"/b/ainews/{hidden.pk}/" not in posts_xml
    assert "<lastmod>" in posts_xml
    assert "<loc>http://testserver/b/ainews/</loc>" in boards_xml


def test_robots_txt_points_to_the_sitemap(client, db):
    response = client.get("/robots.txt")

    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()


# --- Share previews ----------------------------------------------------------------------


def test_article_carries_canonical_description_open_graph_and_twitter_tags(client, published):
    html = client.get(published.get_absolute_url()).content.decode()
    head = html[: html.index("</head>")]
    image = published.images.get()

    assert f'<link rel="canonical" href="http://testserver/b/ainews/{published.pk}/">' in head
    assert '<meta name="description" content="전체 본문 x">' in head
    assert '<meta property="og:title" content="피드에 실릴 글">' in head
    assert '<meta property="og:site_name" content="AI 뉴스 보드">' in head
    assert '<meta property="og:locale" content="ko_KR">' in head
    assert f'<meta property="og:image" content="http://testserver{image.image.url}">' in head
    assert '<meta name="twitter:card" content="summary_large_image">' in head


def test_share_tags_are_escaped(client, make_post):
    post = make_post(title='따옴표 " 와 <태그>')

    head = client.get(post.get_absolute_url()).content.decode().split("</head>")[0]

    assert '<meta property="og:title" content="따옴표 &quot; 와 &lt;태그&gt;">' in head


@pytest.mark.parametrize("rows", [1, 40])
def test_tag_page_query_budget(client, make_post, django_assert_max_num_queries, rows):
    for i in range(rows):
        make_post(title=f"글 {i}", tags=["LLM", f"태그{i}"])
    client.get("/b/nope-warmup/")

    with django_assert_max_num_queries(5):
        response = client.get("/tags/llm/")

    assert len(link_titles(response)) == min(rows, 20)
