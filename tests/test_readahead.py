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


class Command(str):
    """A command sent to Redis: equal to its name, with its arguments in `.args`."""

    def __new__(cls, args):
        command = super().__new__(cls, args[0])
        command.args = args[1:]
        return command


def behind_the_cache(key, value):
    """Write `key` as another process would: straight to Redis, past this one's cache."""
    cache._cache.get_client(write=True).set(cache.make_key(key), cache._cache._serializer.dumps(value))


@pytest.fixture
def redis_commands(monkeypatch):
    """The commands sent to Redis from here on, by name (MGET, SET, …)."""
    sent = []
    real = redis.client.Redis.execute_command

    def execute(self, *args, **kwargs):
        sent.append(Command(args))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(redis.client.Redis, "execute_command", execute)
    return sent


def test_a_key_read_ahead_is_answered_once_then_from_redis(redis_commands):
    cache.set_many({"ahead:a": "가", "ahead:b": "나", "ahead:c": "다"})
    redis_commands.clear()

    with cache.reading_ahead(["ahead:a", "ahead:b", "ahead:c", "ahead:gone"]) as asked:
        assert redis_commands == []  # a block that reads nothing reads nothing ahead
        assert cache.get("ahead:a") == "가"  # read with the others
        assert cache.get("ahead:gone", "없음") == "없음"  # read ahead as missing
        behind_the_cache("ahead:b", "다른 프로세스가 바꿈")
        assert cache.get_many(["ahead:b"]) == {"ahead:b": "나"}  # as it was when read ahead
        assert redis_commands == ["MGET", "SET"]
        assert cache.get("ahead:b") == "다른 프로세스가 바꿈"  # a second read: from Redis
        cache.set("ahead:c", "바뀜")
        assert cache.get("ahead:c") == "바뀜"  # written here meanwhile: from Redis
        assert cache.get_many(["ahead:new"]) == {}
    assert list(asked) == ["ahead:a", "ahead:gone", "ahead:b", "ahead:c", "ahead:new"]
    assert [command for command in redis_commands if "GET" in command] == ["MGET", "GET", "GET", "MGET"]

    redis_commands.clear()
    assert cache.get("ahead:b") == "다른 프로세스가 바꿈"
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
    cache.set_many({"ahead:d": "옛값", "ahead:f": "그대로"})
    with cache.reading_ahead(["ahead:d", "ahead:e", "ahead:f"]):
        cache.delete("ahead:d")
        cache.set("ahead:e", "새값")
        redis_commands.clear()
        assert cache.get("ahead:f") == "그대로"
        assert cache.get_many(["ahead:d", "ahead:e"]) == {"ahead:e": "새값"}
    first_read = redis_commands[0]
    assert first_read == "MGET" and first_read.args == (cache.make_key("ahead:f"),)


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
