"""Parts of shared pages cached on their own (board/fragments.py): a write makes again only
the parts it changed, and every page still shows the change at once."""

import errno
import multiprocessing
import re
import shutil

import pytest
from django.test import Client

from board import fragments, services
from tests.conftest import main_text, member_client, page_text


def article_queries(client, url, django_assert_max_num_queries, budget):
    with django_assert_max_num_queries(budget) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return response, [query["sql"] for query in captured.captured_queries]


@pytest.mark.parametrize("reader", ["anonymous", "member"])
def test_a_comment_on_one_article_leaves_the_next_articles_thread_cached(
    reader, make_post, make_comment, make_user, django_assert_max_num_queries
):
    other = make_post(title="다른 글")
    make_comment(other, body="다른 글의 오래된 댓글")
    busy = make_post(title="댓글 달릴 글")
    client = member_client(make_user()) if reader == "member" else Client()
    client.get(other.get_absolute_url())  # both parts of the other article are cached now

    make_comment(busy, body="방금 달린 댓글")  # retires the board's pages, not the other post's

    # The page comes from the cache with the rows under it made again (ids, rows, tags), the
    # sidebar's 최근 댓글 and the view count; a member's session and row besides.
    budget = 10 if reader == "member" else 8
    response, queries = article_queries(client, other.get_absolute_url(), django_assert_max_num_queries, budget)
    # The other article's thread came from the cache: its comments were not read again...
    assert not any(f'"board_comment"."post_id" = {other.pk}' in sql for sql in queries)
    text = main_text(response)
    assert "다른 글의 오래된 댓글" in text
    # ...while the rows under it, which the comment changed, were made again.
    row_pattern = r'<li class="post-row[^"]*">(?:(?!</li>).)*댓글 달릴 글(?:(?!</li>).)*</li>'
    row = re.search(row_pattern, response.content.decode(), re.S)
    assert row and 'title="댓글 1개"' in row.group(0)


def test_a_comment_shows_at_once_in_its_own_article_and_in_the_rows_under_others(make_post, make_comment, make_user):
    first, second = make_post(title="첫째 글"), make_post(title="둘째 글")
    member = member_client(make_user())
    for client in (Client(), member):
        client.get(first.get_absolute_url())
        client.get(second.get_absolute_url())

    make_comment(first, body="새 댓글이 보입니다")

    for client in (Client(), member):
        assert "새 댓글이 보입니다" in main_text(client.get(first.get_absolute_url()))
        under_second = client.get(second.get_absolute_url()).content.decode()
        assert re.search(r"첫째 글</a>\s*<span class=\"badge-count\" title=\"댓글 1개\">1</span>", under_second)


def test_the_article_being_read_is_marked_in_the_shared_rows_and_nowhere_else(make_post):
    posts = [make_post(title=f"글 {n}") for n in range(3)]
    list_page = Client().get("/b/ainews/").content.decode()
    article = Client().get(posts[1].get_absolute_url()).content.decode()
    again = Client().get(posts[0].get_absolute_url()).content.decode()  # the same rows, from the cache

    assert "열람중" not in page_text(Client().get("/b/ainews/")) and "is-current" not in list_page
    for page, current in ((article, posts[1]), (again, posts[0])):
        rows = re.search(r'<ul class="post-list">.*?</ul>\s*</section>', page, re.S).group(0)
        assert page.count("열람중") == 1 and rows.count('aria-current="page"') == 1
        marked = re.search(r'<li class="post-row is-current[^"]*">.*?</li>', page, re.S).group(0)
        assert f'/b/ainews/{current.pk}/"' in marked
    for page in (list_page, article, again):
        assert fragments.current_mark(posts[0].pk, "badge")[:18] not in page  # no mark is ever sent


def test_a_title_spelling_out_a_row_mark_stays_text(make_post):
    # The real marks carry a digest of SECRET_KEY; a writer can only guess at one.
    post = make_post(title="제목 @@0123456789abcdef:1:badge@@")
    page = Client().get(post.get_absolute_url()).content.decode()
    assert "제목 @@0123456789abcdef:1:badge@@" in page and page.count("열람중") == 1


def test_home_makes_again_only_the_board_a_post_went_to(make_post, make_board, django_assert_max_num_queries):
    news, talk = make_board(slug="news", name="소식"), make_board(slug="talk", name="잡담")
    make_post(board=news, title="소식 글")
    make_post(board=talk, title="잡담 글")
    Client().get("/")
    Client().get("/")  # the first stores nothing: it starts the page's versions

    make_post(board=talk, title="새 잡담")

    with django_assert_max_num_queries(4) as captured:
        text = main_text(Client().get("/"))
    assert "새 잡담" in text and "소식 글" in text
    posts_read = [sql for sql in captured.captured_queries if 'FROM "board_post"' in sql["sql"]]
    assert len(posts_read) == 1  # the one board the post went to; the others' rows were kept


def test_a_page_for_one_reader_alone_is_made_whole(make_post, make_comment, moderator):
    post = make_post(title="운영진이 보는 글")
    make_comment(post, body="보통 댓글")
    staff = member_client(moderator)
    staff.get(post.get_absolute_url())
    hidden = make_comment(post, body="숨겨질 댓글")
    services.set_comment_hidden(comment=hidden, moderator=moderator, hidden=True)

    text = main_text(staff.get(post.get_absolute_url()))
    assert "숨겨질 댓글" in text and "숨김" in text  # 운영진 see hidden comments: never a shared part
    assert "숨겨질 댓글" not in main_text(Client().get(post.get_absolute_url()))


def test_after_a_comment_only_its_posts_row_is_made_again(make_post, make_comment, django_assert_max_num_queries):
    posts = [make_post(title=f"목록 글 {n}") for n in range(5)]
    Client().get("/b/ainews/")
    Client().get("/b/ainews/")

    make_comment(posts[2], body="목록에 보일 댓글")

    with django_assert_max_num_queries(8) as captured:
        page = Client().get("/b/ainews/").content.decode()
    rows_read = [q["sql"] for q in captured.captured_queries if '"board_post"."id" IN' in q["sql"]]
    assert len(rows_read) == 1 and f"IN ({posts[2].pk})" in rows_read[0]  # the other four came from the cache
    assert re.search(r"목록 글 2</a>\s*<span class=\"badge-count\" title=\"댓글 1개\">1</span>", page)
    assert all(f"목록 글 {n}" in page for n in range(5))


def test_the_file_cache_keeps_to_its_size_though_it_looks_only_now_and_then(tmp_path):
    # Without Redis the pages and their parts are files; the folder is counted on one set in
    # CULL_EVERY (counting it on every set cost more than the page being stored).
    from config.redis_cache import FailSoftFileBasedCache

    files = FailSoftFileBasedCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 300}})
    for n in range(1200):
        files.set(f"part-{n}", f"조각 {n}")

    assert len(list(tmp_path.glob("*.djcache"))) <= 300 + FailSoftFileBasedCache.CULL_EVERY
    assert files.get("part-1199") == "조각 1199"


def test_the_list_link_follows_the_article_to_its_new_page_though_its_text_is_kept(make_post, make_board):
    small = make_board(slug="small", name="작은 게시판", page_size=3)
    article = make_post(board=small, title="밀려날 글")
    Client().get(article.get_absolute_url())
    Client().get(article.get_absolute_url())

    for n in range(3):
        make_post(board=small, title=f"새 글 {n}")  # pushes the article to page 2

    page = Client().get(article.get_absolute_url()).content.decode()
    tools = re.findall(r'<nav class="article-tools"[^>]*>\s*<a [^>]*href="([^"]*)"', page)
    assert tools == ["/b/small/?page=2", "/b/small/?page=2"]
    assert "밀려날 글" in page and page.count("열람중") == 1


def comments_rendered(response):
    return [template.name for template in response.templates].count("board/_comment.html")


@pytest.mark.parametrize("reader", ["anonymous", "member"])
def test_a_thread_makes_again_only_the_comments_that_changed(reader, make_post, make_comment, make_user):
    post = make_post(title="댓글 많은 글")
    first, second, third = (make_comment(post, body=f"댓글 {n}번") for n in range(1, 4))
    client = member_client(make_user()) if reader == "member" else Client()
    client.get(post.get_absolute_url())
    client.get(post.get_absolute_url())

    make_comment(post, body="네 번째 댓글")
    response = client.get(post.get_absolute_url())
    assert comments_rendered(response) == 1 and "네 번째 댓글" in main_text(response)

    services.edit_comment(comment=second, body="고친 두 번째 댓글")
    services.vote_comment(user=make_user(), comment=third)
    services.delete_comment(comment=first)
    response = client.get(post.get_absolute_url())
    text = main_text(response)
    assert comments_rendered(response) == 2  # the edited and the 추천ed one (the deleted one is gone)
    assert "고친 두 번째 댓글" in text and "수정됨" in text and "삭제된 댓글입니다" not in text
    assert "댓글 1번" not in text and "댓글 3번" in text and "네 번째 댓글" in text
    if reader == "anonymous":  # a member's 추천 button is their own slot, filled per response
        assert re.search(rf'id="c{third.pk}".*?추천 <strong>1</strong>', response.content.decode(), re.S)


def test_a_moved_posts_comments_reply_to_its_new_board(make_post, make_comment, make_board, make_user, moderator):
    post = make_post(title="옮겨질 글")
    make_comment(post, body="옮겨질 댓글")
    member = member_client(make_user())
    member.get(post.get_absolute_url())
    member.get(post.get_absolute_url())

    services.move_post(post=post, board=make_board(slug="moved", name="옮긴 게시판"), moderator=moderator)

    page = member.get(f"/b/moved/{post.pk}/").content.decode()
    assert "옮겨질 댓글" in page
    assert f'action="/b/moved/{post.pk}/comments/"' in page and "/b/ainews/" not in page.split("<main", 1)[1]


def test_the_file_cache_reads_back_what_it_wrote_at_its_faster_compression(tmp_path):
    from config.redis_cache import FailSoftFileBasedCache

    files = FailSoftFileBasedCache(str(tmp_path), {})
    page = "<li>행</li>" * 5000
    files.set("page", (("version",), page), 60)

    assert files.get("page") == (("version",), page)
    assert sum(path.stat().st_size for path in tmp_path.glob("*.djcache")) < len(page.encode()) / 20


def test_the_file_cache_replaces_an_entry_whole_and_leaves_no_file_behind(tmp_path):
    from config.redis_cache import FailSoftFileBasedCache

    folder = tmp_path / "cache"
    files = FailSoftFileBasedCache(str(folder), {})
    files.set("version", "first", None)
    files.set("version", "second", None)
    assert files.get("version") == "second"
    assert [path.suffix for path in folder.iterdir()] == [".djcache"]  # no temporary file left

    shutil.rmtree(folder)  # the cache cleared by hand while the site runs
    files.set("version", "third", None)
    assert files.get("version") == "third"


def test_a_file_cache_that_cannot_write_keeps_the_entry_it_had(tmp_path, monkeypatch):
    from config.redis_cache import FailSoftFileBasedCache

    files = FailSoftFileBasedCache(str(tmp_path), {})
    files.set("version", "kept", None)

    def full_disk(*args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files, "_write_content", full_disk)
    files.set("version", "lost", None)  # skipped, not an error page
    monkeypatch.undo()
    assert FailSoftFileBasedCache(str(tmp_path), {}).get("version") == "kept"  # another worker's read
    assert [path.suffix for path in tmp_path.iterdir()] == [".djcache"]


def _count_in_a_worker(folder, times):
    from config.redis_cache import FailSoftFileBasedCache

    files = FailSoftFileBasedCache(folder, {})
    for _ in range(times):
        files.count("ratelimit:comment:7:1", 60)


def test_the_file_cache_loses_no_count_to_workers_counting_at_once(tmp_path):
    from config.redis_cache import FailSoftFileBasedCache

    workers = [
        multiprocessing.get_context("fork").Process(target=_count_in_a_worker, args=(str(tmp_path), 60))
        for _ in range(4)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
    files = FailSoftFileBasedCache(str(tmp_path), {})
    assert files.get("ratelimit:comment:7:1") == 240
    assert files.count("ratelimit:comment:7:1", 60, delta=-1) == 239  # a slot given back


def test_a_malformed_comment_page_is_the_first_page_and_shares_its_part(make_post, make_comment):
    post = make_post(title="댓글 페이지 글")
    make_comment(post, body="첫 페이지 댓글")
    Client().get(post.get_absolute_url())

    for cpage in ["가 나", "-1", "x" * 300]:
        response = Client().get(post.get_absolute_url(), {"cpage": cpage})
        assert response.status_code == 200 and "첫 페이지 댓글" in main_text(response)
        assert comments_rendered(response) == 0  # the first page's comments, already made
