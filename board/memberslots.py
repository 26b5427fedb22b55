"""Member slots: the few places where one member's page differs from another's.

A page that members share (pagecache.cached_for_readers) is rendered once with a slot
where each member's own part goes, and each member's response has its slots filled in one
pass over the bytes:

| slot | filled with |
|---|---|
| name | the member's 닉네임 (header, sidebar) |
| csrf | the member's CSRF token (every form's hidden field) |
| key | a new one-time submission key, different in every form (forms.SubmissionKeyField) |
| vote | the article's 추천/비추천 box: this member's vote pressed, or the author's counts |
| post_controls | 수정/삭제 for the article's author, 신고 for everyone else |
| comment:<id> | 수정/삭제 on the member's own comment, 신고 on the others |

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
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape

from .forms import new_submission_key
from .models import PostVote

UNKNOWN_ID = 2147483647  # stands for the id in a URL made once per fill


@functools.cache
def _mark():
    return "@@" + hashlib.sha256(f"member-slot:{settings.SECRET_KEY}".encode()).hexdigest()[:16]


@functools.cache
def _pattern():
    return re.compile(re.escape(_mark().encode()) + rb":([a-z_]+)(?::(\d+))?@@")


def slot(name, arg=None):
    """The text a template prints where a member's own part goes."""
    return f"{_mark()}:{name}@@" if arg is None else f"{_mark()}:{name}:{arg}@@"


def article_slots(post, comments):
    """What an article's slots need: its author, counts and board, and who wrote each
    comment on the page (replies included)."""
    authors = {}
    for comment in comments:
        for item in [comment, *comment.children]:
            if item.pk is not None:
                authors[item.pk] = (item.author_id, item.is_deleted)
    return {
        "post": {
            "pk": post.pk,
            "author_id": post.author_id,
            "upvote_count": post.upvote_count,
            "downvote_count": post.downvote_count,
            "board": {"slug": post.board.slug, "use_downvote": post.board.use_downvote},
        },
        "comments": authors,
    }


def fill(request, response):
    """Fill a shared page's slots for the member asking."""
    if response.status_code != 200:
        return
    page = getattr(response, "member_slots", None) or {}
    filler = _Filler(request, page)
    response.content = _pattern().sub(filler, response.content)


class _Filler:
    """One member's values, each computed the first time a slot asks for it."""

    def __init__(self, request, page):
        self.request, self.user, self.page = request, request.user, page
        self.values = {}

    def __call__(self, match):
        kind, arg = match.group(1).decode(), match.group(2)
        if kind == "key":
            return new_submission_key().encode()
        if kind == "comment":
            return self.comment_controls(int(arg))
        if kind not in self.values:
            make = getattr(self, f"make_{kind}", None)
            self.values[kind] = make().encode() if make else b""
        return self.values[kind]

    def make_name(self):
        return escape(self.user.display_name)

    def make_csrf(self):
        return get_token(self.request)

    def make_vote(self):
        post = self.page["post"]
        my_vote = PostVote.objects.filter(post_id=post["pk"], user=self.user).values_list("value", flat=True).first()
        return render_to_string(
            "board/_vote_box.html",
            {
                "post": post,
                "board": post["board"],
                "user": self.user,
                "is_author": post["author_id"] == self.user.pk,
                "my_vote": my_vote,
                # values hold the bytes put into the page: the token as text here, or the
                # form printed b'…' and every vote on a shared page failed the CSRF check.
                "csrf_token": self.values["csrf"].decode() if "csrf" in self.values else get_token(self.request),
            },
        )

    def make_post_controls(self):
        post = self.page["post"]
        own = post["author_id"] == self.user.pk
        return render_to_string(
            "board/_own_controls.html",
            {"kind": "post", "own": own, "slug": post["board"]["slug"], "pk": post["pk"]},
        )

    def comment_controls(self, pk):
        author_id, deleted = self.page.get("comments", {}).get(pk, (None, True))
        if author_id == self.user.pk:
            if deleted:
                return b""
            return render_to_string("board/_own_controls.html", {"kind": "comment", "own": True, "pk": pk}).encode()
        if "report" not in self.values:
            url = reverse("board:report_comment", args=[UNKNOWN_ID]).replace(str(UNKNOWN_ID), "{}")
            self.values["report"] = f'<a href="{url}">신고</a>'
        return self.values["report"].format(pk).encode()
