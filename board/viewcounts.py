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

Lists and feeds show the database's number; the article page shows the live total, filled
in by `article_view_count` (the page cache's live value, board/pagecache.py) on every
response, cached or fresh.

A browser session's first view is known from a signed cookie that lists the posts it has
viewed, rather than from the session, so anonymous readers and crawlers never cost a
session row.
"""

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Case, F, Value, When
from django.db.models.functions import Greatest
from django.utils.http import int_to_base36

from .models import Post

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
_scripts = {}


def _total_key(post_id):
    return cache.make_key(f"views:total:{post_id}")


def _redis():
    return cache.client() if settings.BOARD_VIEW_COUNTS == "redis" else None


def count_view(post_id, stored=None):
    """One more view of the post; returns its total for the page to show (None if there is
    no such post). `stored` is the database's number when the caller has the post already."""
    client = _redis()
    if client is None:
        return _count_in_database(post_id)
    script = _scripts.get(id(client)) or _scripts.setdefault(id(client), client.register_script(_COUNT))
    keys = [_total_key(post_id), cache.make_key("views:dirty"), cache.make_key("views:flush-due")]
    args = [post_id, max(settings.BOARD_VIEW_FLUSH_SECONDS, 1)]
    counted = script(keys=keys, args=args)
    if not counted:
        # Redis has no total yet (or lost it): start from the database's. Readers starting
        # at once all set the same number, and only the first SET sticks. It also starts a
        # flush interval if none is running, so the first view after a restart is not the
        # one that pays for a flush.
        if stored is None:
            stored = Post.objects.filter(pk=post_id).values_list("view_count", flat=True).first()
        if stored is None:
            return None
        with client.pipeline(transaction=False) as pipe:
            pipe.set(keys[0], stored, nx=True)
            pipe.set(keys[2], 1, nx=True, ex=args[1])
            pipe.execute()
        counted = script(keys=keys, args=args)
    total, flush_due = counted
    if flush_due:
        flush()
    return int(total)


def shown_views(post_id, stored=None):
    """The total an article shows on a reload (not a first view); `stored` is the
    database's number when the caller has the post already."""
    client = _redis()
    total = client.get(_total_key(post_id)) if client is not None else None
    if total is not None:
        return int(total)
    if stored is not None:
        return stored
    return Post.objects.filter(pk=post_id).values_list("view_count", flat=True).first()


def flush(batch=1000):
    """Write the Redis totals of the posts viewed since the last flush to the database;
    returns how many posts. Runs by itself every BOARD_VIEW_FLUSH_SECONDS while readers
    come, and as `manage.py flush_view_counts`."""
    client = _redis()
    flushed = 0
    while client is not None:
        # SPOP takes the ids atomically: a view after it puts its post back for next time.
        ids = [int(i) for i in client.spop(cache.make_key("views:dirty"), batch) or []]
        if not ids:
            break
        totals = {i: int(t) for i, t in zip(ids, client.mget([_total_key(i) for i in ids]), strict=True) if t}
        if totals:
            newest = Case(
                *(When(pk=i, then=Value(t)) for i, t in totals.items()),
                default=F("view_count"),
                output_field=Post._meta.get_field("view_count"),
            )
            with transaction.atomic():
                Post.objects.filter(pk__in=totals).update(view_count=Greatest(F("view_count"), newest))
        flushed += len(totals)
    return flushed


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
    update = f"UPDATE {table} SET view_count = view_count + 1 WHERE id = %s RETURNING view_count"  # noqa: S608
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One message, so one implicit transaction that SET LOCAL applies to, and one
            # round trip. (Django's psycopg cursors bind on the client, which allows two
            # statements with parameters.)
            cursor.execute(f"SET LOCAL synchronous_commit TO OFF; {update}", [post_id])
            cursor.nextset()
        else:
            cursor.execute(update, [post_id])
        row = cursor.fetchone()
    return row[0] if row else None
