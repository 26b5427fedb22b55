"""Per-member rate limits kept in the configured cache (Redis in production), so every
gunicorn worker and every app server counts against the same numbers."""

import functools
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import JsonResponse
from django.shortcuts import render


def seconds_until_allowed(action, user_id):
    """Count one attempt; return 0 if it is allowed, else the seconds until the window ends.

    A fixed window: one counter per member, action and window, incremented atomically
    (INCR in Redis), so concurrent requests can never both take the last slot.
    """
    limit, window = settings.BOARD_RATE_LIMITS[action]
    now = time.time()
    bucket = int(now // window)
    key = f"ratelimit:{action}:{user_id}:{bucket}"
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window + 5)
        count = 1
    if count <= limit:
        return 0
    return max(1, math.ceil((bucket + 1) * window - now))


def rate_limited(action):
    """Refuse with a Korean 429 page once a member passes the limit for `action`."""

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


def too_many_requests(request, wait):
    minutes, seconds = divmod(wait, 60)
    when = f"{minutes}분 {seconds}초" if minutes else f"{seconds}초"
    message = f"너무 자주 요청했습니다. {when} 뒤에 다시 시도해 주세요."
    if wants_json(request):
        response = JsonResponse({"error": message}, status=429)
    else:
        response = render(request, "429.html", {"message": message}, status=429)
    response["Retry-After"] = str(wait)
    return response


def wants_json(request):
    return "application/json" in request.headers.get("Accept", "")
