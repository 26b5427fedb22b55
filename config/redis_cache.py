"""The cache backends: Redis (production) and the shared file cache (one machine without
Redis), both made to fail soft.

The cache is never the source of truth here: pages, the sidebar, rate limits and sessions
all have the database behind them. So when the cache cannot be reached (Redis killed,
frozen or unreachable; a full disk under the file cache) a read answers "not cached" and a
write is skipped, and the site keeps serving from the database instead of answering 500.

- Short timeouts (REDIS_CONNECT_TIMEOUT, REDIS_SOCKET_TIMEOUT in settings): a frozen
  Redis costs one request a fraction of a second, not 5–15 s.
- A circuit breaker per process: after a failure the cache is skipped for
  CACHE_RETRY_SECONDS, so an outage costs each worker one timeout per interval, not one
  per request; the log gets one warning when it starts and one when it ends.
- Nothing is left stale when the cache comes back: every key a skipped write or delete
  would have changed is remembered (in the process that skipped it) and deleted as soon as
  the cache answers again, before anything else is read. A page-cache version bumped during
  the outage is then missing, which makes every page made under it stale (see
  board/invalidation.py); a session changed or ended meanwhile is read from the database.

The Redis backend also reuses one client per connection pool: the stock backend builds a
new `redis.Redis` for every operation, and its constructor (about 170 response callbacks
registered each time) cost more than the round trip itself, a third of a millisecond per
operation on a cached page (cProfile).
"""

import contextlib
import fcntl
import logging
import os
import pickle
import tempfile
import threading
import time
import zlib

import redis
from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.utils.functional import cached_property

from .readahead import ReadingAheadMixin

logger = logging.getLogger("config.cache")

MAX_OWED_KEYS = 50_000  # a long outage under heavy writing: beyond this, page TTLs bound staleness


class CacheUnavailable(Exception):
    """The cache cannot be reached now; the caller falls back to the database."""


class Breaker:
    """Open after a failure for CACHE_RETRY_SECONDS; then the next operation tries again."""

    def __init__(self, name):
        self.name = name
        self.lock = threading.Lock()
        self.open_until = 0.0
        self.down_since = None
        self.owed = set()

    def allows(self):
        return time.monotonic() >= self.open_until

    @property
    def down(self):
        return self.down_since is not None

    def failed(self, error):
        with self.lock:
            self.open_until = time.monotonic() + settings.CACHE_RETRY_SECONDS
            if self.down_since is None:
                self.down_since = time.monotonic()
                logger.warning(
                    "cache %s unreachable (%s: %s): serving from the database, retrying every %s s",
                    self.name,
                    type(error).__name__,
                    error,
                    settings.CACHE_RETRY_SECONDS,
                )

    def owe(self, keys):
        with self.lock:
            if len(self.owed) < MAX_OWED_KEYS:
                self.owed.update(keys)

    def recovered(self, replay):
        """The cache answered: delete what was changed meanwhile, then close."""
        with self.lock:
            owed, self.owed = self.owed, set()
        if owed:
            try:
                replay(list(owed))
            except Exception:
                self.owe(owed)
                raise
        with self.lock:
            if self.down_since is not None:
                logger.warning(
                    "cache %s reachable again after %.1f s; %d changed keys cleared",
                    self.name,
                    time.monotonic() - self.down_since,
                    len(owed),
                )
                self.down_since = None


class FailSoftMixin:
    """Every cache operation through the breaker. `down_errors` are the failures that mean
    "unreachable"; any other exception is a bug and is raised."""

    down_errors = ()

    @cached_property
    def breaker(self):
        return Breaker(self.__class__.__name__)

    def _guard(self, operation, default, *, changes=()):
        """Run operation() unless the cache is down; keys in `changes` are remembered and
        cleared on recovery if the operation could not run."""
        breaker = self.breaker
        if not breaker.allows():
            breaker.owe(changes)
            return default
        try:
            if breaker.down:
                breaker.recovered(lambda keys: super(FailSoftMixin, self).delete_many(keys))
            return operation()
        except self.down_errors as error:
            breaker.failed(error)
            breaker.owe(changes)
            return default

    def available(self):
        return self.breaker.allows() and not self.breaker.down

    def validate_key(self, key):
        """Nothing to check: both backends take any key (the file cache hashes it, Redis keys
        are binary-safe). Django's check, written for memcached, walks every character of
        every key in Python: a page made of parts asks for a dozen long keys."""

    def get(self, key, default=None, version=None):
        return self._guard(lambda: super(FailSoftMixin, self).get(key, default, version), default)

    def get_many(self, keys, version=None):
        return self._guard(lambda: super(FailSoftMixin, self).get_many(keys, version), {})

    def has_key(self, key, version=None):
        return self._guard(lambda: super(FailSoftMixin, self).has_key(key, version), False)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(lambda: super(FailSoftMixin, self).set(key, value, timeout, version), None, changes=[key])

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(lambda: super(FailSoftMixin, self).add(key, value, timeout, version), False, changes=[key])

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(
            lambda: super(FailSoftMixin, self).set_many(data, timeout, version), list(data), changes=list(data)
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(lambda: super(FailSoftMixin, self).touch(key, timeout, version), False)

    def delete(self, key, version=None):
        return self._guard(lambda: super(FailSoftMixin, self).delete(key, version), False, changes=[key])

    def delete_many(self, keys, version=None):
        keys = list(keys)
        return self._guard(lambda: super(FailSoftMixin, self).delete_many(keys, version), None, changes=keys)

    def count(self, key, timeout, delta=1):
        """The counter at `key` moved by `delta` (the rate limits), made from 0, expiring after
        `timeout` seconds, if it is missing. A cache that cannot be reached counts nothing: 1."""
        return self._guard(lambda: super(FailSoftMixin, self).count(key, timeout, delta), 1)

    def incr(self, key, delta=1, version=None):
        # Django's contract: ValueError when the key is missing; a cache that cannot be
        # reached has no key. Callers that count (rate limits) decide what that means.
        missing = object()
        result = self._guard(lambda: super(FailSoftMixin, self).incr(key, delta, version), missing, changes=[key])
        if result is missing:
            raise ValueError(f"Key '{key}' not found (cache unreachable)")
        return result


class QuickFileBasedCache(FileBasedCache):
    """Django's file cache, made cheaper to write: every comment and 추천 writes a dozen
    small entries (the versions it moves, a rate limit) on a site without Redis."""

    # Django lists the whole folder on every set to see whether it holds MAX_ENTRIES: with
    # thousands of pages and their parts that listing cost more than the page it stored. It
    # is looked at on one set in CULL_EVERY instead, so the folder may hold that many files
    # past MAX_ENTRIES for a while.
    CULL_EVERY = 64
    _sets = 0

    def _cull(self):
        self._sets += 1
        if self._sets % self.CULL_EVERY == 1:
            super()._cull()

    def _write_content(self, file, timeout, value):
        # As Django's, with zlib's fastest level instead of its default: a page's compression
        # was the largest single cost of storing it (1.3 ms of a 13 ms first render).
        file.write(pickle.dumps(self.get_backend_timeout(timeout), self.pickle_protocol))
        file.write(zlib.compress(pickle.dumps(value, self.pickle_protocol), 1))

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        """As Django's (a temporary file renamed into place, so no reader sees half an
        entry), with the old entry removed first. ext4 writes a file renamed over another to
        disk at once (auto_da_alloc), which made each set cost three times the system time
        of a rename to a free name, and blocked the worker meanwhile. A reader between the
        two finds no entry: a miss, which every reader of a cache handles. Django's extra
        calls (the folder made again, two stats before the rename) are left out; the folder
        is made again only if it is gone."""
        fname = self._key_to_file(key, version)
        self._cull()
        try:
            fd, tmp_path = tempfile.mkstemp(dir=self._dir)
        except FileNotFoundError:  # the folder was removed (a cache cleared by hand)
            self._createdir()
            fd, tmp_path = tempfile.mkstemp(dir=self._dir)
        try:
            with open(fd, "wb") as file:
                self._write_content(file, timeout, value)
            with contextlib.suppress(FileNotFoundError):
                os.remove(fname)
            os.rename(tmp_path, fname)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.remove(tmp_path)
            raise

    COUNT_LOCKS = 16

    def count(self, key, timeout, delta=1):
        """FailSoftMixin.count, one process at a time for a key (an advisory lock on one of COUNT_LOCKS files in the
        folder): Django's add then incr from several workers could lose counts, and since set
        removes the old entry before renaming the new one in, a counter read in between would
        look missing and start again from 0."""
        stripe = int(os.path.basename(self._key_to_file(key))[:8], 16) % self.COUNT_LOCKS
        path = os.path.join(self._dir, f".count-{stripe}.lock")
        try:
            lock = open(path, "a")  # noqa: SIM115 - closed by the with below
        except FileNotFoundError:  # the folder was removed
            self._createdir()
            lock = open(path, "a")  # noqa: SIM115
        with lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            value = (self.get(key) or 0) + delta
            self.set(key, value, timeout)
        return value


# Django's file cache raises OSError when the disk is full or the folder unwritable.
class FailSoftFileBasedCache(FailSoftMixin, QuickFileBasedCache):
    down_errors = (OSError, EOFError)


class ReusingClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class CountingRedisCache(RedisCache):
    def count(self, key, timeout, delta=1):
        """FailSoftMixin.count in one round trip, where Django's add then incr take three
        (its incr asks whether the key exists first)."""
        key = self.make_and_validate_key(key)
        # MULTI: the key cannot expire between the two, leaving a counter with no expiry.
        pipeline = self._cache.get_client(key, write=True).pipeline(transaction=True)
        pipeline.set(key, 0, ex=timeout, nx=True)
        pipeline.incrby(key, delta)
        return pipeline.execute()[1]


class ReusingRedisCache(ReadingAheadMixin, FailSoftMixin, CountingRedisCache):
    # get_many is one MGET: a page's lookup may read what its parts will need with it
    # (board.fragments.reads_of_page), and a page made again what it read last time
    # (reading_ahead).
    reads_many_in_one_trip = True

    down_errors = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)

    @cached_property
    def _cache(self):
        return ReusingClient(self._servers, **self._options)

    def run(self, command):
        """command(client) with the redis-py client, for what the cache API lacks (scripts,
        sets: view counts), through the same breaker. Raises CacheUnavailable when Redis is
        down, so the caller can fall back to the database."""
        breaker = self.breaker
        if not breaker.allows():
            raise CacheUnavailable(self.breaker.name)
        client = self._cache.get_client(write=True)
        try:
            if breaker.down:
                breaker.recovered(lambda keys: client.delete(*(self.make_and_validate_key(k) for k in keys)))
            return command(client)
        except self.down_errors as error:
            breaker.failed(error)
            raise CacheUnavailable(str(error)) from error

    def ping(self):
        """A round trip that ignores the breaker (for /healthz)."""
        return self._cache.get_client(write=True).ping()
