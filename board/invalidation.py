"""What a write makes stale, in one place.

Services call these after they change rows; nothing else bumps a cached page or forgets a
cached block. The page cache (pagecache.py) and the sidebar (sidebar.py) both read the names
defined here, and this module imports neither of them.

Cached anonymous pages are keyed by *versions*: the site (홈, 새글, 전체 검색), each board by
slug (its list pages), each post's article and its comments, plus "all", which every page depends on. A
post's row in the lists has a version of its own, which a 추천 changes and its article's
does not: the article shows its counts from the row (views/parts.refreshed_rows).
Each board also has a *listing* version, for which posts it lists in which order and how
many: a comment or a 추천 changes a row's counts but not that, so the pages' shells (the
page around its rows, fragments.py) outlive it.
A write replaces the versions of what it changed with new random tokens, so every page made
under the old ones stops matching at once; nothing waits for a timeout. A version is a
token, never a counter: one lost from the cache (evicted, a Redis restart) comes back as a
new token, so an old page can never match it again, and two writers need no atomic step.
A token starts with the time it was made, so a page can tell a board being written to
(pagecache.settled).

Each change is applied now and again when the transaction commits: a reader who renders
from the old rows between the two stores a page under the first new version, which the
second one retires.

| change | stale |
|---|---|
| post written or edited | its article and comments, its board's lists and listing, 홈/새글/검색 |
| post deleted or moved | as written, plus the sidebar (인기글, 최근 댓글) |
| post voted on | its row (its article takes its counts from it), its board's lists, 홈/새글/검색, the voter's votes |
| comment written, edited, deleted | as a vote, plus its post's comments, 최근 댓글 (rebuilt by the writer at commit) |
| comment 추천ed or un-추천ed | its post's comments (its count, 베스트 댓글; lists show neither), the voter's votes |
| 말머리 added, renamed or removed | the menu (it keeps each board's 말머리), every page (rows show the name) |
| post moved | as a post deleted, in both boards |
| board added or renamed, its levels changed | the menu, every page |
| 닉네임, 탈퇴, ban, content restored, staff status (the 운영진 badge) | every page, the sidebar (names everywhere) |
| any moderation action | every page, the sidebar (인기글 and 최근 댓글 must drop hidden items) |
| search index rebuilt, counters recounted | every page |
| 인기검색어 stop word added, changed or removed | every page, the sidebar's 인기 blocks |
| a member's row saved, updated or deleted (포인트, unread counts, ban) | their kept row (accounts/sessionmember.py) |
"""

import secrets
import time

from django.core.cache import cache
from django.db import transaction

VERSION_KEY_PREFIX = "pagecache:version:"
EVERYTHING = "all"
SITE = "site"

# ":2": the menu is kept with each board's 말머리 since they came.
MENU_KEY = "board:menu:2"
# ":2": the blocks are kept with their HTML since the member pages work (an older entry has none).
SIDEBAR_POPULAR_KEY = "board:sidebar:popular:2"
SIDEBAR_RECENT_COMMENTS_KEY = "board:sidebar:recent-comments:2"
SIDEBAR_KEYS = (SIDEBAR_POPULAR_KEY, SIDEBAR_RECENT_COMMENTS_KEY)


def version_key(name):
    return f"{VERSION_KEY_PREFIX}{name}"


def new_version():
    # The time it was made leads (in milliseconds, hex), so a page can tell how long ago
    # its board was last written to (version_age); the rest is random.
    return f"{int(time.time() * 1000):011x}{secrets.token_hex(5)}"


def version_age(token):
    """Seconds since `token` was made (a token from before they carried the time: long ago)."""
    if not isinstance(token, str) or len(token) != 21:
        return float("inf")
    try:
        made = int(token[:11], 16) / 1000
    except ValueError:
        return float("inf")
    return max(time.time() - made, 0.0)  # another machine's clock a little ahead: just now


def post_version(post_id):
    """A post's row in its board's lists (its title, 말머리, counts)."""
    return f"post:{post_id}"


def article_version(post_id):
    """A post's article: everything of the post but its comments (comments_version) and its
    추천/비추천 and 댓글 counts, which its page fills in from its row and from the post
    (views/parts.refreshed_rows, views/reading.with_count_holes), so neither a vote nor a
    comment retires the article."""
    return f"article:{post_id}"


def comments_version(post_id):
    """A post's page of comments (and its 댓글 count, a hole in its article): a comment or
    a 댓글 추천 moves this, not the article's version, so the article part and the page's
    shell outlive them."""
    return f"comments:{post_id}"


def board_version(slug):
    return f"board:{slug}"


def listing_version(slug):
    return f"listing:{slug}"


def _apply(versions=(), forget=()):
    if versions:
        cache.set_many({version_key(name): new_version() for name in versions}, timeout=None)
    if forget:
        cache.delete_many(list(forget))


def _now_and_at_commit(versions=(), forget=()):
    versions, forget = tuple(versions), tuple(forget)
    _apply(versions, forget)
    # robust: work after the commit never turns a saved write into an error page (a cache
    # that cannot be reached skips and repairs itself anyway, config/redis_cache.py).
    transaction.on_commit(lambda: _apply(versions, forget), robust=True)


# --- What changed ------------------------------------------------------------------------


def post_changed(post_id, *board_slugs):
    """A post was written or edited: its row and what its board lists."""
    _now_and_at_commit(_post_versions(post_id, board_slugs))


def post_removed(post_id, *board_slugs):
    """A post was deleted or moved (in these boards: both on a move): as post_changed, and
    the sidebar's blocks, whose 인기글 and 최근 댓글 may show it and its comments."""
    _now_and_at_commit(_post_versions(post_id, board_slugs), forget=SIDEBAR_KEYS)


def _post_versions(post_id, board_slugs):
    boards = [version(slug) for slug in board_slugs for version in (board_version, listing_version)]
    return [post_version(post_id), article_version(post_id), comments_version(post_id), *boards, SITE]


def post_counts_changed(post_id, board_slug, *, voter_id=None):
    """A post's 추천/비추천 counts moved: its row (which its article takes its counts from),
    not its article's text or what its board lists. `voter_id`: the member whose vote it was,
    whose kept votes (member_votes_version) move in the same round trip."""
    _now_and_at_commit([post_version(post_id), board_version(board_slug), SITE, *_voter(voter_id)])


def comment_changed(post_id, board_slug, *, rebuild_recent_comments):
    """A comment was written, edited or deleted. The sidebar's 최근 댓글 is left alone until
    the commit (rebuilt before it, it could not hold the comment); at the commit the writer
    makes it again with `rebuild_recent_comments()` (sidebar.py, which the services pass
    in: it imports this module) and only then moves the versions, so no page is stored
    under them with the block from before. The writer makes it once, instead of every
    reader who would find it gone."""
    versions = [post_version(post_id), comments_version(post_id), board_version(board_slug), SITE]
    _apply(versions)
    transaction.on_commit(lambda: (rebuild_recent_comments(), _apply(versions)), robust=True)


def comment_votes_changed(post_id, *, voter_id=None):
    """A comment's 추천 count moved: only the article's comments show it (and 베스트 댓글).
    `voter_id` as for post_counts_changed."""
    _now_and_at_commit([comments_version(post_id), *_voter(voter_id)])


def member_votes_key(member_id, post_id):
    """A member's votes on an article and its comments, as their pages show them pressed
    (memberslots.kept_votes): kept beside the cached page and read with it. Nothing forgets
    it: the value carries the tokens of "all" and of the member's votes (member_votes_version)
    it was read under, so a vote of theirs or a restore or an import (every page retired)
    leaves an old value unused, even one written back late; other members' comments and
    votes leave it as it is."""
    return f"member-votes:{member_id}:{post_id}"


def member_votes_version(member_id):
    """Everything a member has voted (추천/비추천 on posts, 댓글 추천): moved by each of
    their votes and cancellations, nothing else."""
    return f"member-votes:{member_id}"


def member_row_version(member_id):
    """A member's row as their pages' requests take it from the cache
    (accounts/sessionmember.py): moved by every write to the row."""
    return f"member-row:{member_id}"


def member_rows_changed(member_ids):
    """These members' rows were saved, updated or deleted (accounts.models.members)."""
    if member_ids:
        _now_and_at_commit([member_row_version(pk) for pk in member_ids])


def _voter(member_id):
    """The member voted or took a vote back: their kept votes (member_votes_key) are stale."""
    return [member_votes_version(member_id)] if member_id is not None else []


def categories_changed():
    """A 말머리 was added, renamed or removed: list rows on every kind of page show it, and
    the cached menu holds each board's (sidebar.board_categories)."""
    _now_and_at_commit([EVERYTHING], forget=[MENU_KEY])


def board_changed():
    """A board was added, renamed or removed: the menu on every page shows it."""
    _now_and_at_commit([EVERYTHING], forget=[MENU_KEY])


def member_changed():
    """A member's name or standing changed (닉네임, 탈퇴, ban): their name is on every kind
    of page, so everything is made again."""
    everything_changed()


def moderation_changed():
    """Something was hidden, restored or pinned by 운영진 or by reports."""
    everything_changed()


def search_terms_changed():
    """The 인기검색어 stop list changed: the sidebar, on every page, shows the terms."""
    _now_and_at_commit([EVERYTHING], forget=[SIDEBAR_POPULAR_KEY])


def everything_changed():
    _now_and_at_commit([EVERYTHING], forget=SIDEBAR_KEYS)
