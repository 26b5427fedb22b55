"""Article view counts in either mode (board/viewcounts.py): exact, shown live, and in the
database after a flush; with Redis, nothing lost or doubled by a flush cut short, run
twice, or a total lost from Redis."""

import pytest
from django.core.cache import cache
from django.test import Client

from board import viewcounts
from board.models import Post
from tests.conftest import page_text


def stored_views(post):
    return Post.objects.values_list("view_count", flat=True).get(pk=post.pk)


def test_every_first_view_counts_once_and_reaches_the_database(make_post):
    post = make_post()
    Post.objects.filter(pk=post.pk).update(view_count=100)

    shown = [viewcounts.count_view(post.pk) for _ in range(5)]
    viewcounts.flush()
    viewcounts.flush()  # a second flush changes nothing

    assert shown == [101, 102, 103, 104, 105]
    assert viewcounts.shown_views(post.pk) == 105
    assert stored_views(post) == 105


def test_the_article_shows_the_live_total_on_a_first_view_and_on_a_reload(make_post):
    post = make_post()
    Post.objects.filter(pk=post.pk).update(view_count=41)
    reader = Client()

    assert "42 조회" in page_text(reader.get(post.get_absolute_url()))
    assert "43 조회" in page_text(Client().get(post.get_absolute_url()))
    assert "43 조회" in page_text(reader.get(post.get_absolute_url()))  # a reload counts nothing


@pytest.mark.redis
def test_views_reach_the_database_by_themselves_once_a_flush_is_due(make_post, settings):
    post = make_post()
    for _ in range(4):
        viewcounts.count_view(post.pk)
    assert stored_views(post) == 0  # counted in Redis, not yet written

    cache.delete("views:flush-due")  # the interval has passed
    viewcounts.count_view(post.pk)

    assert stored_views(post) == 5


@pytest.mark.redis
def test_a_total_lost_from_redis_restarts_from_the_database_and_a_flush_never_lowers_it(make_post):
    post = make_post()
    for _ in range(3):
        viewcounts.count_view(post.pk)
    viewcounts.flush()
    cache.delete(f"views:total:{post.pk}")  # Redis restarted, or evicted the key

    assert viewcounts.count_view(post.pk) == 4
    Post.objects.filter(pk=post.pk).update(view_count=50)  # e.g. restored from a backup
    viewcounts.flush()
    assert stored_views(post) == 50


@pytest.mark.redis
def test_a_flush_cut_short_loses_nothing(make_post, monkeypatch):
    post = make_post()
    for _ in range(3):
        viewcounts.count_view(post.pk)
    monkeypatch.setattr("board.viewcounts.transaction.atomic", broken_transaction)
    with pytest.raises(ConnectionError):
        viewcounts.flush()  # took the post from the to-do set, then the database went away
    monkeypatch.undo()

    viewcounts.count_view(post.pk)  # the next view puts it back
    viewcounts.flush()

    assert stored_views(post) == 4


def broken_transaction():
    raise ConnectionError("database went away")
