"""Members and what passes between them: the User row (members.py), 쪽지 and 차단
(messages.py), and 알림 (notifications.py)."""

from .members import WITHDRAWN_NAME, User, can_exchange_messages, display_name_of, shows_staff_badge
from .messages import Message, MessageBlock
from .notifications import Notification

__all__ = [
    "WITHDRAWN_NAME",
    "Message",
    "MessageBlock",
    "Notification",
    "User",
    "can_exchange_messages",
    "display_name_of",
    "shows_staff_badge",
]
