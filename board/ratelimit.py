"""Per-member rate limits kept in the configured cache (Redis in production), so every
gunicorn worker and every app server counts against the same numbers.

Two ways to count. A form that writes (글쓰기, 댓글) counts only what it accepts: the view
takes a slot with `counted_write()` once the input is valid, and a preview, a refused form
or a failed save never uses one up. A one-click action (추천) counts every attempt with
`@rate_limited`.
"""

import functools
import math
import time
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache
from django.http import JsonResponse
from django.shortcuts import render


class RateLimited(Exception):
    def __init__(self, wait):
        super().__init__(wait)
        self.wait = wait

    @property
    def message(self):
        return too_often_message(self.wait)


def _window(action, user_id):
    limit, window = settings.BOARD_RATE_LIMITS[action]
    now = time.time()
    bucket = int(now // window)
    return limit, window, now, bucket, f"ratelimit:{action}:{user_id}:{bucket}"


def _count(key, window, delta=1):
    """The member's counter for this window moved by `delta`; a counter gone with its window
    and given back comes back below 0, unused."""
    if hasattr(cache, "count"):  # the site's caches (config/redis_cache.py): one step
        return cache.count(key, window + 5, delta)
    cache.add(key, 0, timeout=window + 5)  # runserver's local memory
    try:
        return cache.incr(key, delta)
    except ValueError:  # expired between add and incr
        cache.add(key, delta, timeout=window + 5)
        return delta


def seconds_until_allowed(action, user_id):
    """Count one attempt; return 0 if it is allowed, else the seconds until the window ends.

    A fixed window: one counter per member, action and window, incremented atomically
    (INCR in Redis), so concurrent requests can never both take the last slot.
    """
    limit, window, now, bucket, key = _window(action, user_id)
    if _count(key, window) <= limit:
        return 0
    return max(1, math.ceil((bucket + 1) * window - now))


class Slot:
    """A slot taken by counted_write; give_back() when the write turns out not to be a new
    one (the same form sent twice)."""

    def __init__(self, key, window):
        self.key, self.window, self.given_back = key, window, False

    def give_back(self):
        if not self.given_back:
            self.given_back = True
            _count(self.key, self.window, -1)


@contextmanager
def counted_write(action, user_id):
    """Take one of the member's slots for a write the view has accepted, or raise
    RateLimited. The INCR decides, so two requests can never both take the last slot; a
    refused take gives its slot straight back (a refusal never counts), and so does a write
    that fails inside the block."""
    limit, window, now, bucket, key = _window(action, user_id)
    if _count(key, window) > limit:
        _count(key, window, -1)
        raise RateLimited(max(1, math.ceil((bucket + 1) * window - now)))
    slot = Slot(key, window)
    try:
        yield slot
    except BaseException:
        slot.give_back()
        raise


def rate_limited(action):
    """Refuse with a Korean 429 page once a member passes the limit for `action`; every
    POST counts."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "POST" and request.user.is_authenticated:
                wait = seconds_until_allowed(action, request.user.pk)
                if wait:
                    return too_many_requests(request, wait)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def too_often_message(wait):
    minutes, seconds = divmod(wait, 60)
    when = f"{minutes}분 {seconds}초" if minutes else f"{seconds}초"
    return f"너무 자주 요청했습니다. {when} 뒤에 다시 시도해 주세요."


def too_many_requests(request, wait):
    message = too_often_message(wait)
    if wants_json(request):
        response = JsonResponse({"error": message}, status=429)
    else:
        response = render(request, "429.html", {"message": message}, status=429)
    response["Retry-After"] = str(wait)
    return response


def wants_json(request):
    return "application/json" in request.headers.get("Accept", "")
