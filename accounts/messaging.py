"""쪽지: sending, reading, deleting from one's own box, 차단, and 신고 to moderators.

The recipient's `unread_message_count` (the header's badge) moves with F() in the same
transaction as the rows it counts; `manage.py recount` rebuilds it.
"""

from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from . import notifying
from .models import Message, MessageBlock, User, can_exchange_messages


class MessageRefused(Exception):
    """A 쪽지 that may not be sent; `message` says why, in Korean."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class AlreadyReported(Exception):
    pass


def refusal_for(*, sender, recipient):
    """Why `sender` may not send `recipient` a 쪽지 (a Korean sentence), or None."""
    if not can_exchange_messages(sender):
        return "쪽지를 보낼 수 없는 계정입니다."
    if recipient.pk == sender.pk:
        return "자기 자신에게는 쪽지를 보낼 수 없습니다."
    if not can_exchange_messages(recipient):
        return "탈퇴했거나 이용이 정지된 회원에게는 쪽지를 보낼 수 없습니다."
    if MessageBlock.objects.filter(blocker=recipient, blocked=sender).exists():
        return f"{recipient.display_name}님이 회원님의 쪽지를 차단해 보낼 수 없습니다."
    return None


def send_message(*, sender, recipient, body):
    """A new 쪽지, its 알림, and the recipient's unread count; MessageRefused if the sender
    is blocked, either side is banned or withdrawn, or it is to oneself."""
    with transaction.atomic():
        if reason := refusal_for(sender=sender, recipient=recipient):
            raise MessageRefused(reason)
        message = Message.objects.create(sender=sender, recipient=recipient, body=body, created_at=timezone.now())
        User.objects.update_by_ids([recipient.pk], unread_message_count=F("unread_message_count") + 1)
        notifying.notify_message(message=message)
    return message


def read_message(*, user, message):
    """The recipient opened it: 읽음 time for the sender, one fewer unread, its 알림 read."""
    if message.recipient_id != user.pk or message.read_at is not None:
        return False
    with transaction.atomic():
        now = timezone.now()
        changed = Message.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=now)
        if changed:
            message.read_at = now
            if not message.recipient_deleted:
                _uncount(user)
            notifying.mark_message_notifications_read(user=user, message=message)
    return bool(changed)


def delete_message(*, user, message):
    """Out of this member's own box only: the other side keeps theirs. The row goes once
    both sides have deleted it, unless it was reported (moderators need it)."""
    with transaction.atomic():
        if message.recipient_id == user.pk:
            changed = Message.objects.filter(pk=message.pk, recipient_deleted=False).update(recipient_deleted=True)
            if changed and message.read_at is None:
                _uncount(user)
        elif message.sender_id == user.pk:
            changed = Message.objects.filter(pk=message.pk, sender_deleted=False).update(sender_deleted=True)
        else:
            return False
        Message.objects.filter(pk=message.pk, sender_deleted=True, recipient_deleted=True, reported_at=None).delete()
    return bool(changed)


def block_member(*, blocker, blocked):
    """차단: `blocked` can no longer send `blocker` a 쪽지. Returns False if already blocked."""
    if blocker.pk == blocked.pk:
        return False
    try:
        with transaction.atomic():
            MessageBlock.objects.create(blocker=blocker, blocked=blocked)
    except IntegrityError:
        return False
    return True


def unblock_member(*, blocker, blocked_id):
    with transaction.atomic():
        return MessageBlock.objects.filter(blocker=blocker, blocked_id=blocked_id).delete()[0] > 0


def report_message(*, user, message, reason):
    """신고: only the recipient reports a 쪽지, once; from then on moderators may read it in
    admin (and only then)."""
    if message.recipient_id != user.pk:
        raise Message.DoesNotExist
    with transaction.atomic():
        changed = Message.objects.filter(pk=message.pk, reported_at__isnull=True).update(
            reported_at=timezone.now(), report_reason=reason[:500]
        )
    if not changed:
        raise AlreadyReported
    return True


def dismiss_message_report(*, message):
    """Admin: the report was looked at; the text is private again."""
    with transaction.atomic():
        Message.objects.filter(pk=message.pk).update(reported_at=None, report_reason="")
        Message.objects.filter(pk=message.pk, sender_deleted=True, recipient_deleted=True).delete()


def _uncount(user):
    User.objects.update_by_ids([user.pk], unread_message_count=Greatest(F("unread_message_count") - 1, Value(0)))
    user.unread_message_count = max(0, user.unread_message_count - 1)
