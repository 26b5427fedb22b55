"""포인트: every change of a member's points, each with its history row.

The balance on the member's row (User.points) moves with F() in the same transaction as the
PointEntry row that explains it, so the balance is always the sum of the history; `recount`
(counters.recount_points) repairs it if anything ever wrote one without the other. The
level beside a name follows from the balance (accounts.models.level_for_points).

Taking points back (a deleted post or comment, a cancelled 추천) adds a negative row rather
than deleting the old one: the history says what happened, and it still sums to the balance.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from accounts.models import PointEntry


def award_points(*, member_id, amount, reason, post_id=None, comment_id=None, memo=""):
    """Add (or with a negative amount take) points, with the history row. Returns the row,
    or None when there is nothing to record (no member, a zero amount). Inside the caller's
    transaction when there is one: the points stand or fall with the write that earned them
    (no savepoint of their own: two statements fewer on every comment and 추천)."""
    if member_id is None or not amount:
        return None
    with transaction.atomic(savepoint=False):
        entry = PointEntry.objects.create(
            member_id=member_id, amount=amount, reason=reason, post_id=post_id, comment_id=comment_id, memo=memo
        )
        get_user_model().objects.update_by_ids([member_id], points=F("points") + amount)
    return entry


def take_back_points(*, member_id, post=None, comment=None):
    """What a member earned through this post (writing it, 추천 it received) or this comment,
    taken back when it is deleted. The net of its rows, so doing it twice takes nothing."""
    if member_id is None:
        return None
    rows = PointEntry.objects.filter(member_id=member_id)
    if comment is not None:
        rows, post_id, memo = rows.filter(comment_id=comment.pk), comment.post_id, "삭제된 댓글"
    else:
        rows, post_id, memo = rows.filter(post_id=post.pk, comment_id=None), post.pk, "삭제된 글"
    with transaction.atomic():
        earned = rows.aggregate(total=Sum("amount"))["total"] or 0
        if earned <= 0:
            return None
        return award_points(
            member_id=member_id,
            amount=-earned,
            reason=PointEntry.TAKEN_BACK,
            post_id=post_id,
            comment_id=comment.pk if comment is not None else None,
            memo=memo,
        )


def award_daily_login(*, member, now=None):
    """The first login of the day (local time) earns BOARD_POINTS_DAILY_LOGIN once. The
    member's row is locked first, so two logins at the same moment award it once."""
    amount = settings.BOARD_POINTS_DAILY_LOGIN
    if not amount or member is None:
        return None
    now = now or timezone.now()
    start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=member.pk).values_list("pk", flat=True).first()
        if PointEntry.objects.filter(member_id=member.pk, reason=PointEntry.LOGIN, created_at__gte=start).exists():
            return None
        return award_points(member_id=member.pk, amount=amount, reason=PointEntry.LOGIN)


def points_for_vote(*, post, change):
    """추천 received: `change` +1 (a new 추천) or -1 (cancelled or switched to 비추천)."""
    if not change or post.author_id is None:
        return None
    amount = post.board.points_vote_received
    if change > 0:
        return award_points(member_id=post.author_id, amount=amount, reason=PointEntry.VOTE, post_id=post.pk)
    return award_points(
        member_id=post.author_id, amount=-amount, reason=PointEntry.TAKEN_BACK, post_id=post.pk, memo="추천 취소"
    )


def adjust_points(*, member, amount, memo, moderator):
    """운영진's correction (admin), with who did it in the memo."""
    return award_points(
        member_id=member.pk, amount=amount, reason=PointEntry.ADJUSTED, memo=f"{memo} ({moderator.display_name})"[:200]
    )
