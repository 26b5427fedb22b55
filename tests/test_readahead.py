"""Reading ahead (config/readahead.py, board/pagecache.reading_ahead): a page made again
reads what it read last time in one Redis round trip, and never shows an answer older than
the write before it. Against the real Redis (marked: the PostgreSQL + Redis run)."""

import re

import pytest
import redis.client
from django.core.cache import cache
from django.test import Client

from board import services
from tests.conftest import member_client

pytestmark = pytest.mark.redis


def row_of(page, title):
    row = re.search(rf'<li class="post-row[^"]*">(?:(?!</li>).)*>{title}</a>(?:(?!</li>).)*</li>', page, re.S)
    assert row, title
    return row.group(0)


@pytest.fixture
def redis_commands(monkeypatch):
    """The commands sent to Redis from here on, by name (MGET, SET, …)."""
    sent = []
    real = redis.client.Redis.execute_command

    def execute(self, *args, **kwargs):
        sent.append(args[0])
        return real(self, *args, **kwargs)

    monkeypatch.setattr(redis.client.Redis, "execute_command", execute)
    return sent


def test_a_key_read_ahead_is_answered_once_then_from_redis(redis_commands):
    cache.set_many({"ahead:a": "가", "ahead:b": "나", "ahead:c": "다"})
    redis_commands.clear()

    with cache.reading_ahead([]) as asked:
        pass
    with cache.reading_ahead(["ahead:a", "ahead:b", "ahead:c", "ahead:gone"]) as asked:
        assert redis_commands == []  # a block that reads nothing reads nothing ahead
        assert cache.get("ahead:a") == "가"  # read with the others
        assert cache.get("ahead:gone", "없음") == "없음"  # read ahead as missing: no trip
        assert cache.get_many(["ahead:b"]) == {"ahead:b": "나"}
        assert redis_commands == ["MGET"]
        cache.set("ahead:c", "바뀜")
        assert cache.get("ahead:c") == "바뀜"  # written meanwhile: from Redis
        cache.set("ahead:a", "다시")  # as another process would
        assert cache.get("ahead:a") == "다시"  # a second read: from Redis
        assert cache.get_many(["ahead:b", "ahead:new"]) == {"ahead:b": "나"}
    assert list(asked) == ["ahead:a", "ahead:gone", "ahead:b", "ahead:c", "ahead:new"]
    assert redis_commands.count("MGET") + redis_commands.count("GET") == 4

    redis_commands.clear()
    assert cache.get("ahead:b") == "나"
    assert redis_commands == ["GET"]  # outside the block, every read is a trip


@pytest.mark.parametrize("reader", ["anonymous", "member"])
@pytest.mark.parametrize("url", ["/b/ainews/", "ARTICLE"])
def test_a_page_made_again_reads_what_it_needs_in_one_trip_and_shows_the_latest_write(
    reader, url, settings, make_post, make_comment, make_user, redis_commands
):
    settings.BOARD_PAGE_CACHE_BYPASS_HEADER = "X-Uncached"  # made again each time, as after a write
    read, other = make_post(title="읽는 글"), make_post(title="옆 글")
    url = read.get_absolute_url() if url == "ARTICLE" else url
    client = member_client(make_user()) if reader == "member" else Client()
    for _ in range(3):  # versions started, the page and its parts stored, its reads known
        client.get(url, headers={"X-Uncached": "1"})
    redis_commands.clear()

    response = client.get(url, headers={"X-Uncached": "1"})

    assert "옆 글" in response.content.decode()
    reads = [command for command in redis_commands if command in ("GET", "MGET")]
    # The page's lookup, then everything its parts, the sidebar and the menu read.
    assert reads[:2] == ["MGET", "MGET"]
    assert len(reads) <= 3  # the article's view count, where Redis keeps it

    make_comment(other, body="새 댓글")
    services.cast_vote(user=make_user(), post=other, value=1)

    response = client.get(url, headers={"X-Uncached": "1"})

    row = re.search(
        r'<li class="post-row[^"]*">(?:(?!</li>).)*>옆 글</a>(?:(?!</li>).)*</li>', response.content.decode(), re.S
    )
    row = row.group(0)
    assert 'title="댓글 1개"' in row
    assert "1 추천" in row


def test_a_key_written_before_the_first_read_is_not_read_ahead(redis_commands):
    cache.set("ahead:d", "옛값")
    with cache.reading_ahead(["ahead:d", "ahead:e"]):
        cache.delete("ahead:d")
        cache.set("ahead:e", "새값")
        assert cache.get_many(["ahead:d", "ahead:e"]) == {"ahead:e": "새값"}


@pytest.mark.parametrize("url", ["/b/ainews/", "ARTICLE"])
def test_rows_refreshed_again_read_what_they_read_last_time_in_one_trip(
    url, settings, make_post, make_user, redis_commands
):
    settings.BOARD_REFRESH_SETTLE_SECONDS = 3600  # the board is being written to: refreshed each time
    read, other = make_post(title="읽는 글"), make_post(title="옆 글")
    url = read.get_absolute_url() if url == "ARTICLE" else url
    voters = [make_user() for _ in range(4)]
    client = Client()
    client.get(url)
    client.get(url)  # stored
    for voter in voters[:3]:  # a 추천 beside it each time: the rows made again, what they read known
        services.cast_vote(user=voter, post=other, value=1)
        client.get(url)
    services.cast_vote(user=voters[3], post=other, value=1)
    redis_commands.clear()

    response = client.get(url)

    assert response["X-Page-Cache"] == "hit"
    assert "4 추천" in row_of(response.content.decode(), "옆 글")
    reads = [command for command in redis_commands if command in ("GET", "MGET")]
    # The page, what the rows read last time (their page as kept, its rows, 공지, their
    # versions), the new row of the post voted on; and the article's live view count.
    assert reads[:2] == ["MGET", "MGET"], redis_commands
    assert len(reads) <= (3 if url == "/b/ainews/" else 4), redis_commands
