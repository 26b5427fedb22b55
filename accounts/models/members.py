import bisect
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from board import invalidation
from config.precompiled import compiled_rows

WITHDRAWN_NAME = "탈퇴한 회원"


class MemberQuerySet(models.QuerySet):
    def update(self, **kwargs):
        """QuerySet.update, which also moves the version of each changed member's row kept
        for their pages (accounts/sessionmember.py): 포인트, unread counts and a ban are
        written this way, and a member must see them on their next page."""
        # The ids first: an update that changes what its filter matches (a recount) would
        # find none of them after it.
        ids = list(self.values_list("pk", flat=True))
        changed = super().update(**kwargs)
        invalidation.member_rows_changed(ids)
        return changed

    def update_by_ids(self, ids, **kwargs):
        """update(**kwargs) of the members with these ids (포인트, an unread count), whose
        versions move without the SELECT that update() makes to learn whom it changed."""
        ids = list(ids)
        changed = models.QuerySet.update(self.filter(pk__in=ids), **kwargs)
        invalidation.member_rows_changed(ids)
        return changed


class MemberManager(UserManager.from_queryset(MemberQuerySet)):
    def for_session(self, pk):
        """The member with this id, or None: the lookup behind every logged-in request
        (accounts.backends.MemberBackend), its SQL compiled once (config/precompiled.py)."""
        rows = compiled_rows("member-for-session", lambda pk: self.filter(pk=pk), [int(pk)], using=self.db)
        # Every concrete field, in the model's order: from_db takes them by position.
        return self.model.from_db(self.db, None, rows[0]) if rows else None


def display_name_of(user):
    """작성자 as pages show it; a deleted account (author set to NULL) reads as withdrawn."""
    return user.display_name if user is not None else WITHDRAWN_NAME


def can_exchange_messages(user):
    """Whether a member may send or receive 쪽지: active (not banned) and not withdrawn."""
    return user is not None and user.is_active and user.withdrawn_at is None


def shows_staff_badge(user):
    """Whether the 운영진 badge goes beside this member's name: staff, still active, not
    withdrawn. Only fields of the member's own row, so no query."""
    return user is not None and user.is_staff and user.is_active and user.withdrawn_at is None


MIN_LEVEL, MAX_LEVEL = 1, 10


def level_for_points(points):
    """Lv.1 … Lv.10 by the thresholds in settings (where Lv.2 … Lv.10 begin)."""
    return MIN_LEVEL + bisect.bisect_right(settings.BOARD_LEVEL_THRESHOLDS, points)


def level_of(user):
    """The member's level; 0 for a visitor (below every board's Lv.1)."""
    if user is None or not user.is_authenticated:
        return 0
    return user.level


class User(AbstractUser):
    """A member. The 닉네임 is what every page shows as 작성자; the username is the login."""

    nickname = models.CharField("닉네임", max_length=20, unique=True)
    withdrawn_at = models.DateTimeField("탈퇴일", null=True, blank=True)
    # The member's last 닉네임 change (not the one chosen at 회원가입): the next is allowed
    # BOARD_NICKNAME_CHANGE_DAYS later, so a name cannot be swapped to dodge a reputation.
    nickname_changed_at = models.DateTimeField("닉네임 변경일", null=True, blank=True, editable=False)
    # The balance of the member's PointEntry rows, kept on the row every page loads anyway
    # (the level beside a name costs no query). Moved only with F() in the transaction that
    # adds the history row (board/services/points.py); `recount` repairs it.
    points = models.IntegerField("포인트", default=0, editable=False)
    # 운영진 may set a level by hand (a trusted newcomer, a demoted spammer); empty: the
    # level follows the points (BOARD_LEVEL_THRESHOLDS).
    level_override = models.PositiveSmallIntegerField(
        "레벨 직접 지정",
        null=True,
        blank=True,
        validators=[MinValueValidator(MIN_LEVEL), MaxValueValidator(MAX_LEVEL)],
        help_text="비워 두면 포인트에 따라 정해집니다.",
    )
    # The header's 쪽지 and 알림 counts, on the row every request loads anyway, so the pages
    # members share fill them with no query (board/memberslots.py). Moved with F() by the
    # services that change them (accounts/messaging.py, accounts/notifying.py); `manage.py
    # recount` rebuilds them from the rows.
    unread_message_count = models.PositiveIntegerField("읽지 않은 쪽지", default=0, editable=False)
    unread_notification_count = models.PositiveIntegerField("읽지 않은 알림", default=0, editable=False)
    # 알림 kinds the member switched off in 마이메뉴 (Notification.KINDS' keys).
    muted_notifications = models.JSONField("받지 않는 알림", default=list, blank=True, editable=False)

    objects = MemberManager()

    REQUIRED_FIELDS = ["email", "nickname"]

    class Meta:
        verbose_name = "회원"
        verbose_name_plural = "회원"
        permissions = [("ban_user", "회원을 정지하고 글·댓글을 정리할 수 있음")]
        constraints = [
            # Korean boards treat "Admin" and "admin" as the same member.
            models.UniqueConstraint(Lower("username"), name="user_username_ci_unique"),
            models.UniqueConstraint(Lower("nickname"), name="user_nickname_ci_unique"),
            models.UniqueConstraint(Lower("email"), condition=~models.Q(email=""), name="user_email_ci_unique"),
        ]

    def __str__(self):
        return self.nickname or self.username

    @property
    def display_name(self):
        return WITHDRAWN_NAME if self.withdrawn_at else self.nickname

    @property
    def level(self):
        return self.level_override or level_for_points(self.points)

    def next_nickname_change(self):
        """When this member may change their 닉네임 again (None: now)."""
        if self.nickname_changed_at is None:
            return None
        allowed = self.nickname_changed_at + timedelta(days=settings.BOARD_NICKNAME_CHANGE_DAYS)
        return allowed if allowed > timezone.now() else None


class PointEntry(models.Model):
    """One change of a member's points and why: the history in 마이메뉴 → 포인트. The
    member's `points` is always the sum of these (board/services/points.py)."""

    POST, COMMENT, VOTE, LOGIN, TAKEN_BACK, ADJUSTED = "post", "comment", "vote", "login", "taken_back", "adjusted"
    REASON_CHOICES = [
        (POST, "글 작성"),
        (COMMENT, "댓글 작성"),
        (VOTE, "추천 받음"),
        (LOGIN, "오늘 첫 로그인"),
        (TAKEN_BACK, "삭제·취소로 회수"),
        (ADJUSTED, "운영진 조정"),
    ]

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="point_entries", verbose_name="회원"
    )
    amount = models.IntegerField("포인트")
    reason = models.CharField("사유", max_length=20, choices=REASON_CHOICES)
    # What it was for: a post, a comment of a post, or nothing (a login, an adjustment).
    post = models.ForeignKey(
        "board.Post", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="글"
    )
    comment = models.ForeignKey(
        "board.Comment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="댓글"
    )
    memo = models.CharField("메모", max_length=200, blank=True)
    created_at = models.DateTimeField("일시", default=timezone.now)

    class Meta:
        verbose_name = "포인트 내역"
        verbose_name_plural = "포인트 내역"
        indexes = [
            # 마이메뉴 → 포인트 (newest first) and the daily-login check.
            models.Index(fields=["member", "-created_at", "-id"], name="point_member_idx"),
        ]

    def __str__(self):
        return f"{self.get_reason_display()} {self.amount:+d}"
