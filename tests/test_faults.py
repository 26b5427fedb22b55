"""Faults injected into real processes: the site under gunicorn (production settings) while
its Redis is killed or frozen, and what readers and members get, and what is stored.

Each test runs its own redis-server (tests/servers.RedisServer), never the machine's.
"""

import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

import pytest

from .servers import ROOT, Browser, PostgresServer, RedisServer, django_json

pytestmark = [
    pytest.mark.faults,
    pytest.mark.pg_redis,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path / "redis.log")
    yield server
    server.stop()


def reads_until_cached(url, tries=10):
    """How many new readers it takes until the page comes from the cache again (the first
    reads after a start or an outage make it; a machine busy enough to time a Redis read
    out delays that by a retry interval). Each is a first view of the page."""
    for n in range(1, tries + 1):
        if Browser().get(url).headers.get("X-Page-Cache") == "hit":
            return n
        time.sleep(0.5)
    raise AssertionError(f"{url} never came from the cache")


def manage(env, *command):
    return subprocess.run(
        [sys.executable, "manage.py", *command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


class Traffic:
    """Anonymous readers and logged-in members, each request timed and its status kept."""

    def __init__(self, server, site):
        self.base = server.base
        self.site = site
        self.article = server.base + site["posts"][0]["url"]
        self.pages = [
            "/",
            f"/b/{site['posts'][0]['board']}/",
            site["posts"][0]["url"],
            "/search/?q=%EB%B6%80%ED%95%98",  # 부하
            "/new/",
        ]
        self.results = []  # (what, status, seconds)
        self.comments = []  # bodies of comments the site acknowledged with a redirect
        self.first_views = 0
        self.members = []
        for member in site["members"]:
            browser = Browser(timeout=30)
            browser.set_cookie("sessionid", member["session"])
            self.members.append(browser)
        self._next_member = 0

    def timed(self, what, call):
        started = time.monotonic()
        response = call()
        self.results.append((what, response.status, time.monotonic() - started))
        return response

    def read_everything(self):
        for path in self.pages:
            response = self.timed(f"GET {path}", lambda path=path: Browser().get(self.base + path))
            if path == self.site["posts"][0]["url"] and response.status == 200:
                self.first_views += 1

    def member_writes(self, label):
        member = self.members[self._next_member % len(self.members)]
        self._next_member += 1
        body = f"{label} 댓글 {len(self.comments) + len(self.results)}"
        self.first_views += 1  # member.post opens the article first, in a browser new to it
        response = self.timed("comment", lambda: member.post(f"{self.article}comments/", {"body": body}, self.article))
        if response.status == 302:
            self.comments.append(body)
        self.timed("member page", lambda: member.get(self.article))
        return response

    def statuses(self):
        return sorted({status for _, status, _ in self.results})

    def slowest(self):
        return max(seconds for _, _, seconds in self.results)


def test_redis_killed_pages_and_writes_keep_working_and_come_back_to_the_cache(start_server, redis_server):
    # Two workers: each notices the outage and its end on its own. (Views counted in the
    # database by a worker reach Redis's total at that worker's next view, so the exact
    # count below is checked with one worker, in the frozen test.)
    server = start_server(
        workers=2, REDIS_URL=redis_server.url, BOARD_VIEW_COUNTS="redis", CACHE_RETRY_SECONDS="1", CACHE_KEY_PREFIX="f"
    )
    site = django_json("prepare", server.env)
    traffic = Traffic(server, site)
    for _ in range(3):
        traffic.read_everything()
    checks = reads_until_cached(traffic.article)
    traffic.member_writes("before")
    assert manage(server.env, "flush_view_counts").returncode == 0  # what Redis held reaches the database

    redis_server.kill()
    outage = Traffic(server, site)
    outage._next_member = 1
    for _ in range(8):
        outage.read_everything()
        outage.member_writes("outage")
    assert outage.statuses() == [200, 302], outage.results
    assert len(outage.comments) == 8
    health = Browser().get(f"{server.base}/healthz")
    assert health.status == 503 and health.json()["cache"] == "error: ConnectionError"
    assert health.json()["database"] == "ok"

    redis_server.start()  # empty, as a restarted Redis without persistence is
    after = Traffic(server, site)
    after._next_member = 20
    for _ in range(3):
        after.read_everything()
    after.member_writes("after")
    assert after.statuses() == [200, 302]
    checks += reads_until_cached(traffic.article)  # the fast path is back
    # Sequential requests may all reach the worker that never saw the outage: reads in
    # parallel until the one that did has noticed its end too (it logs it).
    deadline = time.monotonic() + 20
    while "reachable again" not in server.log() and time.monotonic() < deadline:
        readers = [threading.Thread(target=Browser().get, args=(f"{server.base}/",)) for _ in range(4)]
        for reader in readers:
            reader.start()
        for reader in readers:
            reader.join()

    log = server.log()
    report = django_json("report", server.env)
    bodies = [comment[2] for comment in report["comments"].values()]
    for body in traffic.comments + outage.comments + after.comments:
        assert bodies.count(body) == 1, body  # every acknowledged comment, exactly once
    post = report["posts"][str(site["posts"][0]["id"])]
    assert post["comment_count"] == post["true_comments"] == 10
    # Views: in Redis before (flushed), in the database during the outage, in Redis again
    # after, started from the database's number. A view counted in the database by a worker
    # whose retry interval had not yet run out may be overtaken by Redis's total (its
    # worker adds it back at its next view), hence the tolerance of one per worker.
    expected = traffic.first_views + outage.first_views + after.first_views + checks
    assert expected - 2 <= post["view_count"] <= expected

    assert "Traceback" not in log
    warnings = len(re.findall(r"cache \w+ unreachable", log))
    assert 1 <= warnings <= 2 * 2, log  # one per outage per worker, not one per request
    assert "reachable again" in log


def test_redis_frozen_costs_at_most_a_short_wait_and_nothing_stale_comes_back(start_server, redis_server):
    server = start_server(
        workers=1, REDIS_URL=redis_server.url, BOARD_VIEW_COUNTS="redis", CACHE_RETRY_SECONDS="2", CACHE_KEY_PREFIX="z"
    )
    site = django_json("prepare", server.env)
    traffic = Traffic(server, site)
    for _ in range(3):
        traffic.read_everything()
    checks = reads_until_cached(traffic.article)

    redis_server.freeze()  # SIGSTOP: connections hang instead of being refused
    frozen = Traffic(server, site)
    try:
        for _ in range(6):
            frozen.read_everything()
            frozen.member_writes("frozen")  # committed; the cache work after the commit must not fail it
    finally:
        redis_server.thaw()
    assert frozen.statuses() == [200, 302], frozen.results
    assert frozen.slowest() < 2.0, sorted(frozen.results, key=lambda r: -r[2])[:5]

    # Redis kept its data, including the article as cached before the freeze: it must not
    # be served now that the article has six more comments.
    page = Browser().get(traffic.article)
    assert all(body in page.text for body in frozen.comments)
    checks += 1 + reads_until_cached(traffic.article)

    report = django_json("report", server.env)
    bodies = [comment[2] for comment in report["comments"].values()]
    assert all(bodies.count(body) == 1 for body in frozen.comments)
    post = report["posts"][str(site["posts"][0]["id"])]
    # Views in Redis before the freeze (never flushed), in the database during it, added to
    # Redis's total when it answered again, then flushed: none lost, none twice.
    assert post["view_count"] == traffic.first_views + frozen.first_views + checks
    assert "Traceback" not in server.log()


@pytest.fixture
def postgres_server():
    server = PostgresServer()
    yield server
    server.remove()


def test_a_flush_cut_short_by_a_stopped_database_is_repaired_by_the_next_flush(postgres_server, redis_server):
    env = {
        **os.environ,
        "DATABASE_URL": postgres_server.url,
        "REDIS_URL": redis_server.url,
        "BOARD_VIEW_COUNTS": "redis",
        "BOARD_VIEW_FLUSH_SECONDS": "3600",  # only the command flushes here
        "CACHE_KEY_PREFIX": "flush",
    }
    assert manage(env, "migrate", "--noinput", "-v0").returncode == 0
    made = manage(env, "shell", "-c", VIEWS_SCRIPT)
    assert made.returncode == 0, made.stderr
    post_id = int(made.stdout.split()[-1])

    postgres_server.stop()
    cut_short = manage(env, "flush_view_counts")
    assert cut_short.returncode != 0  # the database is away: the flush fails, loudly
    postgres_server.start()

    flushed = manage(env, "flush_view_counts")
    assert flushed.returncode == 0, flushed.stderr
    assert "1개" in flushed.stdout  # the post was still on the to-do list
    stored = manage(
        env, "shell", "-c", f"from board.models import Post; print(Post.objects.get(pk={post_id}).view_count)"
    )
    assert stored.stdout.split()[-1] == "496"


# 494 views flushed earlier, then two more counted in Redis (the post 53).
VIEWS_SCRIPT = """
from accounts.models import User
from board import services, viewcounts
from board.models import Board, Post
board = services.save_board(board=Board(slug="ainews", name="AI 뉴스"))
author = User.objects.create(username="writer", nickname="글쓴이", email="w@example.com")
post = services.create_post(board=board, author=author, title="조회수 글", body="본문")
Post.objects.filter(pk=post.pk).update(view_count=494)
viewcounts.count_view(post.pk)
viewcounts.count_view(post.pk)
print(post.pk)
"""


def test_a_double_tap_on_the_write_form_makes_one_post(start_server):
    """Two submissions of one form at the same moment, to two workers (a phone tapped twice)."""
    server = start_server(workers=2)
    site = django_json("prepare", server.env)
    form_url = f"{server.base}/b/ainews/write/"
    taps = []
    for _ in range(2):
        browser = Browser()
        browser.set_cookie("sessionid", site["members"][0]["session"])
        taps.append(browser)
    page = taps[0].get(form_url).text
    key = re.search(r'name="submission_key" value="([^"]+)"', page).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    csrf_cookie = taps[0].cookie("csrftoken")
    taps[1].set_cookie("csrftoken", csrf_cookie)
    body = {"title": "두 번 눌린 글", "body": "본문", "tags_text": "", "source_url": "", "submission_key": key}
    data = urllib.parse.urlencode({**body, "csrfmiddlewaretoken": token}).encode()
    answers = [None, None]
    start = threading.Barrier(2)

    def tap(n):
        start.wait()
        request = urllib.request.Request(form_url, data=data, headers={"Referer": form_url})
        answers[n] = taps[n]._open(request)

    threads = [threading.Thread(target=tap, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert [answer.status for answer in answers] == [302, 302]
    assert answers[0].headers["Location"] == answers[1].headers["Location"]
    report = django_json("report", server.env)
    assert list(report["titles"].values()).count("두 번 눌린 글") == 1
    assert report["boards"]["ainews"]["post_count"] == report["boards"]["ainews"]["true_posts"]


def test_a_reload_under_load_never_stalls_a_request(start_server):
    """`kill -HUP` (systemctl reload) replaces every worker while readers keep coming: with
    the app loaded before the fork, no request waits more than two seconds."""
    server = start_server(workers=2)
    site = django_json("prepare", server.env)
    urls = [server.base + path for path in ("/", site["posts"][0]["url"], f"/b/{site['posts'][0]['board']}/")]
    before = server.worker_pids()
    results, stop = [], threading.Event()

    def reader(n):
        while not stop.is_set():
            started = time.monotonic()
            try:
                status = Browser(timeout=30).get(urls[n % len(urls)]).status
            except OSError as error:
                status = repr(error)
            results.append((status, time.monotonic() - started))

    threads = [threading.Thread(target=reader, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    time.sleep(2)
    os.kill(server.pid, signal.SIGHUP)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and server.worker_pids() & before:
        time.sleep(0.1)
    time.sleep(2)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)

    assert not server.worker_pids() & before  # every worker was replaced
    assert {status for status, _ in results} == {200}
    assert max(seconds for _, seconds in results) < 2.0, sorted(seconds for _, seconds in results)[-5:]
    assert len(results) > 50
