"""Article views: every browser session's first view counts once, and none is lost.

Two ways, chosen by `settings.BOARD_VIEW_COUNTS`:

- "database" (SQLite, or no Redis): one `UPDATE … RETURNING view_count` per first view.
- "redis" (the production path, the default with REDIS_URL): each post's running total
  lives in Redis and moves by an atomic INCR, so a popular article's readers never queue
  on its row and a cached article needs no database round trip at all (in the benchmark
  the article page went from about a quarter of the trivial view's rate to a half,
  docs/performance.md).
  `flush()` writes the totals of the posts viewed since the last flush to the database:
  absolute numbers, never increments, with GREATEST, so a flush cut short anywhere or run
  twice loses and doubles nothing. A worker killed at any moment loses nothing either: the
  totals are in Redis. What the database lags by (at most a flush interval) is lost only if
  Redis itself loses its data; the next view then restarts the total from the database.
  A flush whose database write fails puts its ids back for the next one.

  While Redis cannot be reached (config/redis_cache.py's breaker), views are counted in
  the database as in "database" mode, and the worker remembers how many; when Redis
  answers again they are added to each total that was already there before them (a total
  started from the database after them has them already: each total is stamped with the
  time it was started). Only a worker killed during an outage can leave Redis's total
  short of those views, and then the next flush's GREATEST keeps the database's number.

Lists and feeds show the database's number; the article page shows the live total, filled
in by `article_view_count` (the page cache's live value, board/pagecache.py) on every
response, cached or fresh.

A browser session's first view is known from a signed cookie that lists the posts it has
viewed, rather than from the session, so anonymous readers and crawlers never cost a
session row.
"""

import logging
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Case, F, Value, When
from django.db.models.functions import Greatest
from django.utils.http import int_to_base36

from config.redis_cache import CacheUnavailable

from .models import Post

logger = logging.getLogger(__name__)

VIEWED_COOKIE = "viewed"
VIEWED_COOKIE_SALT = "board.viewed-posts"
VIEWED_REMEMBERED = 300


def article_view_count(request, response, *, post_id, **_):
    """The live "N 조회" of an article page: this browser session's first view counts."""
    viewed = viewed_post_ids(request)
    if post_id in viewed:
        total = shown_views(post_id)
    else:
        total = count_view(post_id)
        remember_viewed(response, [*viewed, post_id])
    return {"view_count": f"{total or 0:,}"}


def viewed_post_ids(request):
    raw = request.get_signed_cookie(VIEWED_COOKIE, default="", salt=VIEWED_COOKIE_SALT)
    try:
        return [int(part, 36) for part in raw.split(".") if part]
    except ValueError:
        return []


def remember_viewed(response, ids):
    value = ".".join(int_to_base36(i) for i in ids[-VIEWED_REMEMBERED:])
    response.set_signed_cookie(
        VIEWED_COOKIE,
        value,
        salt=VIEWED_COOKIE_SALT,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


# KEYS: the post's total, the set of posts to flush, the flush-due marker.
# ARGV: the post id, the flush interval. Returns {total, 1 if this caller should flush}, or
# false when Redis has no total for the post yet.
_COUNT = """
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local total = redis.call('INCR', KEYS[1])
redis.call('SADD', KEYS[2], ARGV[1])
if redis.call('SET', KEYS[3], '1', 'NX', 'EX', ARGV[2]) then return {total, 1} end
return {total, 0}
"""
# Start a post's total from the database's number, stamped with when (KEYS: total, its
# stamp, the flush-due marker; ARGV: the number, now, the flush interval). Readers starting
# at once all try; only the first SET sticks.
_SEED = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX') then redis.call('SET', KEYS[2], ARGV[2]) end
redis.call('SET', KEYS[3], '1', 'NX', 'EX', ARGV[3])
"""
# Views counted in the database while Redis was away, added to a total that was already
# there before them (a total started from the database after them includes them already).
# KEYS: total, its stamp, the set to flush; ARGV: how many, since when, the post id.
_CATCH_UP = """
if redis.call('EXISTS', KEYS[1]) == 1 and tonumber(redis.call('GET', KEYS[2]) or '0') < tonumber(ARGV[2]) then
  redis.call('INCRBY', KEYS[1], ARGV[1])
  redis.call('SADD', KEYS[3], ARGV[3])
end
"""
_scripts = {}
_owed = {}  # post id -> [views counted in the database while Redis was away, since when]
_owed_lock = threading.Lock()


def _key(name):
    return cache.make_key(f"views:{name}")


def _script(client, source):
    key = (id(client), source)
    return _scripts.get(key) or _scripts.setdefault(key, client.register_script(source))


def _in_redis():
    return settings.BOARD_VIEW_COUNTS == "redis"


def count_view(post_id):
    """One more view of the post; returns its total for the page to show (None if there is
    no such post). While Redis is away the view is counted in the database, and Redis's
    total catches up when it answers again."""
    if not _in_redis():
        return _count_in_database(post_id)
    try:
        total, flush_due = cache.run(lambda client: _count_in_redis(client, post_id))
    except CacheUnavailable:
        total = _count_in_database(post_id)
        if total is not None:
            with _owed_lock:
                _owed.setdefault(post_id, [0, time.time()])[0] += 1
        return total
    if flush_due:
        try:
            flush()
        except Exception:  # the reader's page does not depend on it; the ids are kept
            logger.exception("view counts: flush failed, will retry")
    return total


def _count_in_redis(client, post_id):
    _catch_up(client)
    interval = max(settings.BOARD_VIEW_FLUSH_SECONDS, 1)
    keys = [_key(f"total:{post_id}"), _key("dirty"), _key("flush-due")]
    counted = _script(client, _COUNT)(keys=keys, args=[post_id, interval])
    if not counted:
        # Redis has no total yet (or lost it): start from the database's. It also starts a
        # flush interval if none is running, so the first view after a restart is not the
        # one that pays for a flush.
        stored = Post.objects.filter(pk=post_id).values_list("view_count", flat=True).first()
        if stored is None:
            return None, False
        seed_keys = [keys[0], _key(f"seeded:{post_id}"), keys[2]]
        _script(client, _SEED)(keys=seed_keys, args=[stored, time.time(), interval])
        counted = _script(client, _COUNT)(keys=keys, args=[post_id, interval])
    total, flush_due = counted
    return int(total), bool(flush_due)


def _catch_up(client):
    if not _owed:
        return
    with _owed_lock:
        owed = dict(_owed)
        _owed.clear()
    try:
        script = _script(client, _CATCH_UP)
        for post_id, (views, since) in owed.items():
            keys = [_key(f"total:{post_id}"), _key(f"seeded:{post_id}"), _key("dirty")]
            script(keys=keys, args=[views, since, post_id])
    except Exception:
        with _owed_lock:
            for post_id, (views, since) in owed.items():
                entry = _owed.setdefault(post_id, [0, since])
                entry[0] += views
                entry[1] = min(entry[1], since)
        raise


def shown_views(post_id):
    """The total an article shows on a reload (not a first view)."""
    if _in_redis():
        try:
            total = cache.run(lambda client: client.get(_key(f"total:{post_id}")))
        except CacheUnavailable:
            total = None
        if total is not None:
            return int(total)
    return Post.objects.filter(pk=post_id).values_list("view_count", flat=True).first()


def flush(batch=1000):
    """Write the Redis totals of the posts viewed since the last flush to the database;
    returns how many posts. Runs by itself every BOARD_VIEW_FLUSH_SECONDS while readers
    come, and as `manage.py flush_view_counts`. If the database write fails, the ids go
    back into the to-do set, so the next flush writes them (nothing waits for a new view)."""
    if not _in_redis():
        return 0
    flushed = 0
    while True:
        # SPOP takes the ids atomically: a view after it puts its post back for next time.
        ids, totals = cache.run(lambda client: _take(client, batch))
        if not ids:
            break
        try:
            if totals:
                newest = Case(
                    *(When(pk=i, then=Value(t)) for i, t in totals.items()),
                    default=F("view_count"),
                    output_field=Post._meta.get_field("view_count"),
                )
                with transaction.atomic():
                    Post.objects.filter(pk__in=totals).update(view_count=Greatest(F("view_count"), newest))
        except BaseException:
            cache.run(lambda client, taken=ids: client.sadd(_key("dirty"), *taken))
            raise
        flushed += len(totals)
    return flushed


def _take(client, batch):
    ids = [int(i) for i in client.spop(_key("dirty"), batch) or []]
    if not ids:
        return [], {}
    values = client.mget([_key(f"total:{i}") for i in ids])
    return ids, {i: int(t) for i, t in zip(ids, values, strict=True) if t}


def forget_totals():
    """Drop every running total, its stamp and the flush bookkeeping from Redis, without
    writing them to the database: after a restore (board/backups.py) the restored numbers
    are the truth, and a total kept for an id the restore removed would be inherited by the
    next post that gets that id. Returns how many keys went; raises CacheUnavailable when
    Redis is away."""
    if not _in_redis():
        return 0
    pattern = "".join(f"\\{ch}" if ch in "\\*?[]" else ch for ch in _key("")) + "*"

    def drop(client):
        keys = list(client.scan_iter(match=pattern, count=1000))
        for start in range(0, len(keys), 1000):
            client.delete(*keys[start : start + 1000])
        return len(keys)

    return cache.run(drop)


def _count_in_database(post_id):
    """One statement, UPDATE ... RETURNING (SQLite 3.35+, PostgreSQL): no SELECT after it.
    The ORM's update() cannot return the value.

    On PostgreSQL the commit does not wait for the WAL to reach the disk: readers of one
    popular article all update its row, and each would hold the row lock through the
    previous reader's fsync. A worker killed after the commit loses nothing; only a crash
    of the database server itself can lose the last fraction of a second of view counts,
    never a post, comment or vote.
    """
    table = connection.ops.quote_name(Post._meta.db_table)
    quick, evaluated = "", ""
    if connection.vendor == "postgresql":
        # One statement, so one implicit transaction (and one round trip) that the local
        # setting applies to; the setting is read at the commit. Prepared statements
        # (server-side parameters) take one statement only, so no "SET LOCAL …; UPDATE".
        quick = "WITH quick AS (SELECT set_config('synchronous_commit', 'off', true)) "
        evaluated = " AND EXISTS (SELECT 1 FROM quick)"
    update = f"{quick}UPDATE {table} SET view_count = view_count + 1 WHERE id = %s{evaluated} RETURNING view_count"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(update, [post_id])
        row = cursor.fetchone()
    return row[0] if row else None
