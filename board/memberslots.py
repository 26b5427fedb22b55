"""Member slots: the few places where one member's page differs from another's.

A page that members share (pagecache.cached_for_readers) is rendered once with a slot
where each member's own part goes, and each member's response has its slots filled in one
pass over the bytes:

| slot | filled with |
|---|---|
| name | the member's 닉네임 (header, sidebar) |
| badges | the header's 쪽지 and 알림 links with their unread counts (from the member's row) |
| csrf | the member's CSRF token (every form's hidden field) |
| key | a new one-time submission key, different in every form (forms.SubmissionKeyField) |
| vote | the article's 추천/비추천 box: this member's vote pressed, or the author's counts |
| post_controls | 수정/삭제 for the article's author, 신고 for everyone else |
| comment:<id> | 수정/삭제 on the member's own comment, 신고 on the others |
| comment_vote:<id> | its 추천 button, pressed if this member voted (kept_votes); the count on their own |

The view says what the slots need besides the member (the article's author and counts, the
authors of the comments on the page) in `response.member_slots`; the page cache keeps it
with the page. A slot's mark carries a digest of SECRET_KEY, so text a member writes can
never be taken for a slot (a post that spelled one out would otherwise be filled with each
reader's CSRF token).
"""

import functools
import hashlib
import re

from django.conf import settings
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape, format_html

from . import invalidation
from .forms import new_submission_keys
from .models import member_votes, thread_items

UNKNOWN_ID = 2147483647  # stands for the id in a URL made once per fill
UNKNOWN_COUNT = "@@count@@"  # stands for a comment's 추천 count in markup made once per fill


@functools.cache
def _mark():
    return "@@" + hashlib.sha256(f"member-slot:{settings.SECRET_KEY}".encode()).hexdigest()[:16]


@functools.cache
def _pattern():
    return re.compile(re.escape(_mark().encode()) + rb":([a-z_]+)(?::(\d+))?@@")


def slot(name, arg=None):
    """The text a template prints where a member's own part goes."""
    return f"{_mark()}:{name}@@" if arg is None else f"{_mark()}:{name}:{arg}@@"


def post_slots(post):
    """What an article's own slots need: its author, counts and board."""
    return {
        "post": {
            "pk": post.pk,
            "author_id": post.author_id,
            "upvote_count": post.upvote_count,
            "downvote_count": post.downvote_count,
            "board": {"slug": post.board.slug, "use_downvote": post.board.use_downvote},
        },
    }


def comment_slots(comments):
    """What the slots of a page of comments need: for each (replies included) its author,
    whether it is deleted, and its 추천 count."""
    return {item.pk: (item.author_id, item.is_deleted, item.upvote_count) for item in thread_items(comments)}


CSRF_STANDIN = "@@csrf-token@@"  # in markup made once per process, replaced per member


class _Member:
    is_authenticated = True


UP_STANDIN, DOWN_STANDIN = "@@up@@", "@@down@@"  # a post's counts in markup made once per process


@functools.lru_cache(maxsize=256)
def _vote_box(slug, use_downvote, is_author, my_vote):
    post = {"pk": UNKNOWN_ID, "upvote_count": UP_STANDIN, "downvote_count": DOWN_STANDIN}
    context = {
        "post": post,
        "board": {"slug": slug, "use_downvote": use_downvote},
        "user": _Member(),
        "is_author": is_author,
        "my_vote": my_vote,
        "csrf_token": CSRF_STANDIN,
    }
    return render_to_string("board/_vote_box.html", context)


def vote_box(facts, is_author, my_vote):
    """A member's 추천/비추천 box, made once per process for each board and state (the
    author's, not voted, 추천, 비추천) with stand-ins for the post's id and counts (which a
    추천 changes on every vote) and the member's CSRF token."""
    pk, upvotes, downvotes, slug, use_downvote = facts
    markup = _vote_box(slug, use_downvote, is_author, my_vote)
    return (
        markup.replace(str(UNKNOWN_ID), str(pk))
        .replace(UP_STANDIN, f"{upvotes:,}")
        .replace(DOWN_STANDIN, f"{downvotes:,}")
    )


@functools.cache
def _report_link():
    """신고 under another member's comment, as bytes with %d where its id goes."""
    url = reverse("board:report_comment", args=[UNKNOWN_ID]).replace("%", "%%").replace(str(UNKNOWN_ID), "%d")
    return f'<a href="{url}">신고</a>'.encode()


@functools.lru_cache(maxsize=256)
def own_controls(kind, own, slug=""):
    """수정/삭제 (or 신고) under a post or a comment, made once per process for each kind and
    board, with a stand-in for the id."""
    return render_to_string("board/_own_controls.html", {"kind": kind, "own": own, "slug": slug, "pk": UNKNOWN_ID})


@functools.cache
def comment_vote_button(own, pressed):
    """A comment's 추천 button for a member (their own comment: the count alone), made once
    per process with stand-ins for the comment's id and count and the member's token."""
    context = {
        "state": "own" if own else "member",
        "pressed": pressed,
        "pk": UNKNOWN_ID,
        "count": UNKNOWN_COUNT,
        "csrf_token": CSRF_STANDIN,
    }
    return render_to_string("board/_comment_vote.html", context)


def header_badges(user):
    """The header's 쪽지 and 알림 links, each with its unread count when there is one. Read
    from the member's own row (counters kept by accounts/messaging.py and notifying.py), so
    a shared page fills them with no query."""
    if user is None or not user.is_authenticated:
        return ""
    return _badges(user.unread_message_count, user.unread_notification_count)


@functools.lru_cache(maxsize=512)
def _badges(messages, notifications):
    # Made once per process for each pair of counts: most members have none unread.
    return format_html(
        '<li class="header-badge{}"><a class="header-link header-messages" href="{}">쪽지{}</a></li>'
        '<li class="header-badge{}"><a class="header-link header-notifications" href="{}">알림{}</a></li>',
        " has-unread" if messages else "",
        reverse("accounts:messages"),
        _count(messages, "읽지 않은 쪽지"),
        " has-unread" if notifications else "",
        reverse("accounts:notifications"),
        _count(notifications, "읽지 않은 알림"),
    )


def _count(n, label):
    if not n:
        return ""
    shown = "99+" if n > 99 else str(n)
    return format_html(
        ' <span class="count-badge" title="{} {}개"><span class="visually-hidden">(안 읽음 </span>{}'
        '<span class="visually-hidden">개)</span></span>',
        label,
        n,
        shown,
    )


@functools.cache
def _comment_pattern():
    return re.compile(re.escape(_mark().encode()) + rb":(comment|comment_vote):(\d+)@@")


def prepare(response):
    """A page about to be stored, with each comment's slots filled as most members see them
    (신고, the 추천 button not pressed) and where each went (`spans`, kept in its
    member_slots with the comments by author): a member's fill then rewrites only their own
    comments and those they 추천ed, not every comment of the page. Done once per page made."""
    page = getattr(response, "member_slots", None)
    comments = page and page.get("comments")
    if not comments or "spans" in page:
        return
    content, nobody = response.content, _Filler.for_nobody(page)
    pieces, spans, length, position = [], {}, 0, 0
    for match in _comment_pattern().finditer(content):
        pk, is_vote = int(match.group(2)), match.group(1) == b"comment_vote"
        markup = nobody.comment_vote(pk) if is_vote else nobody.comment_controls(pk)
        pieces += [content[position : match.start()], markup]
        length += match.start() - position
        spans.setdefault(pk, []).append((length, length + len(markup), is_vote))
        length += len(markup)
        position = match.end()
    pieces.append(content[position:])
    by_author = {}
    for pk in spans:
        by_author.setdefault(comments.get(pk, (None,))[0], []).append(pk)
    response.content = b"".join(pieces)
    votes = any(count and count[0] for _, _, *count in comments.values())
    response.member_slots = {**page, "spans": spans, "by_author": by_author, "comment_votes": votes}


def fill(request, response):
    """Fill a shared page's slots for the member asking (whatever the status: a page the
    view answered with a refusal has slots too). Before the page's holes are filled: a
    prepared page's `spans` are places in the page as it was stored."""
    page = getattr(response, "member_slots", None) or {}
    refreshed = getattr(response, "refreshed_parts", None)
    counts = refreshed and refreshed["values"].get("post_counts")
    if counts and "post" in page:  # the counts as they are now, not as when the page was made
        page = {**page, "post": {**page["post"], "upvote_count": counts[0], "downvote_count": counts[1]}}
    filler = _Filler(request, page)
    content = response.content
    if "spans" in page:
        content = filler.own_comments(content)
    # Every form's token and key first, each in one pass over the bytes (an article has a
    # 답글 form under every comment); the slots that need a look at the page's data after.
    csrf = f"{_mark()}:csrf@@".encode()
    if csrf in content:
        content = content.replace(csrf, filler.csrf_token().encode())
    pieces = content.split(f"{_mark()}:key@@".encode())
    if len(pieces) > 1:
        joined = [b""] * (2 * len(pieces) - 1)
        joined[0::2], joined[1::2] = pieces, new_submission_keys(len(pieces) - 1)
        content = b"".join(joined)
    response.content = _pattern().sub(filler, content)


MEMBER_VOTES_SECONDS = 600


def kept_votes_keys(member_id, post_id):
    """What kept_votes reads in the page's lookup: the kept votes, and the version of the
    member's votes, which each of their votes moves (the page itself does not depend on it)."""
    return (
        invalidation.member_votes_key(member_id, post_id),
        invalidation.version_key(invalidation.member_votes_version(member_id)),
    )


def kept_votes(request, post_id):
    """The member's votes on an article (models.member_votes), kept in the cache beside the
    page and read in its lookup (pagecache.lookup, `prefetch`): a member reading an article
    again costs no query for them, whatever others write to it meanwhile. Kept with the
    tokens of every page's version and of the member's votes (each of their votes moves
    it), as the lookup read them: votes read from the rows just before one of the member's
    votes committed, and kept just after it, are never used."""
    key, member_version = kept_votes_keys(request.user.pk, post_id)
    versions = getattr(request, "page_versions", None) or {}
    prefetched = getattr(request, "prefetched", {})
    if key not in prefetched and member_version not in prefetched:
        # Not read with the page (pagecache.lookup_with_session did not know the member yet).
        prefetched = cache.get_many([key, member_version])
    stamp = (versions.get(invalidation.EVERYTHING), prefetched.get(member_version))
    kept = prefetched.get(key)
    if kept is not None and None not in stamp and kept[0] == stamp:
        return kept[1]
    if stamp[1] is None:
        # Never set, or lost: started here, as the pages' versions are (cached_batch). If
        # another process started it first, its token is unknown here and nothing is kept.
        token = invalidation.new_version()
        stamp = (stamp[0], token if cache.add(member_version, token, timeout=None) else None)
    votes = member_votes(request.user, post_id)
    if None not in stamp:
        cache.set(key, (stamp, votes), MEMBER_VOTES_SECONDS)
    return votes


class _Filler:
    """One member's values, each computed the first time a slot asks for it."""

    def __init__(self, request, page):
        self.request, self.user, self.page = request, request.user, page
        # Read once: request.user is a lazy proxy, and every comment's slots ask for the id.
        self.user_id = self.user.pk
        self.comments = page.get("comments", {})
        self.values = {}
        self.token = None
        self.my_votes = None  # (their vote on the post, the ids of the page's comments they 추천ed)
        self.vote_markup = {}

    @classmethod
    def for_nobody(cls, page):
        """The fill of a member who wrote none of the page's comments and 추천ed none, with
        the CSRF token's slot left in (prepare)."""
        filler = cls.__new__(cls)
        filler.user_id, filler.comments, filler.vote_markup = object(), page["comments"], {}
        filler.token, filler.my_votes = _mark() + ":csrf@@", (None, set())
        return filler

    def own_comments(self, content):
        """A prepared page (prepare) with the slots of this member's own comments, and of
        those they 추천ed, filled for them; every other comment's are as stored."""
        page = self.page
        mine = set(page["by_author"].get(self.user_id, ()))
        if page["comment_votes"]:
            mine |= self.votes()[1]
        spans = page["spans"]
        places = sorted((*span, pk) for pk in mine for span in spans.get(pk, ()))
        if not places:
            return content
        pieces, position = [], 0
        for start, end, is_vote, pk in places:
            pieces += [content[position:start], self.comment_vote(pk) if is_vote else self.comment_controls(pk)]
            position = end
        pieces.append(content[position:])
        return b"".join(pieces)

    def __call__(self, match):
        kind, arg = match.group(1, 2)
        if arg is not None:
            if kind == b"comment_vote":
                return self.comment_vote(int(arg))
            if kind == b"comment":
                return self.comment_controls(int(arg))
        kind = kind.decode()
        if kind not in self.values:
            make = getattr(self, f"make_{kind}", None)
            self.values[kind] = make().encode() if make else b""
        return self.values[kind]

    def make_name(self):
        return escape(self.user.display_name)

    def make_badges(self):
        return header_badges(self.user)

    def make_csrf(self):
        return self.csrf_token()

    def csrf_token(self):
        # One per response: get_token masks the secret anew on every call (32 random
        # characters from the system's generator), and every form may carry the same one.
        if self.token is None:
            self.token = get_token(self.request)
        return self.token

    def make_vote(self):
        post = self.page["post"]
        is_author = post["author_id"] == self.user_id
        my_vote = self.votes()[0]
        board = post["board"]
        facts = (post["pk"], post["upvote_count"], post["downvote_count"], board["slug"], board["use_downvote"])
        return vote_box(facts, is_author, my_vote).replace(CSRF_STANDIN, self.csrf_token())

    def votes(self):
        """This member's votes on the page's post and its comments, at the first slot that
        needs them; none where the answer is known: the author cannot vote on their post,
        nobody has voted on a post with no count, and only a comment with a 추천 can hold
        theirs."""
        if self.my_votes is None:
            post = self.page.get("post")
            asks_post = post and post["author_id"] != self.user_id and (post["upvote_count"] or post["downvote_count"])
            asks_comments = self.page.get("comment_votes")
            if asks_comments is None:  # a page stored before prepare()
                asks_comments = any(count and count[0] for _, _, *count in self.comments.values())
            self.my_votes = kept_votes(self.request, post["pk"]) if asks_post or asks_comments else (None, set())
        return self.my_votes

    def make_post_controls(self):
        post = self.page["post"]
        own = post["author_id"] == self.user_id
        return own_controls("post", own, post["board"]["slug"]).replace(str(UNKNOWN_ID), str(post["pk"]))

    def comment_controls(self, pk):
        author_id, deleted, *_ = self.comments.get(pk, (None, True))
        if author_id == self.user_id:
            if deleted:
                return b""
            return own_controls("comment", True).replace(str(UNKNOWN_ID), str(pk)).encode()
        return _report_link() % pk

    def comment_vote(self, pk):
        """The 추천 button of one comment (which of them this member 추천ed: votes()); each
        kind of button is rendered once and copied with its comment's id and count."""
        comments = self.comments
        author_id, deleted, *rest = comments.get(pk, (None, True))
        if deleted:
            return b""
        own, pressed = author_id == self.user_id, pk in self.votes()[1]
        kind = "own" if own else ("pressed" if pressed else "member")
        if kind not in self.vote_markup:
            # Bytes with the id and count as %-fields: each comment's is one formatting.
            markup = comment_vote_button(own, pressed).replace(CSRF_STANDIN, self.csrf_token()).replace("%", "%%")
            markup = markup.replace(str(UNKNOWN_ID), "%(id)d").replace(UNKNOWN_COUNT, "%(count)b")
            self.vote_markup[kind] = markup.encode()
        return self.vote_markup[kind] % {b"id": pk, b"count": f"{rest[0]:,}".encode() if rest else b"0"}
