"""Pages made of a cached shell with their parts filled in (board/fragments.py): after a
comment or a 추천, the page around the rows is not rendered again, yet every reader sees
the same page a whole render gives, with the change in it."""

import re

import pytest
from django.core.cache import cache
from django.test import Client

from board import fragments, invalidation, pagecache, services, sidebar
from board.models import Post, PostVote
from board.views import parts
from board.views.parts import refreshed_rows, rows_args
from tests.conftest import main_text, member_client, page_text, shared_page

PAGE_TEMPLATES = {"board/home.html", "board/post_list.html", "board/post_detail.html"}


def pages_rendered(response):
    return PAGE_TEMPLATES & {template.name for template in response.templates}


def row_of(page, title):
    match = re.search(rf'<li class="post-row[^"]*">(?:(?!</li>).)*{title}(?:(?!</li>).)*</li>', page, re.S)
    assert match, title
    return match.group(0)


def read_twice(client, *urls):
    for url in urls:
        client.get(url)
        client.get(url)  # the first starts the page's versions and stores nothing


def without_view_count(content):
    # The article's view count is filled into every response, cached or not, and each read
    # before this one added to it.
    return re.sub(rb"[\d,]+(</strong>|</span>)? \xec\xa1\xb0\xed\x9a\x8c", b"N \xec\xa1\xb0\xed\x9a\x8c", content)


def test_a_page_made_from_its_shell_is_the_page_rendered_whole(settings, make_post, make_comment, make_board):
    make_board(slug="empty", name="빈 게시판")  # 홈 says "아직 글이 없습니다." for it, as a whole render does
    posts = [make_post(title=f"글 {n}") for n in range(3)]
    make_comment(posts[1], body="댓글 하나")
    urls = ["/", "/b/ainews/", posts[1].get_absolute_url(), "/b/empty/"]
    cache_seconds, settings.BOARD_PAGE_CACHE_SECONDS = settings.BOARD_PAGE_CACHE_SECONDS, 0
    whole = {url: without_view_count(Client().get(url).content) for url in urls}
    settings.BOARD_PAGE_CACHE_SECONDS = cache_seconds
    read_twice(Client(), *urls)

    for board in ("ainews", "empty"):  # what a 추천 retires: the pages, not their shells
        invalidation.post_counts_changed(posts[0].pk, board)

    for url in urls:
        response = Client().get(url)
        assert response.status_code == 200 and not pages_rendered(response), url
        assert without_view_count(response.content) == whole[url], url
        assert fragments.hole("x")[:18] not in response.content.decode()


@pytest.mark.parametrize("reader", ["anonymous", "member"])
def test_a_comment_elsewhere_shows_in_the_rows_and_the_sidebar_of_a_page_from_its_shell(
    reader, make_post, make_comment, make_user
):
    read, commented = make_post(title="읽는 글"), make_post(title="댓글 받을 글")
    client = member_client(make_user(nickname="읽는회원")) if reader == "member" else Client()
    read_twice(client, read.get_absolute_url(), "/b/ainews/", "/")

    make_comment(commented, body="사이드바에 보일 새 댓글")

    for url in (read.get_absolute_url(), "/b/ainews/", "/"):
        response = client.get(url)
        page = response.content.decode()
        assert not pages_rendered(response), url
        assert 'title="댓글 1개"' in row_of(page, "댓글 받을 글")
        assert "사이드바에 보일 새 댓글" in page_text(response) and "사이드바에 보일 새 댓글" not in main_text(response)
        if reader == "member":
            assert "읽는회원" in page_text(response) and "로그인" not in page_text(response)


def article_counts(page):
    """The 추천 and 비추천 of the article's 페이지 정보 block."""
    return re.findall(r'<li class="info-count"><strong>([\d,]+)</strong> (추천|비추천)</li>', page)


def test_a_vote_shows_in_the_rows_of_a_page_from_its_shell_and_in_its_article(make_post, make_user):
    voted, other = make_post(title="추천 받을 글"), make_post(title="옆 글")
    read_twice(Client(), "/b/ainews/", other.get_absolute_url(), voted.get_absolute_url())

    services.cast_vote(user=make_user(), post=voted, value=PostVote.UP)

    for url in ("/b/ainews/", other.get_absolute_url()):
        response = Client().get(url)
        assert not pages_rendered(response)
        assert "<span>1 추천</span>" in row_of(response.content.decode(), "추천 받을 글")
    # Its own article is not made again either: its counts come from its row.
    response = Client().get(voted.get_absolute_url())
    page = response.content.decode()
    assert not pages_rendered(response)
    assert article_counts(page) == [("1", "추천"), ("0", "비추천")]
    assert "<span>1 추천</span>" in row_of(page, "추천 받을 글")
    assert 'href="/accounts/login/?next=' in page and "추천 <strong>1</strong></a>" in page  # the reader's vote box


def test_a_member_who_votes_sees_the_count_and_their_vote_pressed_at_once(make_post, make_user):
    voted = make_post(title="추천 받을 글")
    voter, other_member = make_user(nickname="추천한회원"), make_user(nickname="다른회원")
    client, other_client = member_client(voter), member_client(other_member)
    read_twice(client, voted.get_absolute_url())
    services.cast_vote(user=make_user(), post=voted, value=PostVote.DOWN)  # someone else's first
    client.get(voted.get_absolute_url())

    assert client.post(f"{voted.get_absolute_url()}vote/", {"value": "up"}).status_code == 302

    mine, theirs = client.get(voted.get_absolute_url()), other_client.get(voted.get_absolute_url())
    assert not pages_rendered(mine) and not pages_rendered(theirs)
    for response in (mine, theirs):
        assert article_counts(response.content.decode()) == [("1", "추천"), ("1", "비추천")]
    pressed = re.compile(r'aria-pressed="true">추천 <strong data-count="up">1</strong>')
    assert pressed.search(mine.content.decode())
    assert not pressed.search(theirs.content.decode()) and 'data-count="up">1</strong>' in theirs.content.decode()


def test_a_new_post_retires_the_shells_of_its_board(make_post, make_board):
    board = make_board(slug="small", name="작은 게시판", page_size=2)
    first = make_post(board=board, title="첫 글")
    read_twice(Client(), "/b/small/", first.get_absolute_url(), "/")
    assert "전체 1건" in page_text(Client().get("/b/small/"))

    newest = make_post(board=board, title="새로 쓴 글")

    listing = Client().get("/b/small/")
    assert "전체 2건" in page_text(listing) and "새로 쓴 글" in main_text(listing)
    article = Client().get(first.get_absolute_url()).content.decode()
    assert re.search(rf'이전글</span> <a href="/b/small/{newest.pk}/" rel="prev">새로 쓴 글</a>', article)
    assert "새로 쓴 글" in main_text(Client().get("/"))


def test_a_boards_first_post_reaches_home_through_its_shell(make_board, make_post):
    quiet = make_board(slug="quiet", name="조용한 게시판")
    read_twice(Client(), "/")
    empty_before = main_text(Client().get("/")).count("아직 글이 없습니다.")

    make_post(board=quiet, title="첫 소식")

    text = main_text(Client().get("/"))
    assert "조용한 게시판 첫 소식" in text and text.count("아직 글이 없습니다.") == empty_before - 1


def test_a_title_spelling_out_a_hole_stays_text(make_post):
    # The real holes carry a digest of SECRET_KEY; a writer can only guess at one.
    post = make_post(title="제목 @@0123456789abcdef:rows_html@@")
    read_twice(Client(), "/b/ainews/", post.get_absolute_url())
    invalidation.post_counts_changed(post.pk, "ainews")

    for url in ("/b/ainews/", post.get_absolute_url()):
        response = Client().get(url)
        assert not pages_rendered(response) or url == post.get_absolute_url()
        assert "제목 @@0123456789abcdef:rows_html@@" in response.content.decode()


def test_notices_are_read_again_only_when_one_of_them_changed(make_post, make_comment, django_assert_max_num_queries):
    notice, post = make_post(title="공지 글", is_notice=True), make_post(title="보통 글")
    read_twice(Client(), "/b/ainews/")

    make_comment(post, body="보통 글에 댓글")
    with django_assert_max_num_queries(8) as captured:
        page = Client().get("/b/ainews/").content.decode()
    assert not any(re.search(r'WHERE .*"is_notice"', query["sql"]) for query in captured.captured_queries)
    rows_read = [query["sql"] for query in captured.captured_queries if '"board_post"."id" IN' in query["sql"]]
    assert len(rows_read) == 1 and f"IN ({post.pk})" in rows_read[0]  # the 공지's row came from the cache
    assert "is-notice" in row_of(page, "공지 글") and 'title="댓글 1개"' in row_of(page, "보통 글")

    make_comment(notice, body="공지에 댓글")
    page = Client().get("/b/ainews/").content.decode()
    assert 'title="댓글 1개"' in row_of(page, "공지 글")


def test_a_comment_on_a_notice_from_another_page_shows_on_the_first_pages_kept_rows(
    make_board, make_post, make_comment
):
    board = make_board(slug="small", name="작은 게시판", page_size=2)
    notice = make_post(board=board, title="지난 공지", is_notice=True)  # its own row is on page 2
    newest = [make_post(board=board, title=f"새 글 {n}") for n in range(3)]
    read_twice(Client(), "/b/small/")
    make_comment(newest[2], body="첫 쪽 글에 댓글")
    read_twice(Client(), "/b/small/")  # the first page's rows and 공지 kept as they are now

    make_comment(notice, body="공지에 댓글")
    page = Client().get("/b/small/").content.decode()

    assert 'title="댓글 1개"' in row_of(page, "지난 공지")


def test_a_members_vote_box_and_controls_carry_their_posts_id_and_counts(make_post, make_user):
    # Made once per process with stand-ins (memberslots.vote_box, own_controls): each page
    # gets its own post's id and counts.
    writer = make_user(nickname="글쓴회원")
    first, second = make_post(title="첫 글", author=writer), make_post(title="둘째 글", author=writer)
    Post.objects.filter(pk=second.pk).update(upvote_count=1234, downvote_count=5)
    reader = member_client(make_user())
    for post, up in ((first, "0"), (second, "1,234")):
        page = shared_page(reader, post.get_absolute_url()).content.decode()
        assert f'action="/b/ainews/{post.pk}/vote/"' in page
        assert f'추천 <strong data-count="up">{up}</strong>' in page
        assert f'href="/b/ainews/{post.pk}/report/"' in page
        own = shared_page(member_client(writer), post.get_absolute_url()).content.decode()
        assert f'href="/b/ainews/{post.pk}/edit/"' in own and f'href="/b/ainews/{post.pk}/delete/"' in own


@pytest.mark.parametrize("reader", ["anonymous", "member"])
def test_after_a_comment_elsewhere_the_cached_pages_keep_their_shell_and_refresh_their_rows(
    reader, make_post, make_comment, make_user, django_assert_max_num_queries
):
    read, commented = make_post(title="읽는 글"), make_post(title="댓글 받을 글")
    client = member_client(make_user()) if reader == "member" else Client()
    read_twice(client, read.get_absolute_url(), "/b/ainews/")

    make_comment(commented, body="새 댓글")

    for url in (read.get_absolute_url(), "/b/ainews/"):
        with django_assert_max_num_queries(8) as captured:
            response = client.get(url)
        # Served from the cache (no post looked up, nothing rendered) with the rows made again:
        # only the commented post's row was read.
        assert response["X-Page-Cache"] == "hit" and not pages_rendered(response)
        rows_read = [query["sql"] for query in captured.captured_queries if '"board_post"."id" IN' in query["sql"]]
        assert len(rows_read) <= 1 and all(f"IN ({commented.pk})" in sql for sql in rows_read)
        # Which posts the page holds was kept too (under the board's listing): no page of ids read.
        assert not any('ORDER BY "board_post"."created_at" DESC' in query["sql"] for query in captured.captured_queries)
        assert 'title="댓글 1개"' in row_of(response.content.decode(), "댓글 받을 글")
        # The refreshed rows were stored with the page: the next reader reads no row at all.
        with django_assert_max_num_queries(4) as captured:
            again = client.get(url)
        assert not any('"board_post"."id" IN' in query["sql"] for query in captured.captured_queries)
        assert again.content == response.content or reader == "member"


def test_a_sorted_list_keeps_no_rows_of_its_own_and_follows_every_vote(make_post, make_user):
    first = make_post(title="먼저 쓴 글")
    make_post(title="나중 쓴 글")
    read_twice(Client(), "/b/ainews/?sort=votes")
    page = main_text(Client().get("/b/ainews/?sort=votes"))
    assert page.index("나중 쓴 글") < page.index("먼저 쓴 글")

    services.cast_vote(user=make_user(), post=first, value=PostVote.UP)

    page = main_text(Client().get("/b/ainews/?sort=votes"))
    assert page.index("먼저 쓴 글") < page.index("나중 쓴 글")


def test_rows_made_again_with_nothing_cached_read_the_boards_page_from_the_database(rf, board, make_post):
    # What a refresh does when the cache lost the page of ids and the rows (evicted, a Redis
    # restart): everything from the database, with the little of the board the page kept.
    notice = make_post(title="고정 공지", is_notice=True)
    posts = [make_post(title=f"다시 만든 글 {n}") for n in range(3)]

    values = refreshed_rows(
        rf.get("/b/ainews/"), None, board.slug, rows_args(board, 1, current=posts[1].pk, notices=True)
    )

    rows = values["rows_html"]
    assert all(f"다시 만든 글 {n}" in rows for n in range(3)) and rows.count("열람중") == 1
    assert f"/b/ainews/{notice.pk}/" in values["notices_html"] and "공지" in values["notices_html"]
    assert set(values) >= {"sidebar_posts", "sidebar_recent", "sidebar_rest"}


@pytest.mark.parametrize("settle_seconds, stored_again", [(60, False), (0, True)])
def test_a_page_refreshed_while_its_board_is_busy_is_not_stored_again(
    settings, monkeypatch, settle_seconds, stored_again, make_post, make_comment, django_assert_max_num_queries
):
    settings.BOARD_REFRESH_SETTLE_SECONDS = settle_seconds
    read, commented = make_post(title="읽는 글"), make_post(title="댓글 받을 글")
    read_twice(Client(), read.get_absolute_url())
    make_comment(commented, body="새 댓글")  # the board's version is a moment old
    stores = []
    monkeypatch.setattr(pagecache, "store", lambda *args, **kwargs: stores.append(args))

    for _ in range(2):
        # Either way the reader gets the page from the cache with the new row in it, and
        # the second reader reads no row: the refreshed rows are a cached part.
        with django_assert_max_num_queries(8) as captured:
            response = Client().get(read.get_absolute_url())
        assert response["X-Page-Cache"] == "hit" and not pages_rendered(response)
        assert 'title="댓글 1개"' in row_of(response.content.decode(), "댓글 받을 글")
    assert not any('"board_post"."id" IN' in query["sql"] for query in captured.captured_queries)
    assert len(stores) == (2 if stored_again else 0)


def test_a_version_tells_its_age_and_one_from_before_is_old():
    assert 0 <= invalidation.version_age(invalidation.new_version()) < 5
    assert invalidation.version_age("3f2a9c0d5e6b7a81") > 10**6  # random hex, no time in it


def test_a_comment_on_one_page_of_a_board_leaves_the_rows_of_its_other_pages_as_they_are(
    monkeypatch, make_board, make_post, make_comment
):
    board = make_board(slug="small", name="작은 게시판", page_size=2)
    old = [make_post(board=board, title=f"지난 글 {n}") for n in range(2)]
    newest = [make_post(board=board, title=f"새 글 {n}") for n in range(2)]
    read_twice(Client(), "/b/small/", "/b/small/?page=2")
    made = []
    real_set_many = fragments.cache.set_many
    monkeypatch.setattr(
        fragments.cache, "set_many", lambda values, *a, **kw: made.extend(values) or real_set_many(values, *a, **kw)
    )

    make_comment(newest[0], body="첫 쪽 글에 댓글")

    first, second = Client().get("/b/small/"), Client().get("/b/small/?page=2")
    assert 'title="댓글 1개"' in row_of(first.content.decode(), "새 글 0")
    assert "지난 글 0" in second.content.decode() and not pages_rendered(second)
    assert any(":list-rows:small:1:" in key for key in made)
    assert not any(":list-rows:small:2:" in key for key in made)  # its posts did not change

    make_comment(old[1], body="둘째 쪽 글에 댓글")
    assert 'title="댓글 1개"' in row_of(Client().get("/b/small/?page=2").content.decode(), "지난 글 1")


@pytest.mark.parametrize("reader", ["anonymous", "member"])
@pytest.mark.parametrize("maker", ["another process", "this process"])
def test_after_a_write_the_rows_one_article_put_together_serve_the_others_from_the_cache(
    reader, maker, monkeypatch, make_post, make_comment, make_user, django_assert_max_num_queries
):
    first, second, commented = make_post(title="첫 글"), make_post(title="둘째 글"), make_post(title="댓글 받을 글")
    client = member_client(make_user()) if reader == "member" else Client()
    read_twice(client, first.get_absolute_url(), second.get_absolute_url())
    make_comment(commented, body="새 댓글")
    client.get(first.get_absolute_url())  # puts the page's rows together again
    if maker == "another process":
        fragments._kept_parts.clear()  # this one keeps no copy of them
    reads = []
    real_get_many = fragments.cache.get_many
    monkeypatch.setattr(fragments.cache, "get_many", lambda keys, *a, **kw: reads.append(keys) or real_get_many(keys))

    with django_assert_max_num_queries(4) as captured:
        response = client.get(second.get_absolute_url())

    assert response["X-Page-Cache"] == "hit" and not pages_rendered(response)
    assert 'title="댓글 1개"' in row_of(response.content.decode(), "댓글 받을 글")
    assert "열람중" in row_of(response.content.decode(), "둘째 글")
    assert "열람중" not in row_of(response.content.decode(), "첫 글")
    # No row read (the only query on posts: the view count, where Redis does not keep it).
    assert not any('"board_post"."title"' in query["sql"] for query in captured.captured_queries)
    on_page = {invalidation.version_key(invalidation.post_version(post.pk)) for post in (first, second, commented)}
    page_read, *rest = reads
    assert any(
        key.startswith(pagecache.PAGE_KEY_PREFIX) or key.startswith(pagecache.MEMBER_PAGE_KEY_PREFIX)
        for key in page_read
    )
    if maker == "another process":
        # The page with its versions, then the page's rows and the sidebar in one read, then
        # the versions of the posts on it: no page of ids, no row's part.
        rows_read, versions_read = rest
        assert any(":board-page:ainews:1:" in key for key in rows_read)
        assert set(invalidation.SIDEBAR_KEYS) <= set(rows_read)
    else:
        # The rows this process put together are its own copy: the versions of the posts on
        # it and the sidebar in one read, and no rows read from the cache.
        (versions_read,) = rest
        assert set(invalidation.SIDEBAR_KEYS) <= set(versions_read)
        versions_read = set(versions_read) - set(invalidation.SIDEBAR_KEYS)
    assert on_page <= set(versions_read)
    assert all(key.startswith(invalidation.VERSION_KEY_PREFIX) for key in versions_read)


@pytest.mark.parametrize("reader", ["anonymous", "member"])
@pytest.mark.parametrize("url", ["ARTICLE", "/b/ainews/"])
def test_a_page_reads_what_its_rows_need_with_itself_once_this_process_refreshed_it(
    reader, url, monkeypatch, make_post, make_user
):
    """After a write elsewhere in the board, a page this process refreshed before reads its
    posts' versions and the sidebar in its own lookup (fragments.reads_of_page): one round
    trip, not two. (Where the cache has round trips: Redis.)"""
    monkeypatch.setattr(cache, "reads_many_in_one_trip", True, raising=False)
    read, other = make_post(title="읽는 글"), make_post(title="다른 글")
    url = read.get_absolute_url() if url == "ARTICLE" else url
    client = member_client(make_user()) if reader == "member" else Client()
    read_twice(client, url)
    invalidation._apply([invalidation.board_version("ainews")])  # a write to a post of another page
    client.get(url)  # its rows checked again: what that read is remembered
    invalidation._apply([invalidation.board_version("ainews")])
    reads = []
    real_get_many = fragments.cache.get_many
    monkeypatch.setattr(fragments.cache, "get_many", lambda keys, *a, **kw: reads.append(keys) or real_get_many(keys))

    response = client.get(url)

    assert response["X-Page-Cache"] == "hit" and not pages_rendered(response)
    assert "다른 글" in response.content.decode()
    (page_read,) = reads
    on_page = {invalidation.version_key(invalidation.post_version(post.pk)) for post in (read, other)}
    assert on_page | set(invalidation.SIDEBAR_KEYS) <= set(page_read)


@pytest.mark.parametrize("one_trip", [False, True], ids=["file cache", "Redis"])
def test_a_hit_that_needs_no_refresh_reads_nothing_for_its_rows_in_advance(make_post, monkeypatch, settings, one_trip):
    """A page stored again after its refresh needs none on its next hit, so its rows'
    versions and the sidebar are not read with it (fragments.reads_of_page); nor ever on the
    file cache, which opens a file per key."""
    monkeypatch.setattr(cache, "reads_many_in_one_trip", one_trip, raising=False)
    settings.BOARD_REFRESH_SETTLE_SECONDS = 0  # the refreshed page is stored again at once
    make_post(title="읽는 글")
    read_twice(Client(), "/b/ainews/")
    invalidation._apply([invalidation.board_version("ainews")])
    Client().get("/b/ainews/")  # refreshed, and stored again: its rows' reads known
    reads = []
    real_get_many = fragments.cache.get_many
    monkeypatch.setattr(fragments.cache, "get_many", lambda keys, *a, **kw: reads.append(keys) or real_get_many(keys))

    Client().get("/b/ainews/")  # nothing written since: a plain hit

    (page_read,) = reads
    assert not set(invalidation.SIDEBAR_KEYS) & set(page_read)


def test_a_process_never_shows_its_own_copy_of_rows_a_write_changed(
    monkeypatch, make_post, make_comment, django_assert_max_num_queries
):
    """A page of rows this process kept (fragments.keep_part) is used only while its posts'
    versions hold; after a comment, the rows another process put together since are read
    from the cache, not made again, and this process's old copy is never shown."""
    quiet, commented = make_post(title="조용한 글"), make_post(title="댓글 받을 글")
    read_twice(Client(), "/b/ainews/")
    make_comment(quiet, body="첫 댓글")
    Client().get("/b/ainews/")  # the page's rows put together again, and kept here
    before_the_write = dict(fragments._kept_parts)
    assert any(":board-page:ainews:1:" in key for key in before_the_write)
    make_comment(commented, body="새 댓글")
    Client().get("/b/ainews/")  # "another process" puts them together again
    fragments._kept_parts.clear()
    fragments._kept_parts.update(before_the_write)  # this one still holds the rows from before
    made = []
    real_set = fragments.cache.set
    monkeypatch.setattr(fragments.cache, "set", lambda key, *a, **kw: made.append(key) or real_set(key, *a, **kw))

    with django_assert_max_num_queries(4) as captured:
        response = Client().get("/b/ainews/")

    assert 'title="댓글 1개"' in row_of(response.content.decode(), "댓글 받을 글")
    assert not any(":board-page:" in key for key in made)  # not made again here
    assert not any('"board_post"."title"' in query["sql"] for query in captured.captured_queries)
    kept = [value for key, value in fragments._kept_parts.items() if ":board-page:ainews:1:" in key]
    assert kept and all('title="댓글 1개"' in value[0][0] for value in kept)  # its copy follows


def test_a_kept_copy_of_rows_lasts_no_longer_than_the_cache_keeps_them(make_post, make_comment, settings):
    """What no version follows (a row's view count, the N badge, today's times) is made
    again as often as the cache's copy is: a process's copy expires with it."""
    make_post(title="원래 제목")
    other = make_post(title="다른 글")
    read_twice(Client(), "/b/ainews/")
    make_comment(other, body="댓글")
    Client().get("/b/ainews/")  # the rows made again, and kept here
    key = next(key for key in fragments._kept_parts if ":board-page:ainews:1:" in key)
    (rows_html, *rest), tokens, made = fragments._kept_parts[key]
    marked = (rows_html.replace("원래 제목", "이 프로세스의 사본"), *rest)

    def read_after_a_write_elsewhere(made_at):
        fragments._kept_parts[key] = (marked, tokens, made_at)
        invalidation._apply([invalidation.board_version("ainews")])  # no post of the page moved
        return Client().get("/b/ainews/").content.decode()

    assert "이 프로세스의 사본" in read_after_a_write_elsewhere(made)
    expired = read_after_a_write_elsewhere(made - settings.BOARD_PAGE_CACHE_SECONDS - 1)
    assert "이 프로세스의 사본" not in expired and "원래 제목" in expired


def test_an_article_made_from_its_cached_shell_reads_the_sidebar_once(settings, monkeypatch, make_post):
    # What the first reader after the page itself left the cache (evicted, or the
    # benchmark's uncached reads) costs: the shell and the rows from the cache, the sidebar
    # read with the rows, not again for the response.
    settings.BOARD_PAGE_CACHE_BYPASS_HEADER = "X-Uncached"
    post = make_post(title="껍데기에서 만든 글")
    read_twice(Client(), post.get_absolute_url())
    reads = []
    real_sidebar = fragments.sidebar
    monkeypatch.setattr(fragments, "sidebar", lambda found=None: reads.append(found) or real_sidebar(found))

    response = Client().get(post.get_absolute_url(), headers={"X-Uncached": "1"})

    assert response.status_code == 200 and not pages_rendered(response)
    assert "껍데기에서 만든 글" in main_text(response) and "인기" in page_text(response)
    assert len(reads) == 1


def test_rows_that_did_not_change_are_not_written_again_after_a_write_beside_them(
    monkeypatch, make_board, make_post, make_comment
):
    board = make_board(slug="small", name="작은 게시판", page_size=2)
    old = [make_post(board=board, title=f"지난 글 {n}") for n in range(2)]
    newest = [make_post(board=board, title=f"새 글 {n}") for n in range(2)]
    read_twice(Client(), old[0].get_absolute_url(), newest[0].get_absolute_url())
    make_comment(newest[1], body="첫 쪽 글에 댓글")
    read_twice(Client(), old[0].get_absolute_url(), newest[0].get_absolute_url())  # each page's rows kept
    written = []
    real_set = fragments.cache.set
    monkeypatch.setattr(fragments.cache, "set", lambda key, *a, **kw: written.append(key) or real_set(key, *a, **kw))

    make_comment(newest[1], body="첫 쪽 글에 또 댓글")
    on_page_1 = Client().get(newest[0].get_absolute_url())
    on_page_2 = Client().get(old[0].get_absolute_url())

    assert 'title="댓글 2개"' in row_of(on_page_1.content.decode(), "새 글 1")
    assert "지난 글 1" in on_page_2.content.decode() and not pages_rendered(on_page_2)
    assert any(":board-page:small:1:" in key for key in written)  # for the other articles of page 1
    assert not any(":board-page:small:2:" in key for key in written)  # as they were: no write


def test_a_boards_page_of_rows_follows_its_listing_even_where_the_boards_version_lags(rf, board, make_post):
    # A page read between the two writes of a new post's versions (the file cache writes one
    # key at a time) sees the listing's new version with the board's old one: the rows kept
    # under that board version must not be the page before the new post.
    make_post(title="먼저 쓴 글")
    request = rf.get("/b/ainews/")
    request.page_versions = {invalidation.EVERYTHING: "a" * 21, "board:ainews": "b" * 21, "listing:ainews": "c" * 21}
    before = refreshed_rows(request, None, board.slug, rows_args(board, 1))
    make_post(title="새로 쓴 글")
    request = rf.get("/b/ainews/")
    request.page_versions = {invalidation.EVERYTHING: "a" * 21, "board:ainews": "b" * 21, "listing:ainews": "d" * 21}

    after = refreshed_rows(request, None, board.slug, rows_args(board, 1))

    assert "새로 쓴 글" not in before["rows_html"]
    assert "새로 쓴 글" in after["rows_html"] and "먼저 쓴 글" in after["rows_html"]


def test_the_writer_of_a_comment_makes_the_recent_comments_again_once_it_is_committed(
    monkeypatch, make_post, make_user, django_capture_on_commit_callbacks
):
    # Not every reader who would find 최근 댓글 gone at the same moment after a comment.
    post = make_post(title="댓글 받을 글")
    read_twice(Client(), post.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        services.add_comment(post=post, author=make_user(), body="커밋 뒤에 보이는 댓글")
    built = []
    real_build = sidebar.build_recent_comments
    monkeypatch.setattr(sidebar, "build_recent_comments", lambda: built.append(1) or real_build())

    page = Client().get(post.get_absolute_url())

    assert "커밋 뒤에 보이는 댓글" in page_text(page)  # in 최근 댓글
    assert built == []  # read as the writer left it


def test_a_page_made_while_the_writer_rebuilds_the_recent_comments_is_not_served_after_it(
    monkeypatch, make_post, make_user, django_capture_on_commit_callbacks
):
    # A page made at the commit, before the writer's rebuild is done, has the 최근 댓글 from
    # before the comment: it must not be the page every reader gets under the new versions.
    post = make_post(title="댓글 받을 글")
    read_twice(Client(), "/")
    made_meanwhile, real_rebuild = [], sidebar.rebuild_recent_comments

    def writers_rebuild():
        made_meanwhile.append(Client().get("/"))
        return real_rebuild()

    monkeypatch.setattr(sidebar, "rebuild_recent_comments", writers_rebuild)

    with django_capture_on_commit_callbacks(execute=True):
        services.add_comment(post=post, author=make_user(), body="커밋하는 사이의 댓글")
    monkeypatch.setattr(sidebar, "rebuild_recent_comments", real_rebuild)

    assert made_meanwhile  # the writer did rebuild
    assert "커밋하는 사이의 댓글" in page_text(Client().get("/"))


@pytest.mark.parametrize("reader", ["anonymous", "member"])
def test_a_comment_on_an_article_makes_only_its_comments_again(settings, reader, make_post, make_comment, make_user):
    post = make_post(title="댓글 받을 글")
    make_comment(post, body="첫 댓글")
    member = make_user(nickname="읽는회원")
    client = member_client(member) if reader == "member" else Client()
    url = post.get_absolute_url()
    read_twice(client, url)

    make_comment(post, body="둘째 댓글", author=member)
    response = client.get(url)

    rendered = {template.name for template in response.templates}
    assert "board/_comments.html" in rendered
    assert not rendered & {"board/_article.html", "board/post_detail.html"}  # the article and shell were kept
    page = response.content.decode()
    assert "둘째 댓글" in page and '<h2 id="comments-title">댓글 2</h2>' in page
    assert re.search(r'<li class="info-count">댓글 <strong>2</strong></li>', page)
    if reader == "member":
        assert "수정</a>" in page.split("둘째 댓글", 1)[1].split("</li>", 1)[0]
    else:
        cache_seconds, settings.BOARD_PAGE_CACHE_SECONDS = settings.BOARD_PAGE_CACHE_SECONDS, 0
        whole = Client().get(url).content
        settings.BOARD_PAGE_CACHE_SECONDS = cache_seconds
        assert without_view_count(response.content) == without_view_count(whole)


def test_a_comments_vote_makes_only_the_articles_comments_again(make_post, make_comment, make_user):
    post = make_post(title="추천 받을 댓글의 글")
    comment = make_comment(post, body="추천 받을 댓글")
    client = Client()
    read_twice(client, post.get_absolute_url())

    services.vote_comment(user=make_user(), comment=comment)
    response = client.get(post.get_absolute_url())

    rendered = {template.name for template in response.templates}
    assert "board/_comments.html" in rendered and "board/_article.html" not in rendered
    assert re.search(r'class="comment-vote" href="[^"]*">추천 <strong>1</strong>', response.content.decode())


def rows_lock_key(slug="ainews", page=1, notices=False):
    """The lock a process holds while it puts a board's page of rows together again."""
    names = (invalidation.EVERYTHING, invalidation.listing_version(slug))
    found = cache.get_many([invalidation.version_key(name) for name in names])
    known = {name: found[invalidation.version_key(name)] for name in names}
    key = fragments.part_key(known, f"board-page:{slug}:{page}:{int(notices)}", (invalidation.listing_version(slug),))
    return f"{key}:making"


@pytest.fixture
def counted_rows(monkeypatch):
    """The ids of the rows each board_rows call read from the database."""
    calls, real = [], parts.board_rows
    monkeypatch.setattr(parts, "board_rows", lambda board, ids, **kw: calls.append(list(ids)) or real(board, ids, **kw))
    return calls


def test_a_page_that_finds_its_rows_stale_while_another_makes_them_waits_for_theirs(
    monkeypatch, make_post, make_comment, counted_rows
):
    posts = [make_post(title=f"글 {n}") for n in range(3)]
    waiting, making = posts[0].get_absolute_url(), posts[1].get_absolute_url()
    read_twice(Client(), waiting, making)
    make_comment(posts[2], body="첫 댓글")
    Client().get(waiting)  # the page of rows is put together and kept
    make_comment(posts[2], body="새 댓글")
    counted_rows.clear()
    lock = rows_lock_key()
    cache.add(lock, 1)  # another process is putting the rows together
    slept = []

    def other_process_finishes(seconds):
        if not slept:
            cache.delete(lock)
            assert Client().get(making).status_code == 200  # it makes the rows and stores them
        slept.append(seconds)

    monkeypatch.setattr(fragments.time, "sleep", other_process_finishes)
    response = Client().get(waiting)

    assert slept and counted_rows == [[posts[2].pk]]  # the changed row was read once, by the other
    assert 'title="댓글 2개"' in row_of(response.content.decode(), "글 2")
    assert cache.get(lock) is None


def test_a_page_whose_rows_another_process_never_finishes_makes_them_itself(
    monkeypatch, make_post, make_comment, counted_rows
):
    posts = [make_post(title=f"글 {n}") for n in range(2)]
    read_twice(Client(), posts[0].get_absolute_url())
    make_comment(posts[1], body="새 댓글")
    counted_rows.clear()
    lock = rows_lock_key()
    cache.add(lock, 1)  # held by a process that died while making them
    monkeypatch.setattr(fragments.time, "sleep", lambda seconds: None)

    response = Client().get(posts[0].get_absolute_url())

    assert 'title="댓글 1개"' in row_of(response.content.decode(), "글 1")
    assert counted_rows == [[posts[1].pk]]
    assert cache.get(lock) == 1  # theirs, left to expire


def test_an_article_shell_kept_from_before_the_comments_were_a_part_is_not_used(make_post, make_comment):
    """A shell cached by the version before this one has its comments written in, not a hole
    for them: kept under the old name, it would show a page without every later comment."""
    post = make_post(title="배포 전 글")
    url = post.get_absolute_url()
    read_twice(Client(), url)
    versions = cache.get_many([invalidation.version_key(n) for n in ("all", f"article:{post.pk}", "listing:ainews")])
    known = {name.removeprefix(invalidation.VERSION_KEY_PREFIX): token for name, token in versions.items()}
    old_name = f"shell:article:{post.pk}:reader:1"
    old_key = fragments.part_key(known, old_name, (invalidation.article_version(post.pk), "listing:ainews"))
    cache.set(old_key, ("<p>예전 껍데기</p>", 1, None))

    make_comment(post, body="배포 뒤 댓글")
    page = Client().get(url).content.decode()

    assert "예전 껍데기" not in page and "배포 뒤 댓글" in page
