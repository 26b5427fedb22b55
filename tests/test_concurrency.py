"""Concurrency through a real server: gunicorn with the production settings and three
workers, driven by several client processes at once, one worker SIGKILLed mid-load.

Runs in both passes of .ci/run. On SQLite the server gets a database file of its own
(pytest-django's test database is in memory); on PostgreSQL it uses the test database,
as test_multinode does. Setup and the final reading of rows go through `python -m
tests.load` with the server's environment, so both databases are read the same way.
"""

import multiprocessing
import os
import random
import signal
import statistics
import time
from collections import Counter, defaultdict

import pytest

from . import load
from .servers import django_json

pytestmark = [
    pytest.mark.concurrency,
    pytest.mark.slow,
    # The server's rows are committed; on PostgreSQL they are flushed afterwards and the
    # data migrations' rows restored for whatever runs next.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WORKERS = 3
CLIENT_PROCESSES = 6
READERS = 200
VIEWS_PER_READER = 10  # 2,000 views, with repeats: a view counts once per browser session
VOTES_PER_MEMBER = 20  # 1,000 votes: 5 posts each, 4 votes on each (cast, switch, cancel)
COMMENTS_PER_MEMBER = 10  # 500 comments on 3 posts each; every third answers the member's last one there
POSTS_PER_MEMBER = 2  # 100 posts
VIEWS_PER_MEMBER = 2
KILL_AT = 0.4  # SIGKILL one worker when this share of the requests is done


@pytest.fixture
def server(start_server):
    # The load must not be refused with 429: a 429 is neither a success nor a failure.
    limits = {f"BOARD_{action}_RATE": "100000" for action in ("POST", "COMMENT", "VOTE")}
    return start_server(workers=WORKERS, **limits)


def make_plan(site, base, rng):
    """200 anonymous readers and 50 members, dealt round-robin to the client processes."""
    posts = site["posts"]
    sessions = []
    for n in range(READERS):
        views = [("view", p["id"], p["url"]) for p in rng.choices(posts, k=VIEWS_PER_READER)]
        sessions.append({"name": f"reader{n}", "session": None, "actions": views})
    for n, member in enumerate(site["members"]):
        actions = [("token", load.BOARDS[n % 2][0])]
        votes = [
            ("vote", p["id"], p["url"], rng.choice(["up", "down"]))
            for p in rng.sample(posts, VOTES_PER_MEMBER // 4)
            for _ in range(4)
        ]
        comments = [
            ("comment", p["id"], p["url"], f"부하회원{n}의 댓글 {i}", i % 3 == 2)
            for i, p in enumerate(rng.choices(rng.sample(posts, 3), k=COMMENTS_PER_MEMBER))
        ]
        writes = [("write", load.BOARDS[(n + i) % 2][0], f"부하회원{n}의 새 글 {i}") for i in range(POSTS_PER_MEMBER)]
        views = [("view", p["id"], p["url"]) for p in rng.choices(posts, k=VIEWS_PER_MEMBER)]
        # Votes and the rest interleaved at random, each keeping its own order.
        actions += merge_randomly([votes, comments + writes + views], rng)
        sessions.append({"name": f"member{member['id']}", "session": member["session"], "actions": actions})
    rng.shuffle(sessions)
    return [{"base": base, "sessions": sessions[i::CLIENT_PROCESSES]} for i in range(CLIENT_PROCESSES)]


def merge_randomly(sequences, rng):
    """Interleave sequences at random, each keeping its own order."""
    pending = [list(reversed(s)) for s in sequences]
    merged = []
    while any(pending):
        merged.append(rng.choice([s for s in pending if s]).pop())
    return merged


def test_three_workers_under_load_with_one_killed_keep_every_write_and_counter(server):
    site = django_json("prepare", server.env)
    plans = make_plan(site, server.base, random.Random(7))
    total = sum(len(s["actions"]) for plan in plans for s in plan["sessions"])

    context = multiprocessing.get_context("spawn")
    done = context.Value("i", 0)
    started = time.monotonic()
    with context.Pool(CLIENT_PROCESSES, initializer=load.share_progress, initargs=(done,)) as pool:
        running = pool.map_async(load.run_client, plans)
        while done.value < total * KILL_AT and not running.ready():
            time.sleep(0.05)
        workers_before = server.worker_pids()
        killed = min(workers_before)
        os.kill(killed, signal.SIGKILL)
        killed_at = done.value
        replaced = wait_for_replacement(server, killed, workers_before)
        records = [record for client in running.get(timeout=300) for record in client]
    elapsed = time.monotonic() - started
    rows = django_json("report", server.env)
    log = server.log()

    outcomes = Counter((kind, outcome) for _, kind, _, outcome, _, _ in records)
    print(
        f"\n{len(records)} requests in {elapsed:.1f} s ({len(records) / elapsed:.0f}/s) by {CLIENT_PROCESSES} "
        f"processes; worker {killed} killed after {killed_at}, replaced by {replaced}; {dict(outcomes)}; "
        f"milliseconds (median, 95th, max): {latencies(records)}"
    )

    # The worker was replaced and the load went on; nothing failed on the server's side.
    assert len(records) == total and killed_at < total
    assert replaced is not None, server.log()[-3000:]
    assert server.worker_pids() == workers_before - {killed} | {replaced}
    assert f"Worker (pid:{killed}) was sent SIGKILL" in log
    assert not [r for r in records if isinstance(r[3], int) and r[3] >= 500]
    assert "database is locked" not in log and "Traceback" not in log, log[-3000:]
    # Only the request the killed worker was serving may have lost its answer; every other
    # got the answer of success (no 4xx, no 429).
    lost = [r for r in records if r[3] == "lost"]
    assert len(lost) <= 1, lost
    expected = {"view": 200, "vote": 200, "comment": 302, "write": 302, "token": 200}
    assert not [r for r in records if r[3] != "lost" and r[3] != expected[r[1]]]

    views, votes, comments, writes = (
        [r for r in records if r[1] == kind] for kind in ("view", "vote", "comment", "write")
    )
    assert len(views) >= 2000 and len({r[0] for r in views}) >= READERS
    assert len(votes) == 1000 and len(comments) == 500 and len(writes) == 100
    kinds = vote_kinds(votes)
    assert min(kinds["cast"], kinds["switch"], kinds["cancel"]) >= 50, kinds

    assert_acknowledged_writes_are_stored(records, rows, site)
    assert_counters_match_truth(records, rows)


def latencies(records):
    by_kind = defaultdict(list)
    for record in records:
        by_kind[record[1]].append(record[5])
    return {
        kind: (round(statistics.median(times)), round(statistics.quantiles(times, n=20)[-1]), round(max(times)))
        for kind, times in by_kind.items()
        if len(times) > 1
    }


def wait_for_replacement(server, killed, workers_before):
    """gunicorn's master starts a new worker for the killed one: its pid."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        workers = server.worker_pids()
        if killed not in workers and len(workers) == WORKERS:
            (new,) = workers - workers_before
            return new
        time.sleep(0.05)
    return None


def vote_kinds(votes):
    """How each acknowledged vote changed the member's vote: cast, switch or cancel."""
    state, kinds = {}, Counter()
    for name, _, post_id, outcome, my_vote, _ in votes:
        if outcome != 200:
            state.pop((name, post_id), None)
            continue
        before = state.get((name, post_id), 0)
        kinds["cancel" if my_vote == 0 else "cast" if before == 0 else "switch"] += 1
        state[(name, post_id)] = my_vote
    return kinds


def assert_acknowledged_writes_are_stored(records, rows, site):
    """Every write that got its success answer is in the database, as it was sent."""
    comments = {int(pk): row for pk, row in rows["comments"].items()}
    member_ids = {f"member{m['id']}": m["id"] for m in site["members"]}
    for name, kind, target, outcome, detail, _ in records:
        if kind == "comment" and outcome == 302:
            comment_id, body, parent = detail
            assert comments[comment_id] == [target, member_ids[name], body, parent]
        if kind == "write" and outcome == 302:
            post_id, title = detail
            assert rows["titles"][str(post_id)] == title
    # The final vote of each member on each post is the row in the database (unless the
    # answer to one of that member's votes on that post was lost with the killed worker).
    final, unsure = {}, set()
    for name, kind, post_id, outcome, my_vote, _ in records:
        if kind == "vote":
            if outcome == 200:
                final[(member_ids[name], post_id)] = my_vote
            else:
                unsure.add((member_ids[name], post_id))
    stored = {(user, post): value for user, post, value in rows["votes"]}
    for pair, my_vote in final.items():
        if pair not in unsure:
            assert stored.get(pair, 0) == my_vote, pair


def assert_counters_match_truth(records, rows):
    """Every denormalised counter against the truth.

    Votes, comments and board totals: the rows in the database. Views: the number of
    browser sessions (cookie jars) that got the article with a 200; a request whose answer
    was lost with the killed worker may or may not have counted. (If views come to be
    buffered and flushed later, flush before `report` reads the rows.)
    """
    viewed, maybe = defaultdict(set), Counter()
    for name, kind, post_id, outcome, _, _ in records:
        if kind == "view" and outcome == 200:
            viewed[post_id].add(name)
        elif kind == "view":
            maybe[post_id] += 1
    for post in rows["posts"].values():
        assert post["upvote_count"] == post["true_up"], post
        assert post["downvote_count"] == post["true_down"], post
        assert post["comment_count"] == post["true_comments"], post
        sessions = len(viewed[post["id"]])
        assert sessions <= post["view_count"] <= sessions + maybe[post["id"]], (post, sessions)
    for slug, board in rows["boards"].items():
        assert board["post_count"] == board["true_posts"], slug
