"""Parts of shared pages cached on their own, under the versions of what they show.

A write retires whole pages (invalidation.py): a comment on one article makes its board's
lists, 홈 and the article itself stale, and the next reader of any of them used to wait for
a whole render. Most of what those pages show did not change: another article's body and
thread, the rows of the board's list under every article of the page, the other boards'
blocks on 홈. Those parts are kept here, each under the versions it depends on ("all"
and its post or its board), and a page made again after a write reuses every part the
write did not touch, with the queries that part needed.

Only pages being rendered to be shared use this (pagecache.cached_for_readers sets
`request.page_versions`: anonymous readers and members who share pages); a page rendered
for one reader alone (운영진, a search, a refused form) renders every part itself. A part
never depends on who is reading beyond what its name says ("member" or "reader").

The rows of a board's list carry marks where 열람중 goes (`mark_current`), so one stored
page of rows serves the list page and every article on it: each fills in its own row.
"""

import collections
import functools
import hashlib
import re
import time
from collections.abc import Callable
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from . import invalidation
from .sidebar import sidebar

FRAGMENT_KEY_PREFIX = "pagecache:fragment:"


def variant(request):
    """What differs between readers' copies of a part: members' pages have slots and forms."""
    return "member" if getattr(request, "member_slots", False) else "reader"


class Part(NamedTuple):
    """One part of a page: `name` says what it is and for whom (None: never cached, made
    for this page alone), `versions` what it shows (invalidation.post_version, board_version),
    `render()` makes its value (anything the cache can keep)."""

    name: str | None
    versions: tuple
    render: Callable


def cached_parts(request, parts):
    """{label: Part} -> {label: value}: each value from the cache where it holds one made
    under the current versions, else made and stored; in at most two cache round trips (the
    versions the page's own lookup did not bring, then the parts)."""
    entries = {label: (part.name, part.versions) for label, part in parts.items()}
    return cached_batch(request, entries, lambda labels: {label: parts[label].render() for label in labels})


def cached_batch(request, entries, render_missing):
    """{label: (name or None, versions)} -> {label: value}, where render_missing(labels)
    makes the values the cache does not hold, all at once (a list's rows in one query)."""
    known = getattr(request, "page_versions", None)
    if known is None or not settings.BOARD_PAGE_CACHE_SECONDS:
        return render_missing(list(entries))
    shared = {label: entry for label, entry in entries.items() if entry[0] is not None}
    wanted = {version for _, versions in shared.values() for version in versions} - known.keys()
    if wanted:
        found = cache.get_many([invalidation.version_key(version) for version in wanted])
        known = {**known, **{version: found.get(invalidation.version_key(version)) for version in wanted}}
        for version in [version for version in wanted if known[version] is None]:
            # Never set, or lost: started here, as pagecache.lookup does. If another process
            # started it first, its token is unknown here and the part is made, not stored.
            token = invalidation.new_version()
            if cache.add(invalidation.version_key(version), token, timeout=None):
                known[version] = token
        request.page_versions = known  # the page's next parts need no round trip for them
    keys = {label: key for label, (name, versions) in shared.items() if (key := part_key(known, name, versions))}
    stored = cache.get_many(list(keys.values())) if keys else {}
    values = {label: stored[keys[label]] for label in entries if keys.get(label) in stored}
    missing = [label for label in entries if label not in values]
    if missing:
        made = render_missing(missing)
        values.update(made)
        new = {keys[label]: made[label] for label in missing if label in keys}
        if new:
            cache.set_many(new, settings.BOARD_PAGE_CACHE_SECONDS)
    return values


def part_key(known, name, versions):
    """The cache key of the part `name` under `versions` ("all" added), given the tokens
    `known` ({version: token}); None while one of them is not known (a version another
    process has just started: the part is made this time, not stored)."""
    tokens = [known.get(version) for version in (invalidation.EVERYTHING, *versions)]
    if None in tokens:
        return None
    joined = ":".join(tokens)
    if len(joined) > 100:  # a page of rows, under each of its posts' versions
        joined = hashlib.blake2b(joined.encode(), digest_size=16).hexdigest()
    return f"{FRAGMENT_KEY_PREFIX}{name}:{joined}"


def part_and_sidebar(request, part):
    """(The part's value, the sidebar's blocks as sidebar_values gives them), for a part
    that depends on more versions than its name and `versions` say: those of the posts it
    shows, which only its value knows. `part.render(stale)` gives (value, those versions)
    from the value kept before (None if there is none), and the part is kept with the
    tokens they had when it was made. It is read with the sidebar in one cache round trip
    and those tokens checked in a second; a write to any other post leaves it as it is,
    and one to a post it shows makes it again, once: while one process makes it, the others
    that find it stale wait for theirs (made_by_another)."""
    known = getattr(request, "page_versions", None)
    key = part_key(known, part.name, part.versions) if known and settings.BOARD_PAGE_CACHE_SECONDS else None
    if key is None:
        return part.render(None)[0], sidebar_values()
    kept = _kept_parts.get(key)
    page_key = getattr(request, "page_key", None)
    if page_key is not None and getattr(cache, "reads_many_in_one_trip", False):
        remember(_part_of_page, page_key, key, PAGES_REMEMBERED)
    if kept is not None:
        # This process's last copy: only its posts' versions and the sidebar are read,
        # with the page if its lookup knew to (reads_of_page).
        version_keys = [invalidation.version_key(version) for version in kept[1]]
        found = read_with_page(request, [*version_keys, *invalidation.SIDEBAR_KEYS])
        current = current_tokens(request, kept[1], found)
        if current == kept[1] and time.time() - kept[2] < settings.BOARD_PAGE_CACHE_SECONDS:
            _kept_parts.move_to_end(key)
            return kept[0], sidebar_values(found)
        stored = cache.get(key)  # another process may have made it again already
        fresh = stored is not None and (
            stored[1] == {version: current.get(version) for version in stored[1]}
            if stored[1].keys() <= current.keys()
            else tokens_still_current(request, stored[1])
        )
    else:
        found = cache.get_many([key, *invalidation.SIDEBAR_KEYS])
        stored = found.get(key)
        fresh = stored is not None and tokens_still_current(request, stored[1])
    if fresh:
        keep_part(key, stored)
        return stored[0], sidebar_values(found)
    making = f"{key}:making"
    if not cache.add(making, 1, MAKING_SECONDS):
        made = made_by_another(request, key, stored)
        if made is not None:
            keep_part(key, made)
            return made[0], sidebar_values(found)
        making = None  # theirs did not come in time: made here too, and their lock left alone
    try:
        value, depends = part.render(stored[0] if stored is not None else None)
        tokens = {version: request.page_versions.get(version) for version in depends}
        if None not in tokens.values():  # a version another process has just started: not kept
            entry = (value, tokens, time.time())  # when: a kept copy lasts no longer than the cache's
            cache.set(key, entry, settings.BOARD_PAGE_CACHE_SECONDS)
            keep_part(key, entry)
    finally:
        if making:
            cache.delete(making)
    return value, sidebar_values(found)


# A stale part that a write made several pages need at once (every article of a page of
# rows, after a comment on one of them) is put together by the first process to find it
# stale; the others wait a moment for it instead of each making it (and each reading the
# changed rows) again. Putting a page of rows together takes a few milliseconds.
MAKING_SECONDS = 2  # the lock outlives a process that dies while making the part
WAIT_SECONDS = 0.05
POLL_SECONDS = 0.004


def made_by_another(request, key, stale):
    """The part another process is making in place of `stale` (None if there was none), once
    it is stored with current tokens; None if it does not come within WAIT_SECONDS (or the
    cache is not answering), and the caller makes it itself."""
    if not getattr(cache, "available", lambda: True)():
        return None
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
        again = cache.get(key)
        if again is not None and (stale is None or again[1] != stale[1]) and tokens_still_current(request, again[1]):
            return again
    return None


def tokens_still_current(request, tokens):
    """Whether every version in {version: token} still has that token (one cache round
    trip); the page's next parts then know them."""
    found = cache.get_many([invalidation.version_key(version) for version in tokens]) if tokens else {}
    return current_tokens(request, tokens, found) == tokens


def current_tokens(request, versions, found):
    """{version: its token now} from what a round trip `found` of their keys; the page's
    next parts then know them."""
    current = {version: found.get(invalidation.version_key(version)) for version in versions}
    request.page_versions = {**request.page_versions, **{v: t for v, t in current.items() if t is not None}}
    return current


# A page of rows, once read or made, is also kept in the process that did (the last
# KEPT_PARTS of them): a page that finds its rows' board written to since then reads its
# posts' versions and the sidebar, and uses the copy if none of its posts moved, instead
# of reading and unpickling the rows from the cache as well. A copy is used under the
# cache's rules: while every version it was made under still has its token, and no longer
# than BOARD_PAGE_CACHE_SECONDS after it was made (what no version follows, such as the
# list's view counts, the N badge and today's times, is made again as often as before).
KEPT_PARTS = 128
_kept_parts = collections.OrderedDict()


# The part each page's refreshed parts last used (pagecache's key of the page -> the part's
# key), so that the page's lookup can read what the part will need (reads_of_page): kept
# while the page is refreshed without being stored again (its board is being written to,
# pagecache.settled), so that its next hit will refresh it too.
PAGES_REMEMBERED = 1024
_part_of_page = collections.OrderedDict()


def reads_of_page(page_key):
    """The keys part_and_sidebar read for the page the last time this process served it,
    with the copy of its part kept here: its posts' versions and the sidebar's blocks. None
    where the cache reads each key on its own (the file cache): reading them with the page
    saves no round trip there, and a page whose rows need no refresh would read them for
    nothing."""
    if not getattr(cache, "reads_many_in_one_trip", False):
        return frozenset()
    kept = _kept_parts.get(_part_of_page.get(page_key))
    if kept is None:
        return frozenset()
    return frozenset((*(invalidation.version_key(version) for version in kept[1]), *invalidation.SIDEBAR_KEYS))


def page_stored(page_key):
    """The page was stored with its parts as they are now: its next hit needs no refresh
    unless its board is written to again, so nothing is read for one in advance."""
    _part_of_page.pop(page_key, None)


def read_with_page(request, keys):
    """The cache's values of `keys`: from the page's own lookup if it read every one of them
    (pagecache.lookup, reads_of_page), else in a round trip of their own."""
    wanted, found = getattr(request, "read_with_page", (frozenset(), {}))
    if wanted and wanted.issuperset(keys):
        return found
    return cache.get_many(keys)


def keep_part(key, value):
    """Keep (value, tokens, when it was made); one stored before parts carried the time is not."""
    if len(value) < 3:
        return
    remember(_kept_parts, key, value, KEPT_PARTS)


def remember(memory, key, value, limit):
    """Put key -> value in one of a process's bounded memories (an OrderedDict, the most
    recently written last), forgetting the oldest past `limit`. A read does not make an
    entry younger, but for the kept parts, whose hits move them to the end."""
    memory[key] = value
    memory.move_to_end(key)
    while len(memory) > limit:
        memory.popitem(last=False)


# --- 열람중 in shared rows -------------------------------------------------------------


@functools.cache
def _current_mark():
    # Keyed like the member slots: text a member writes can never be taken for a mark.
    return "@@" + hashlib.sha256(f"current-row:{settings.SECRET_KEY}".encode()).hexdigest()[:16]


@functools.cache
def _current_pattern():
    return re.compile(re.escape(_current_mark()) + r":(\d+):([a-z]+)@@")


def current_mark(pk, place):
    """What a row prints where it would say it is the article being read: `class` (the
    row's class), `badge` (the 열람중 badge), `link` (aria-current on its link)."""
    return f"{_current_mark()}:{pk}:{place}@@"


CURRENT_ROW = {
    "class": " is-current",
    "badge": '<span class="badge badge-current">열람중</span>',
    "link": ' aria-current="page"',
}


def show_current(rows_html, current_pk=None):
    """Rows rendered with marks, with the row of `current_pk` shown as 열람중 (none if None)."""
    if _current_mark() not in rows_html:
        return rows_html
    shown = _current_pattern().sub(
        lambda match: CURRENT_ROW[match.group(2)] if int(match.group(1)) == current_pk else "", rows_html
    )
    return mark_safe(shown)  # noqa: S308 - escaped rows, with only the fixed markup above added


# --- Shells: a page around its parts ------------------------------------------------------
#
# A page made again after a comment or a 추천 differs from the one before only in its parts
# (the rows, the sidebar's 최근 댓글); what is around them, the *shell*, is cached with a
# hole where each part goes, under versions that only a change to the page's frame retires
# (invalidation.listing_version: a post written or deleted, a board renamed). The page is
# the shell with its holes filled: no template is rendered for it.


@functools.cache
def _hole_mark():
    return "@@" + hashlib.sha256(f"page-hole:{settings.SECRET_KEY}".encode()).hexdigest()[:16]


@functools.cache
def _hole_pattern():
    return re.compile(re.escape(_hole_mark()) + r":([a-z0-9_]+)@@")


def hole(name):
    """What a shell prints where the part `name` goes (a mark keyed like the member slots)."""
    return mark_safe(f"{_hole_mark()}:{name}@@")  # noqa: S308 - a fixed mark


def holes_for(values):
    """{name: HTML} -> {name: its hole}; a part that shows nothing is rendered as it is (the
    template may say "아직 글이 없습니다."), since only a write that retires the shell can
    give it something to show."""
    return {name: hole(name) if html else html for name, html in values.items()}


SIDEBAR_HOLES = {"posts_html": "sidebar_posts", "recent_html": "sidebar_recent", "rest_html": "sidebar_rest"}


def shell_context(context):
    """A page's context for its shell: the sidebar's blocks are holes (a comment anywhere
    changes 최근 댓글; they are cached on their own, sidebar.py)."""
    return {**context, "sidebar": {block: hole(name) for block, name in SIDEBAR_HOLES.items()}}


def sidebar_values(found=None):
    """{hole: HTML} of the sidebar's blocks as they are now (one cache round trip, none if
    `found` holds what a caller read of invalidation.SIDEBAR_KEYS)."""
    blocks = sidebar(found)
    return {name: blocks[block] for block, name in SIDEBAR_HOLES.items()}


def fill_shell(shell, values):
    """The page: the shell's holes filled from `values` and the current sidebar."""
    values = {**values, **sidebar_values()}
    return _hole_pattern().sub(lambda match: values[match.group(1)], shell)


def fill_shell_holes(shell, values):
    """The shell with the holes named in `values` filled, the others left for later."""
    return _hole_pattern().sub(lambda match: values.get(match.group(1), match.group(0)), shell)


@functools.cache
def _hole_bytes_pattern():
    return re.compile(re.escape(_hole_mark().encode()) + rb":([a-z0-9_]+)@@")


def fill_holes(content, values):
    """A response's bytes with every hole filled from `values` (the sidebar's included)."""
    return _hole_bytes_pattern().sub(lambda match: values[match.group(1).decode()].encode(), content)


def shell_response(request, name, versions, template, context, values, args):
    """The page `template` renders from `context`, as its shell (cached as the part `name`
    under `versions`) with holes for `values` ({context name: HTML}) and the sidebar. The
    response keeps its holes: the page cache fills them and stores the page with them, and
    makes the values again from `args` when a write changed them (pagecache `refreshed`)."""

    def render_shell():
        return render_to_string(template, shell_context({**context, **holes_for(values)}), request)

    shell = cached_parts(request, {"shell": Part(name, versions, render_shell)})["shell"]
    return refreshed_response(shell, values, args)


def refreshed_response(shell, values, args):
    response = HttpResponse(shell)
    if not set(SIDEBAR_HOLES.values()) <= values.keys():  # refreshed_rows' values have it already
        values = {**values, **sidebar_values()}
    response.refreshed_parts = {"values": values, "args": args}
    return response
