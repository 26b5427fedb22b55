"""Whole-page cache for anonymous readers of 홈, board lists and articles.

A cached page is keyed by the versions of what it shows: the site (home), the board
(its list, by slug) and the post (its article). Every write that changes what a page shows bumps
those versions in the same request (services.py), so the next reader gets a fresh page at
once; nothing waits for a timeout. View counts are the exception by design: an article's
count is filled in live on every hit, lists show it as of their last change.

Only plain anonymous GETs are served from here: no session or messages cookie (a member
or a pending message sees a personal page) and only the query parameters a page knows
(?page=, and a list's search, sort and period).
"""

import hashlib
import secrets

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

VIEW_COUNT_MARK = "@@VIEW_COUNT@@"


def _version_key(name):
    return f"pagecache:version:{name}"


def _new_version():
    return secrets.token_hex(8)


def bump(*names):
    """Make every cached page that shows one of these stale.

    A version is a random token, never a counter: a version lost from the cache (evicted,
    culled, a restart) comes back as a new token, so no old page can match it again, and
    two writers bumping at once need no atomic increment."""
    cache.set_many({_version_key(name): _new_version() for name in names}, timeout=None)


def bump_post(post_id, board_id):
    """A post changed: its article, its board's list and the home page.

    Boards' versions are named by slug, the name in the URL, so a reader's lookup needs no
    slug-to-id step (one cache round trip per hit). A renamed slug bumps everything
    (sidebar.forget_board_menu)."""
    from .sidebar import board_menu

    slug = next((slug for slug, _, pk in board_menu() if pk == board_id), None)
    if slug is None:  # a board the menu does not know yet: be safe
        bump_everything()
    else:
        bump(f"post:{post_id}", f"board:{slug}", "site")


def bump_everything():
    bump("all")


def cacheable(request, parameters=("page",)):
    """A plain anonymous GET whose query string holds only the given parameters."""
    if request.method != "GET" or not settings.BOARD_PAGE_CACHE_SECONDS:
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return False
    return set(request.GET) <= set(parameters)


def lookup(request, *names):
    """(cached page or None, its key, the versions it must match), in one cache round trip.

    The versions a page was made under are stored with it; a page made before a write
    bumped one of them no longer matches and is made again.
    """
    key = "pagecache:page:" + hashlib.sha256(request.get_full_path().encode()).hexdigest()
    version_keys = [_version_key(name) for name in ("all", *names)]
    found = cache.get_many([key, *version_keys])
    missing = [version_key for version_key in version_keys if version_key not in found]
    if missing:
        # Never set, or lost: start a new version. This request stores nothing (another
        # process may be starting the same version with another token); the next one does.
        for version_key in missing:
            cache.add(version_key, _new_version(), timeout=None)
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


def respond(cached, view_count=None):
    content, content_type = cached
    if view_count is not None:
        content = content.replace(VIEW_COUNT_MARK.encode(), f"{view_count:,}".encode())
    response = HttpResponse(content, content_type=content_type)
    response["X-Page-Cache"] = "hit"
    return response


def serve(request, names, render, *, parameters=("page",), on_hit=None):
    """The cached page for this anonymous request, or `render()` (then cached)."""
    if not cacheable(request, parameters):
        return render()
    cached, key, current = lookup(request, *names)
    if cached is not None:
        if on_hit:
            on_hit()
        return respond(cached)
    response = render()
    store(key, current, response)
    return response
