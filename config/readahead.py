"""Reading ahead: the keys a page read the last time it was made (or its rows refreshed),
read in one round trip with the first read when it is made again (board/pagecache.py), for
the Redis backend (config/redis_cache.py)."""

import contextlib
import contextvars

from django.core.cache.backends.base import DEFAULT_TIMEOUT

# What a block reads ahead (ReadingAheadMixin.reading_ahead).
_ahead = contextvars.ContextVar("cache_read_ahead", default=None)
_NOT_AHEAD = object()


class _Ahead:
    """The keys still to read ahead, those read ({key: the stored bytes, None where there
    were none}), and the keys the block asked for (in order), for one cache."""

    __slots__ = ("cache", "pending", "values", "asked")

    def __init__(self, cache, keys):
        self.cache = cache
        self.pending = dict.fromkeys(keys)
        self.values = {}
        self.asked = {}


class ReadingAheadMixin:
    """Many keys read in one round trip, answered later as if each were read then.

    A page made again reads a dozen keys one part after another (its parts, their
    versions, the sidebar, the menu): each a round trip. `reading_ahead(keys)` reads the
    keys it read last time (board.pagecache) with the first read in the block, in one MGET;
    each later read of one of them is answered from that, once: a second read of the key
    (a process waiting for another's part, board.fragments.made_by_another) goes to Redis,
    and so does a read after this process wrote or deleted the key. A block that reads
    nothing reads nothing ahead, and a value is unpickled only when it is asked for (after
    a write, some keys of the last render belong to versions retired since). An answer read
    ahead is a few milliseconds older than one read in its place, as if the page had read
    it first; versions are read before what they guard in any case (board/invalidation.py)."""

    @contextlib.contextmanager
    def reading_ahead(self, keys):
        """Read `keys` with the block's first read; yields the keys read in the block, in
        order. Inside another block, nothing more is read ahead and nothing recorded."""
        if _ahead.get() is not None:
            yield {}
            return
        state = _Ahead(self, keys)
        token = _ahead.set(state)
        try:
            yield state.asked
        finally:
            _ahead.reset(token)

    def _block(self, version=None):
        state = _ahead.get()
        return state if state is not None and state.cache is self and version is None else None

    def _fetch_ahead(self, keys):
        client = self._cache.get_client(None)
        return dict(zip(keys, client.mget([self.make_and_validate_key(key) for key in keys]), strict=True))

    def _read_ahead(self, keys, version):
        """({key: value} answered from what was read ahead, the keys still to read)."""
        keys = list(keys)
        state = self._block(version)
        if state is None:
            return {}, keys
        if state.pending:
            wanted = list({**dict.fromkeys(keys), **state.pending})
            state.pending = None
            # The cache down: every key as missing, as get_many answers then.
            state.values = self._guard(lambda: self._fetch_ahead(wanted), dict.fromkeys(wanted))
        found, rest = {}, []
        for key in keys:
            state.asked[key] = None
            stored = state.values.pop(key, _NOT_AHEAD)
            if stored is _NOT_AHEAD:
                rest.append(key)
            elif stored is not None:
                found[key] = self._cache._serializer.loads(stored)
        return found, rest

    def _forget_ahead(self, keys):
        state = self._block()
        if state is not None:
            for key in keys:
                state.values.pop(key, None)
                if state.pending:
                    state.pending.pop(key, None)

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
