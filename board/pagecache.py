"""Whole-page cache for anonymous readers of 홈, board lists, articles, 새글 and 전체 검색.

A view opts in with `@cached_for_readers(...)`, naming the versions its page depends on
(board/invalidation.py keeps them and says which write retires which). Only plain anonymous
GETs are served from here: no session or messages cookie (a member, or a reader with a
pending message, sees a personal page) and only the query parameters the page knows.

A page may hold *live* values that are never cached, such as an article's view count: the
view puts `placeholder(name)` where the value goes, and the decorator's `live` function
supplies the values for every response it sends, cached or fresh, for members too. That
is the only place a response's bytes are rewritten.
"""

import functools
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

from . import invalidation

PAGE_KEY_PREFIX = "pagecache:page:"


def placeholder(name):
    """The text a template prints where the live value `name` goes."""
    return f"@@live:{name}@@"


def cached_for_readers(*versions, parameters=("page",), on_hit=None, live=None):
    """Serve this view's page from the cache to anonymous readers.

    versions: the names the page depends on, formatted with the view's URL arguments
        ("board:{slug}", "post:{post_id}"); "all" is always added.
    parameters: the query parameters the page knows; any other makes the request personal
        and it is rendered, not cached.
    on_hit(request, **kwargs): work a cache hit must still do (count a search).
    live(request, response, **kwargs) -> {name: text}: the live values of a 200 page,
        filled into its placeholders; it may set cookies on the response.
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            response = None
            if cacheable(request, parameters):
                names = [name.format(**kwargs) for name in versions]
                cached, key, current = lookup(request, names)
                if cached is not None:
                    if on_hit:
                        on_hit(request, **kwargs)
                    response = respond(cached)
                else:
                    response = view(request, *args, **kwargs)
                    store(key, current, response)
            else:
                response = view(request, *args, **kwargs)
            if live is not None and response.status_code == 200:
                fill(response, live(request, response, **kwargs))
            return response

        return wrapped

    return decorator


def cacheable(request, parameters=("page",)):
    """A plain anonymous GET whose query string holds only the given parameters."""
    if request.method != "GET" or not settings.BOARD_PAGE_CACHE_SECONDS:
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return False
    return set(request.GET) <= set(parameters)


def lookup(request, names):
    """(cached page or None, its key, the versions it must match), in one cache round trip.

    The versions a page was made under are stored with it; a page made before a write
    retired one of them no longer matches and is made again.
    """
    key = PAGE_KEY_PREFIX + hashlib.sha256(request.get_full_path().encode()).hexdigest()
    version_keys = [invalidation.version_key(name) for name in (invalidation.EVERYTHING, *names)]
    found = cache.get_many([key, *version_keys])
    missing = [version_key for version_key in version_keys if version_key not in found]
    if missing:
        # Never set, or lost: start a new version. This request stores nothing (another
        # process may be starting the same version with another token); the next one does.
        for version_key in missing:
            cache.add(version_key, invalidation.new_version(), timeout=None)
        return None, key, None
    current = tuple(found[version_key] for version_key in version_keys)
    entry = found.get(key)
    if entry is not None and entry[0] == current:
        return entry[1], key, current
    return None, key, current


def store(key, current, response):
    if current is not None and response.status_code == 200:
        content = (response.content, response["Content-Type"])
        cache.set(key, (current, content), settings.BOARD_PAGE_CACHE_SECONDS)


def respond(cached):
    content, content_type = cached
    response = HttpResponse(content, content_type=content_type)
    response["X-Page-Cache"] = "hit"
    return response


def fill(response, values):
    content = response.content
    for name, value in values.items():
        content = content.replace(placeholder(name).encode(), str(value).encode())
    response.content = content
