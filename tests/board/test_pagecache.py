"""Anonymous pages come from the page cache and change the moment what they show changes."""

import re

import pytest
from django.test import Client

from board import services, viewcounts
from tests.conftest import main_text, page_text


def test_anonymous_list_is_served_from_the_cache_until_a_post_changes_it(make_post, django_assert_max_num_queries):
    make_post(title="첫 글")
    reader = Client()
    first = reader.get("/b/ainews/")
    assert "X-Page-Cache" not in first

    with django_assert_max_num_queries(0):
        again = reader.get("/b/ainews/")
    assert again["X-Page-Cache"] == "hit" and again.content == first.content

    make_post(title="방금 쓴 글")
    fresh = reader.get("/b/ainews/")
    assert "X-Page-Cache" not in fresh and "방금 쓴 글" in main_text(fresh)


def test_cached_article_counts_every_sessions_first_view_exactly(make_post, django_assert_max_num_queries):
    post = make_post()
    Client().get(post.get_absolute_url())  # fills the cache

    readers = [Client() for _ in range(5)]
    for reader in readers:
        with django_assert_max_num_queries(1):  # the view's UPDATE ... RETURNING
            response = reader.get(post.get_absolute_url())
        assert response["X-Page-Cache"] == "hit"
    for reader in readers:
        reader.get(post.get_absolute_url())  # reloads count nothing

    viewcounts.flush()
    post.refresh_from_db()
    assert post.view_count == 6
    text = page_text(Client().get(post.get_absolute_url()))
    assert "7 조회" in text  # the number is filled in live, never cached


@pytest.mark.parametrize("change", ["comment", "vote", "edit", "hide", "notice", "move", "rename board"])
def test_each_change_shows_at_once(change, make_post, make_user, make_comment, make_board, moderator):
    post = make_post(title="바뀔 글")
    url = post.get_absolute_url()
    Client().get(url)
    Client().get("/b/ainews/")
    Client().get("/")

    if change == "comment":
        make_comment(post, body="새로 달린 댓글")
        assert "새로 달린 댓글" in main_text(Client().get(url))
    elif change == "vote":
        services.cast_vote(user=make_user(), post=post, value=1)
        assert re.search(r"<strong>1</strong> 추천", Client().get(url).content.decode())
        assert "1 추천" in main_text(Client().get("/b/ainews/"))
    elif change == "edit":
        services.edit_post(post=post, title="고친 제목", body="본문", tags=[], source_url="")
        assert "고친 제목" in main_text(Client().get(url))
        assert "고친 제목" in main_text(Client().get("/"))
    elif change == "hide":
        services.hide_post(post=post, moderator=moderator)
        assert Client().get(url).status_code == 404
        assert "바뀔 글" not in main_text(Client().get("/b/ainews/"))
        assert "바뀔 글" not in main_text(Client().get("/"))
    elif change == "notice":
        services.set_notice(post=post, moderator=moderator, pinned=True)
        assert "is-notice" in Client().get("/b/ainews/").content.decode()
    elif change == "move":
        free = make_board(slug="free", name="자유게시판")
        Client().get("/b/free/")
        services.move_post(post=post, board=free, moderator=moderator)
        assert "바뀔 글" not in main_text(Client().get("/b/ainews/"))
        assert "바뀔 글" in main_text(Client().get("/b/free/"))
        assert Client().get(url).status_code == 404
    else:
        board = post.board
        board.slug = "news"
        services.save_board(board=board)
        assert Client().get("/b/ainews/").status_code == 404
        assert Client().get(url).status_code == 404
        assert "바뀔 글" in main_text(Client().get("/b/news/"))


def test_a_version_lost_from_the_cache_never_brings_an_old_page_back(make_post):
    from django.core.cache import cache

    post = make_post(title="처음 제목")
    version = "pagecache:version:board:ainews"
    cache.delete(version)  # evicted, culled, or Redis restarted
    for _ in range(3):
        Client().get("/b/ainews/")
    assert Client().get("/b/ainews/")["X-Page-Cache"] == "hit"
    services.edit_post(post=post, title="고친 제목", body="본문", tags=[], source_url="")
    cache.delete(version)  # and lost again

    assert "고친 제목" in main_text(Client().get("/b/ainews/"))
    assert "고친 제목" in main_text(Client().get("/b/ainews/"))


def test_members_are_never_served_a_cached_page(make_post, make_user):
    post = make_post()
    Client().get(post.get_absolute_url())
    member = Client()
    member.force_login(make_user(nickname="로그인회원"))

    mine = member.get(post.get_absolute_url())

    assert "X-Page-Cache" not in mine and "로그인회원" in page_text(mine)


@pytest.mark.parametrize("url", ["/b/ainews/", "/search/"])
def test_cached_search_results_follow_new_posts_and_still_count_searches(url, make_post):
    from board.models import SearchTerm

    make_post(title="모델 첫 소식")
    Client(REMOTE_ADDR="10.1.1.1").get(url, {"q": "모델"})
    assert Client(REMOTE_ADDR="10.1.1.2").get(url, {"q": "모델"})["X-Page-Cache"] == "hit"

    make_post(title="모델 새 소식")
    fresh = Client(REMOTE_ADDR="10.1.1.3").get(url, {"q": "모델"})

    assert "X-Page-Cache" not in fresh and "모델 새 소식" in main_text(fresh)
    assert SearchTerm.objects.get(term="모델").count == 3  # the cached hit counted too


def test_anonymous_pages_carry_no_csrf_token(make_post):
    post = make_post()

    for url in ["/", "/b/ainews/", post.get_absolute_url()]:
        assert "csrfmiddlewaretoken" not in Client().get(url).content.decode(), url
