"""Reading ahead: the keys a page read the last time it was made, read in one round trip
before it is made again (board/pagecache.py), for the Redis backend (config/redis_cache.py)."""

import contextlib
import contextvars

from django.core.cache.backends.base import DEFAULT_TIMEOUT

# What a request read ahead (ReadingAheadMixin.reading_ahead): {key: value or _ABSENT}, and
# the keys the request asked for meanwhile, in order.
_ahead = contextvars.ContextVar("cache_read_ahead", default=None)
_ABSENT = object()


class ReadingAheadMixin:
    """Many keys read in one round trip, answered later as if each were read then.

    A page made again reads a dozen keys one part after another (its parts, their
    versions, the sidebar, the menu): each a round trip. `reading_ahead(keys)` reads the
    keys it made last time in one MGET before the view runs (board.pagecache); each read of
    one of them in the block is answered from that, once: a second read of the key (a
    process waiting for another's part, board.fragments.made_by_another) goes to Redis,
    and so does a read after this process wrote or deleted the key. An answer read ahead is
    a few milliseconds older than one read in its place, as if the page had read it first;
    versions are read before what they guard in any case (board/invalidation.py)."""

    @contextlib.contextmanager
    def reading_ahead(self, keys):
        """Read `keys` now (one round trip); yields the keys read in the block, in order."""
        keys = list(keys)
        found = self.get_many(keys) if keys else {}
        state = ({key: found.get(key, _ABSENT) for key in keys}, {})
        token = _ahead.set(state)
        try:
            yield state[1]
        finally:
            _ahead.reset(token)

    def _read_ahead(self, keys, version):
        """({key: value} answered from what was read ahead, the keys still to read)."""
        state = _ahead.get()
        if state is None or version is not None:
            return {}, keys
        ahead, asked = state
        found, rest = {}, []
        for key in keys:
            asked[key] = None
            value = ahead.pop(key, None)
            if value is None:
                rest.append(key)
            elif value is not _ABSENT:
                found[key] = value
        return found, rest

    def _forget_ahead(self, keys):
        state = _ahead.get()
        if state is not None:
            for key in keys:
                state[0].pop(key, None)

    def get(self, key, default=None, version=None):
        found, rest = self._read_ahead([key], version)
        return super().get(key, default, version) if rest else found.get(key, default)

    def get_many(self, keys, version=None):
        found, rest = self._read_ahead(keys, version)
        return {**found, **super().get_many(rest, version)} if rest else found

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._forget_ahead([key])
        return super().set(key, value, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._forget_ahead([key])
        return super().add(key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        self._forget_ahead(data)
        return super().set_many(data, timeout, version)

    def delete(self, key, version=None):
        self._forget_ahead([key])
        return super().delete(key, version)

    def delete_many(self, keys, version=None):
        keys = list(keys)
        self._forget_ahead(keys)
        return super().delete_many(keys, version)

    def count(self, key, timeout, delta=1):
        self._forget_ahead([key])
        return super().count(key, timeout, delta)

    def incr(self, key, delta=1, version=None):
        self._forget_ahead([key])
        return super().incr(key, delta, version)
