"""알림: what happened to a member's content or mailbox, listed in 마이메뉴 → 알림.

Rows are made by the write that causes them, inside its transaction (accounts/notifying.py),
and carry a short snapshot of what to show (`text`), so the list is one query however the
posts and comments change later.
"""

from django.conf import settings
from django.db import models


class NotificationQuerySet(models.QuerySet):
    def of(self, user):
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)

    def for_list(self):
        """The 알림 page: newest first; each row carries its own text, so no joins."""
        return self.order_by("-id")


class Notification(models.Model):
    REPLY_POST = "reply_post"
    REPLY_COMMENT = "reply_comment"
    MENTION = "mention"
    MODERATION = "moderation"
    MESSAGE = "message"
    KINDS = {
        REPLY_POST: "내 글에 달린 댓글",
        REPLY_COMMENT: "내 댓글에 달린 답글",
        MENTION: "나를 언급한 글·댓글",
        MODERATION: "운영진이 내 글·댓글을 숨기거나 복원",
        MESSAGE: "새 쪽지",
    }

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name="받는 회원"
    )
    kind = models.CharField("종류", max_length=20, choices=list(KINDS.items()))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="한 회원",
    )
    post = models.ForeignKey("board.Post", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    comment = models.ForeignKey("board.Comment", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    message = models.ForeignKey(
        "accounts.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="notifications"
    )
    text = models.CharField("내용", max_length=200)
    created_at = models.DateTimeField("시각", auto_now_add=True)
    read_at = models.DateTimeField("읽은 시각", null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = "알림"
        verbose_name_plural = "알림"
        indexes = [models.Index(fields=["recipient", "-id"], name="notification_list_idx")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.text}"
