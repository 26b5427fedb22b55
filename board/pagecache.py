"""Whole-page cache for anonymous readers of 홈, board lists, articles, 새글 and 전체 검색.

A view opts in with `@cached_for_readers(...)`, naming the versions its page depends on
(board/invalidation.py keeps them and says which write retires which). Only plain anonymous
GETs are served from here: no session or messages cookie (a member, or a reader with a
pending message, sees a personal page) and only the query parameters the page knows.

Members get the same treatment with one difference: their pages hold *member slots*
(board/memberslots.py) where their name, their CSRF token, their vote and the controls on
their own posts and comments go. A page is rendered once with the slots and stored apart
from the anonymous one (a member's page has forms and reply boxes a reader's has not); every
member's response has the slots filled for that member. 운영진 (staff), a member with a
message waiting, a member who has not confirmed their e-mail, or a query the page does not
know get a page rendered for them alone.

A board with a reading level above Lv.1 (회원 레벨) is never stored: not everyone who would
be served the page may read it. Its views check the reader's level on every request and
mark the page `keep_private(response)`; a page stored before the board got its level was
retired with every other page by the board's save (invalidation.board_changed).

A page may hold *live* values that are never cached, such as an article's view count: the
view puts `placeholder(name)` where the value goes, and the decorator's `live` function
supplies the values for every response it sends, cached or fresh, for members too.

A page may also keep *refreshed* parts: a board's rows under an article or on its list
change with every comment and 추천 in the board, the page around them only when the board's
listing does. Such a page is stored with holes where those parts go (fragments.hole) and
the parts as last made, with the token of the version they were made under (the board's);
each response has them filled in, and one whose token is stale gets them made again first
(from the cached rows, fragments.py) and stores them with the page. A page that keeps no
refreshed part (a search, a sorted list) depends on that version like on any other.
"""

import collections
import contextlib
import functools
import hashlib

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpResponse

from accounts import confirmation, sessionmember

from . import fragments, invalidation, memberslots

PAGE_KEY_PREFIX = "pagecache:page:"
# ":2": since pages are stored with their comments' slots prepared (memberslots.prepare);
# a worker from before would find no comment slots to fill in them during a deploy.
MEMBER_PAGE_KEY_PREFIX = "pagecache:member:2:"


def placeholder(name):
    """The text a template prints where the live value `name` goes."""
    return f"@@live:{name}@@"


def cached_for_readers(*versions, parameters=("page",), on_hit=None, live=None, refreshed=None, votes_of=None):
    """Serve this view's page from the cache to anonymous readers.

    versions: the names the page depends on, formatted with the view's URL arguments
        ("board:{slug}", "post:{post_id}"); "all" is always added.
    parameters: the query parameters the page knows; any other makes the request personal
        and it is rendered, not cached.
    on_hit(request, **kwargs): work a cache hit must still do (count a search).
    live(request, response, **kwargs) -> {name: text}: the live values of a 200 page,
        filled into its placeholders; it may set cookies on the response.
    refreshed: (version, fill): the version the page's refreshed parts are made under, and
        fill(request, response, **kwargs) -> {hole: HTML}, which makes them again from
        `response.refreshed_parts["args"]` (set by the view with the parts' first "values").
    votes_of: the URL argument naming the article whose page shows a member their votes:
        what memberslots.kept_votes kept of them is read in the page's lookup.
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            names = [name.format(**kwargs) for name in versions]
            extra = refreshed[0].format(**kwargs) if refreshed else None
            # A member's page is looked up with their session, in one round trip.
            early = lookup_with_session(request, parameters, names, extra, votes_of and kwargs[votes_of])
            shared_by_members = shareable_by_members(request, parameters)
            if shared_by_members or cacheable(request, parameters):
                request.member_slots = shared_by_members
                prefix = MEMBER_PAGE_KEY_PREFIX if shared_by_members else PAGE_KEY_PREFIX
                if shared_by_members and early is not None:
                    cached, key, current, token = early
                    remember_member(request)
                else:
                    prefetch = ()
                    if shared_by_members and votes_of:
                        prefetch = memberslots.kept_votes_keys(request.user.pk, kwargs[votes_of])
                    cached, key, current, token = lookup(request, names, prefix, extra, prefetch)
                if current is not None:
                    # The parts of the page (fragments.py) are cached under the same versions.
                    request.page_versions = dict(zip((invalidation.EVERYTHING, *names), current, strict=True))
                    if extra:
                        request.page_versions[extra] = token
                if cached is not None and not bypassed(request):
                    if on_hit:
                        on_hit(request, **kwargs)
                    response = respond(cached)
                    if shared_by_members:
                        memberslots.prepare(response)  # done already unless stored before prepare()
                    if refreshed and refresh(request, response, token, refreshed[1], kwargs) and settled(token):
                        store(key, current, response, token)
                else:
                    try:
                        with reading_ahead(key):
                            response = view(request, *args, **kwargs)
                    except Exception:
                        # The error page (a 404, say) is rendered after this, for this member
                        # alone: with their own name, not slots nobody fills.
                        request.member_slots = False
                        raise
                    if getattr(response, "refreshed_parts", None) is not None:
                        response.refreshed_parts["token"] = token
                    if shared_by_members:
                        memberslots.prepare(response)
                    store(key, current, response, token)
                if shared_by_members:  # first: its places are in the page as stored
                    memberslots.fill(request, response)
                if getattr(response, "refreshed_parts", None) is not None:
                    response.content = fragments.fill_holes(response.content, response.refreshed_parts["values"])
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


def bypassed(request):
    """The benchmark's first renders (settings.BOARD_PAGE_CACHE_BYPASS_HEADER, never set in
    production): the page is looked up and stored as usual but made again, as it is after a
    write retired it."""
    header = settings.BOARD_PAGE_CACHE_BYPASS_HEADER
    return bool(header) and header in request.headers


def shareable_by_members(request, parameters=("page",)):
    """A GET by a member who is not 운영진 and has no message waiting, whose query string
    holds only the given parameters: every such member may be served one page."""
    if request.method != "GET" or not settings.BOARD_PAGE_CACHE_SECONDS:
        return False
    if settings.SESSION_COOKIE_NAME not in request.COOKIES or not set(request.GET) <= set(parameters):
        return False
    user = request.user
    # Staff may moderate (hidden comments, the moderation bar) and write where members
    # cannot: their pages are their own.
    if not user.is_authenticated or not user.is_active or user.is_staff:
        return False
    # A member who has not confirmed their e-mail gets no comment form: never render the
    # page everyone shares for them (accounts/confirmation.py).
    if confirmation.session_awaits_confirmation(request):
        return False
    return len(get_messages(request)) == 0


# Which member a session is (a hint, per process): their kept votes (memberslots) are read
# with the page before the session says who is asking, and used only if it was them.
_member_of_session = collections.OrderedDict()
MEMBERS_REMEMBERED = 4096


def lookup_with_session(request, parameters, names, extra, post_id):
    """For a GET that can only be a member's shared page (a session cookie, the page's own
    parameters): lookup() with the member's session read in the same round trip, and put
    where the session would have read it (django.contrib.sessions' cached_db keeps it in
    the same cache); with it, the member's kept votes on the article `post_id` when this
    process knows whose session it is. None where that does not apply; the session is then
    read as usual."""
    session = getattr(request, "session", None)
    session_key = getattr(session, "session_key", None)
    if (
        session_key is None
        or request.method != "GET"
        or not settings.BOARD_PAGE_CACHE_SECONDS
        or settings.SESSION_ENGINE != "django.contrib.sessions.backends.cached_db"
        or settings.SESSION_CACHE_ALIAS != "default"
        or hasattr(session, "_session_cache")
        or not set(request.GET) <= set(parameters)
    ):
        return None
    session_cache_key = session.cache_key_prefix + session_key
    member_id = _member_of_session.get(session_key)
    prefetch = (session_cache_key,)
    if member_id is not None:
        prefetch += sessionmember.kept_row_keys(member_id)
        if post_id:
            prefetch += memberslots.kept_votes_keys(member_id, post_id)
    found = lookup(request, names, MEMBER_PAGE_KEY_PREFIX, extra, prefetch)
    data = request.prefetched.pop(session_cache_key, None)
    if data is not None:
        session._session_cache = data  # what cached_db's load() returns when the cache holds it
    request.prefetched_for = member_id
    if member_id is not None:
        # The member's row as kept for their pages, if the session is theirs: no query for it.
        sessionmember.use_kept_row(request, member_id, request.prefetched)
    return found


def remember_member(request):
    """After lookup_with_session, once the session said who is asking: their kept votes
    read with the page are theirs only if the hint was right; this process remembers whose
    session it is for the next page. With the hint right, the member's row that Django
    read (if it was not the kept one) is kept for their next page."""
    member_id = request.user.pk
    if request.prefetched_for != member_id:
        request.prefetched = {}
        fragments.remember(_member_of_session, request.session.session_key, member_id, MEMBERS_REMEMBERED)
    else:
        sessionmember.keep_row(request, request.prefetched)


def lookup(request, names, prefix=PAGE_KEY_PREFIX, extra=None, prefetch=()):
    """(cached page or None, its key, the versions it must match, the token of the `extra`
    version its refreshed parts are made under), in one cache round trip, which also reads
    the `prefetch` keys into `request.prefetched` (the member's own data the page shows),
    and what the page's refreshed parts will read (fragments.reads_of_page).

    The versions a page was made under are stored with it; a page made before a write
    retired one of them no longer matches and is made again. A page stored without
    refreshed parts must match the `extra` version too.
    """
    key = prefix + hashlib.sha256(request.get_full_path().encode()).hexdigest()
    version_keys = [invalidation.version_key(name) for name in (invalidation.EVERYTHING, *names)]
    extra_key = [invalidation.version_key(extra)] if extra else []
    # What the page's refreshed parts read the last time this process served it (the
    # versions of the posts on its page of rows, the sidebar), read now with the page.
    request.page_key = key
    parts_reads = fragments.reads_of_page(key) if extra else frozenset()
    # Some keys are asked for twice (the "all" version by a member's kept row, an article's
    # own version by its page of rows): asked for once.
    found = cache.get_many(list(dict.fromkeys((key, *version_keys, *extra_key, *prefetch, *parts_reads))))
    request.prefetched = {name: found[name] for name in prefetch if name in found}
    request.read_with_page = (parts_reads, found)
    missing = [version_key for version_key in (*version_keys, *extra_key) if version_key not in found]
    if missing:
        # Never set, or lost: start a new version. This request stores nothing (another
        # process may be starting the same version with another token); the next one does.
        for version_key in missing:
            cache.add(version_key, invalidation.new_version(), timeout=None)
        return None, key, None, None
    current = tuple(found[version_key] for version_key in version_keys)
    token = found[extra_key[0]] if extra else None
    entry = found.get(key)
    if entry is None or entry[0] != current:
        return None, key, current, token
    content = entry[1]
    refreshed_parts = content[3] if len(content) > 3 else None
    if extra and refreshed_parts is None and (len(entry) < 3 or entry[2] != token):
        return None, key, current, token
    return content, key, current, token


# The keys each page read the last time this process made it, or refreshed its rows (the
# page's key, with ":refresh" for the rows -> those keys, in order): read in one round trip
# with the first read when it is made or refreshed again.
_reads_of_render = collections.OrderedDict()
RENDERS_REMEMBERED = 1024


@contextlib.contextmanager
def reading_ahead(name):
    """Make the page (or its rows) `name` with what it read last time read ahead
    (config/readahead.py): its parts, their versions, the sidebar and the menu, a round trip
    each, come in one. Parts made since under other versions have other keys, read then as
    before; a block that reads nothing (rows whose copy kept here still holds) reads nothing
    ahead. Not with the file cache, which reads each key on its own however many are asked."""
    ahead = getattr(cache, "reading_ahead", None)
    if ahead is None:
        yield
        return
    with ahead(_reads_of_render.get(name, ())) as asked:
        yield
    if asked:
        fragments.remember(_reads_of_render, name, tuple(asked), RENDERS_REMEMBERED)


def refresh(request, response, token, fill, kwargs):
    """Make a cached page's refreshed parts again if the version they were made under has
    moved on; whether it did (the page is then stored again with them)."""
    parts = getattr(response, "refreshed_parts", None)
    if parts is None or parts["token"] == token:
        return False
    parts = {**parts, "token": token}
    response.refreshed_parts = parts
    with reading_ahead(f"{request.page_key}:refresh"):
        parts["values"] = fill(request, response, **kwargs)
    return True


def settled(token):
    """Whether a page whose refreshed parts were just made again under `token` is worth
    storing again with them: not while its board is being written to (its version changed
    less than BOARD_REFRESH_SETTLE_SECONDS ago). On a busy board the next comment comes
    before most pages are read twice, and storing each page again (the largest cost of a
    refresh: a whole page written to the cache) would be wasted; the parts themselves are
    cached once for every page (fragments.py), so a page that is not stored again costs
    its next reader a cache read, not a render."""
    return invalidation.version_age(token) >= settings.BOARD_REFRESH_SETTLE_SECONDS


def keep_private(response):
    """This page is for the reader asking alone: never stored for others."""
    response.keep_private = True
    return response


def store(key, current, response, token=None):
    if current is not None and response.status_code == 200 and not getattr(response, "keep_private", False):
        # What the member slots need besides the page (its post's author, its comments'
        # authors): set by the view on a page rendered with slots, None otherwise. The
        # content still has its refreshed parts' holes; the parts are kept beside it.
        content = (
            response.content,
            response["Content-Type"],
            getattr(response, "member_slots", None),
            getattr(response, "refreshed_parts", None),
        )
        cache.set(key, (current, content, token), settings.BOARD_PAGE_CACHE_SECONDS)
        fragments.page_stored(key)


def respond(cached):
    content, content_type, *rest = cached  # pages stored before member slots had two parts
    response = HttpResponse(content, content_type=content_type)
    response.member_slots = rest[0] if rest else None
    if len(rest) > 1 and rest[1] is not None:
        response.refreshed_parts = dict(rest[1])
    response["X-Page-Cache"] = "hit"
    return response


def fill(response, values):
    content = response.content
    for name, value in values.items():
        content = content.replace(placeholder(name).encode(), str(value).encode())
    response.content = content
