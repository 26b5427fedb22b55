"""쪽지 (private messages between members) and 차단.

A message is one row seen from two boxes: the sender's 보낸 쪽지함 and the recipient's 받은
쪽지함. Deleting it from one box only marks that side, so the other keeps their copy; the
row goes when both sides have deleted it. Moderators never read a message unless its
recipient reported it (the admin shows only reported ones' text).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class MessageQuerySet(models.QuerySet):
    def inbox_of(self, user):
        return self.filter(recipient=user, recipient_deleted=False)

    def sent_by(self, user):
        return self.filter(sender=user, sender_deleted=False)

    def unread(self):
        return self.filter(read_at__isnull=True)

    def reported(self):
        return self.filter(reported_at__isnull=False)

    def for_box(self):
        """A page of a box: newest first, both names with the row (one query)."""
        return self.select_related("sender", "recipient").order_by("-id")


class Message(models.Model):
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sent_messages", verbose_name="보낸 회원"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="received_messages", verbose_name="받는 회원"
    )
    body = models.TextField("내용")
    created_at = models.DateTimeField("보낸 시각", db_index=True)
    read_at = models.DateTimeField("읽은 시각", null=True, blank=True)
    sender_deleted = models.BooleanField("보낸 쪽지함에서 삭제", default=False)
    recipient_deleted = models.BooleanField("받은 쪽지함에서 삭제", default=False)
    reported_at = models.DateTimeField("신고 시각", null=True, blank=True)
    report_reason = models.CharField("신고 사유", max_length=500, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = "쪽지"
        verbose_name_plural = "쪽지"
        indexes = [
            # Each box's page: its member's messages newest first, deleted ones left out.
            models.Index(fields=["recipient", "-id"], condition=Q(recipient_deleted=False), name="message_inbox_idx"),
            models.Index(fields=["sender", "-id"], condition=Q(sender_deleted=False), name="message_sent_idx"),
        ]

    def __str__(self):
        return f"쪽지 #{self.pk}"


class MessageBlock(models.Model):
    """차단: `blocked` can no longer send 쪽지 to `blocker`."""

    blocker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="message_blocks", verbose_name="차단한 회원"
    )
    blocked = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="차단된 회원"
    )
    created_at = models.DateTimeField("차단일", auto_now_add=True)

    class Meta:
        verbose_name = "쪽지 차단"
        verbose_name_plural = "쪽지 차단"
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="message_block_unique"),
            models.CheckConstraint(condition=~Q(blocker=models.F("blocked")), name="message_block_not_self"),
        ]

    def __str__(self):
        return f"{self.blocker} → {self.blocked}"
