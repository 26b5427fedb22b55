"""Denormalised counters rebuilt from rows, and 인기검색어 counts and stop words."""

import hashlib
import re

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Message, Notification, PointEntry, User

from .. import invalidation, search
from ..models import Attachment, Board, Comment, CommentVote, Post, PostVote, SearchTerm


def _count_of(queryset, field):
    """A correlated COUNT for UPDATE ... SET counter = (SELECT COUNT(*) ...), 0 when none."""
    counted = queryset.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), Value(0))


def recount_counters(*, posts=None):
    """Set denormalised counters from the rows themselves (views are kept: no rows record
    them). Returns how many rows were wrong, per counter.

    A few set-based UPDATEs, so it stays fast at 100,000 posts.
    """
    every_post = posts is None
    posts = Post.objects.all() if every_post else posts
    truths = {
        "comment_count": _count_of(Comment.objects.visible(), "post"),
        "upvote_count": _count_of(PostVote.objects.filter(value=PostVote.UP), "post"),
        "downvote_count": _count_of(PostVote.objects.filter(value=PostVote.DOWN), "post"),
        "attachment_count": _count_of(Attachment.objects.all(), "post"),
    }
    board_truth = _count_of(Post.objects.visible(), "board")
    comments = Comment.objects.all() if posts is None else Comment.objects.filter(post__in=posts)
    # Only a comment with a count or a vote can be wrong: a set-based filter instead of a
    # COUNT per comment of a 100,000-post site.
    comments = comments.filter(Q(upvote_count__gt=0) | Q(pk__in=CommentVote.objects.values("comment_id")))
    comment_vote_truth = _count_of(CommentVote.objects.all(), "comment")
    with transaction.atomic():
        fixed = {
            field: posts.annotate(truth=truth).exclude(**{field: F("truth")}).count() for field, truth in truths.items()
        }
        fixed["post_count"] = Board.objects.annotate(truth=board_truth).exclude(post_count=F("truth")).count()
        fixed["comment_upvote_count"] = (
            comments.annotate(truth=comment_vote_truth).exclude(upvote_count=F("truth")).count()
        )
        if any(fixed[field] for field in truths):
            posts.update(**truths)
        if fixed["post_count"]:
            Board.objects.update(post_count=board_truth)
        if fixed["comment_upvote_count"]:
            comments.update(upvote_count=comment_vote_truth)
        fixed["points"] = recount_points()
        if any(fixed.values()):
            invalidation.everything_changed()
        if every_post:
            fixed.update(recount_member_counters())
    return fixed


def recount_member_counters():
    """The header's unread 쪽지 and 알림 counts on each member's row, from the rows (they
    are printed from the member's own row, so no page needs invalidating)."""
    truths = {
        "unread_message_count": _count_of(
            Message.objects.filter(recipient_deleted=False, read_at__isnull=True), "recipient"
        ),
        "unread_notification_count": _count_of(Notification.objects.filter(read_at__isnull=True), "recipient"),
    }
    fixed = {}
    for field, truth in truths.items():
        wrong = User.objects.annotate(truth=truth).exclude(**{field: F("truth")})
        fixed[field] = wrong.count()
        if fixed[field]:
            User.objects.filter(pk__in=wrong.values("pk")).update(**{field: truth})
    return fixed


def recount_points():
    """Set each member's points to the sum of their history (PointEntry); returns how many
    balances were wrong. Levels follow the balance, so a repaired balance repairs them too."""
    summed = PointEntry.objects.filter(member=OuterRef("pk")).order_by().values("member").annotate(n=Sum("amount"))
    truth = Coalesce(Subquery(summed.values("n")), Value(0))
    members = get_user_model().objects.annotate(truth=truth)
    wrong = members.exclude(points=F("truth")).count()
    if wrong:
        get_user_model().objects.update(points=truth)
    return wrong


# Typed markup or code is not a topic: "<script>", "{{7*7}}" or "x=1;" never become
# 인기검색어 (R&D, TCP/IP and C++ still may).
MARKUP_CHARACTERS = re.compile(r"[<>{}\[\]\"`\\=;]")
MIN_TERM_LENGTH = 2


def countable_search(query):
    """Whether a search may count for 인기검색어: no markup characters typed, and at least
    MIN_TERM_LENGTH letters or digits."""
    return not MARKUP_CHARACTERS.search(query.text) and len("".join(query.terms)) >= MIN_TERM_LENGTH


def record_search(query, *, client):
    """Count a search for 인기검색어: the normalised words only, nothing about the reader
    in the database. `client` (an opaque hash) lets each reader count a term once a day,
    so a day's count is of different readers, and reloading a results page cannot push a
    term up the list (sidebar.py shows a term once BOARD_POPULAR_TERM_MIN_SEARCHERS readers
    searched it on one day).

    One UPSERT (SQLite and PostgreSQL speak the same ON CONFLICT), so concurrent searches
    for the same words never lose a count.
    """
    if not countable_search(query):
        return
    term = " ".join(query.terms)[:100]
    day = timezone.localdate()
    if not cache.add(f"searched:{day}:{client}:{hashlib.sha256(term.encode()).hexdigest()[:16]}", 1, 86_400):
        return
    table = SearchTerm._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (day, term, count) VALUES (%s, %s, 1) "
            f"ON CONFLICT (day, term) DO UPDATE SET count = {table}.count + 1",
            [day, term],
        )


def save_stop_word(*, stop_word):
    """Add or change a 인기검색어 stop word (admin); the sidebar on every page shows the list."""
    with transaction.atomic():
        stop_word.word = " ".join(search.normalise(stop_word.word).split())
        stop_word.save()
        invalidation.search_terms_changed()
    return stop_word


def delete_stop_word(*, stop_word):
    with transaction.atomic():
        stop_word.delete()
        invalidation.search_terms_changed()
