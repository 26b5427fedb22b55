"""알림: making them inside the write that causes them, reading them, and @닉네임 mentions.

Board services (a comment, a post, a moderator's hide or restore) and the 쪽지 services call
`notify()` inside their own transaction, so a notification exists exactly when its cause
does. Each recipient's `unread_notification_count` moves with F() in the same transaction;
the header prints it from the member's row (board/memberslots.py).

This module imports only the member models, so board/services/ can use it without a cycle.
"""

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest, Lower
from django.urls import reverse
from django.utils import timezone

from board import markup

from .models import Notification, User, can_exchange_messages

TEXT_LENGTH = 200
# @닉네임 (markup.MENTION): a name of word characters (Hangul, letters, digits, _) and inner
# dots or hyphens, not after a word character (me@example.com mentions no one).
MENTION = markup.MENTION
MAX_MENTIONS = 10  # names looked up per text: a comment listing 500 names notifies ten


def _short(text, length=60):
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[: length - 1] + "…"


def notify(*, kinds_by_recipient, actor=None, post=None, comment=None, message=None, text):
    """One notification per recipient, of the first kind in their list they have not
    switched off: a reply that also mentions its parent's author notifies them once.
    `kinds_by_recipient` is {user id: [kind, …]}. The actor, members who cannot receive
    anything (banned, withdrawn) and muted kinds are left out. Two queries plus one
    INSERT, however many recipients."""
    ids = [pk for pk in kinds_by_recipient if pk is not None and (actor is None or pk != actor.pk)]
    if not ids:
        return []
    recipients = User.objects.filter(pk__in=ids).only("pk", "is_active", "withdrawn_at", "muted_notifications")
    rows = []
    for member in recipients:
        if not can_exchange_messages(member):
            continue
        kind = next((k for k in kinds_by_recipient[member.pk] if k not in (member.muted_notifications or [])), None)
        if kind is None:
            continue
        rows.append(
            Notification(
                recipient_id=member.pk,
                kind=kind,
                actor=actor,
                post=post,
                comment=comment,
                message=message,
                text=text[:TEXT_LENGTH],
            )
        )
    if rows:
        Notification.objects.bulk_create(rows)
        User.objects.update_by_ids(
            [row.recipient_id for row in rows], unread_notification_count=F("unread_notification_count") + 1
        )
    return rows


# --- What causes one ---------------------------------------------------------------------


def notify_comment(*, comment, post, mentioned=()):
    """A new comment: the post's author (내 글에 댓글), the parent comment's author (내 댓글에
    답글), and members it mentions."""
    kinds = {}
    if comment.parent_id is not None:
        kinds.setdefault(comment.parent.author_id, []).append(Notification.REPLY_COMMENT)
    kinds.setdefault(post.author_id, []).append(Notification.REPLY_POST)
    for member in mentioned:
        kinds.setdefault(member.pk, []).append(Notification.MENTION)
    kinds.pop(None, None)
    who = comment.author.display_name if comment.author_id else "누군가"
    return notify(
        kinds_by_recipient=kinds,
        actor=comment.author,
        post=post,
        comment=comment,
        text=f"{who}: {_short(comment.body)} — {_short(post.title, 40)}",
    )


def notify_mentions(*, post, mentioned, comment=None):
    """@닉네임 in a post, or in an edited comment (a new comment's go with notify_comment)."""
    item = comment or post
    kinds = {member.pk: [Notification.MENTION] for member in mentioned}
    who = item.author.display_name if item.author_id else "누군가"
    where = "댓글" if comment is not None else "글"
    return notify(
        kinds_by_recipient=kinds,
        actor=item.author,
        post=post,
        comment=comment,
        text=f"{who}님이 {where}에서 회원님을 언급했습니다: {_short(post.title, 60)}",
    )


def notify_moderation(*, author_id, post=None, comment=None, hidden, by_reports=False):
    """운영진 hid or restored a member's post or comment (the moderator's name is not shown),
    or reports hid it automatically (BOARD_AUTO_HIDE_REPORTS)."""
    what = "글" if comment is None else "댓글"
    title = (post or comment.post).title
    if by_reports:
        return notify(
            kinds_by_recipient={author_id: [Notification.MODERATION]},
            post=post if post is not None else comment.post,
            comment=comment,
            text=f"신고가 쌓여 회원님의 {what}이 운영진 확인 전까지 숨겨졌습니다: {_short(title, 60)}",
        )
    done = "숨겼습니다" if hidden else "다시 보이게 했습니다"
    return notify(
        kinds_by_recipient={author_id: [Notification.MODERATION]},
        post=post if post is not None else comment.post,
        comment=comment,
        text=f"운영진이 회원님의 {what}을 {done}: {_short(title, 60)}",
    )


def notify_message(*, message):
    return notify(
        kinds_by_recipient={message.recipient_id: [Notification.MESSAGE]},
        actor=message.sender,
        message=message,
        # Not the text: 알림 rows are visible in admin, and 쪽지 are private.
        text=f"{message.sender.display_name}님이 쪽지를 보냈습니다.",
    )


# --- Reading them ------------------------------------------------------------------------


def mark_notification_read(*, user, notification):
    with transaction.atomic():
        if Notification.objects.filter(pk=notification.pk, recipient=user, read_at__isnull=True).update(
            read_at=timezone.now()
        ):
            _uncount(user, 1)


def mark_all_notifications_read(*, user):
    with transaction.atomic():
        _uncount(user, Notification.objects.of(user).unread().update(read_at=timezone.now()))


def mark_message_notifications_read(*, user, message):
    """Reading a 쪽지 reads its 알림 too."""
    _uncount(user, Notification.objects.of(user).unread().filter(message=message).update(read_at=timezone.now()))


def set_muted_notifications(*, user, kinds):
    with transaction.atomic():
        user.muted_notifications = [kind for kind in Notification.KINDS if kind in set(kinds)]
        user.save(update_fields=["muted_notifications"])


def _uncount(user, n):
    if n:
        # Never below zero: a count repaired by recount meanwhile may be smaller than n.
        User.objects.update_by_ids(
            [user.pk], unread_notification_count=Greatest(F("unread_notification_count") - n, Value(0))
        )
        user.unread_notification_count = max(0, user.unread_notification_count - n)


# --- @닉네임 ----------------------------------------------------------------------------


def find_mentions(text):
    """The members a text mentions, as {lower-cased 닉네임: member} for markup's links. A
    Korean particle may follow the name (@철수님, @영희에게), so each mention is looked up
    with its possible endings cut off, longest first (markup picks the longest known)."""
    candidates = set()
    for word in MENTION.findall(text or "")[:MAX_MENTIONS]:
        for end in range(len(word), 1, -1):
            candidates.add(word[:end].lower())
    if not candidates:
        return {}
    members = (
        User.objects.annotate(key=Lower("nickname"))
        .filter(key__in=candidates, is_active=True, withdrawn_at__isnull=True)
        .only("pk", "username", "nickname")
    )
    return {member.nickname.lower(): member for member in members}


def mention_links(mentions):
    """{lower-cased 닉네임: profile address} for markup.render_*(mentions=…)."""
    return {key: reverse("profile", args=[member.username]) for key, member in mentions.items()}


def mentions_in(text):
    """What a saving service renders a text with: (markup.Mentions, {닉네임 key: member}).
    No query when the text has no @."""
    found = find_mentions(text) if "@" in (text or "") else {}
    return markup.Mentions(mention_links(found)), found


def mentioned(mentions, found, *, before=""):
    """The members the rendered text links to, less those the text `before` an edit
    already named (an edit notifies only newly mentioned members)."""
    named_before = {word.lower() for word in MENTION.findall(before or "")}
    named_before |= {w[:end] for w in named_before for end in range(2, len(w))}
    return [found[key] for key in sorted(mentions.linked) if key not in named_before]
