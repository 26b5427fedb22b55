"""Members and what passes between them: the User row with its points and level, and the
points' history (members.py), 쪽지 and 차단 (messages.py), and 알림 (notifications.py)."""

from .members import (
    MAX_LEVEL,
    MIN_LEVEL,
    WITHDRAWN_NAME,
    PointEntry,
    User,
    can_exchange_messages,
    display_name_of,
    level_for_points,
    level_of,
    shows_staff_badge,
)
from .messages import Message, MessageBlock
from .notifications import Notification

__all__ = [
    "MAX_LEVEL",
    "MIN_LEVEL",
    "WITHDRAWN_NAME",
    "Message",
    "MessageBlock",
    "Notification",
    "PointEntry",
    "User",
    "can_exchange_messages",
    "display_name_of",
    "level_for_points",
    "level_of",
    "shows_staff_badge",
]
