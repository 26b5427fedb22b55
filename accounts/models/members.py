from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

WITHDRAWN_NAME = "탈퇴한 회원"


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


class User(AbstractUser):
    """A member. The 닉네임 is what every page shows as 작성자; the username is the login."""

    nickname = models.CharField("닉네임", max_length=20, unique=True)
    withdrawn_at = models.DateTimeField("탈퇴일", null=True, blank=True)
    # The member's last 닉네임 change (not the one chosen at 회원가입): the next is allowed
    # BOARD_NICKNAME_CHANGE_DAYS later, so a name cannot be swapped to dodge a reputation.
    nickname_changed_at = models.DateTimeField("닉네임 변경일", null=True, blank=True, editable=False)
    # The header's 쪽지 and 알림 counts, on the row every request loads anyway, so the pages
    # members share fill them with no query (board/memberslots.py). Moved with F() by the
    # services that change them (accounts/messaging.py, accounts/notifying.py); `manage.py
    # recount` rebuilds them from the rows.
    unread_message_count = models.PositiveIntegerField("읽지 않은 쪽지", default=0, editable=False)
    unread_notification_count = models.PositiveIntegerField("읽지 않은 알림", default=0, editable=False)
    # 알림 kinds the member switched off in 마이메뉴 (Notification.KINDS' keys).
    muted_notifications = models.JSONField("받지 않는 알림", default=list, blank=True, editable=False)

    objects = UserManager()

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

    def next_nickname_change(self):
        """When this member may change their 닉네임 again (None: now)."""
        if self.nickname_changed_at is None:
            return None
        allowed = self.nickname_changed_at + timedelta(days=settings.BOARD_NICKNAME_CHANGE_DAYS)
        return allowed if allowed > timezone.now() else None
