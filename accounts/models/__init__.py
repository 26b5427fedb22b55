"""Members and what passes between them: the User row with its points and level, and the
points' history (members.py), 쪽지 and 차단 (messages.py), 알림 (notifications.py), and the
sign-up documents, consents and e-mail confirmation (signup.py)."""

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
from .signup import (
    CONSENT_KINDS,
    DOCUMENT_KINDS,
    MARKETING,
    PRIVACY,
    REQUIRED_CONSENTS,
    TERMS,
    ConsentRecord,
    EmailConfirmation,
    PolicyDocument,
)

__all__ = [
    "CONSENT_KINDS",
    "DOCUMENT_KINDS",
    "MARKETING",
    "PRIVACY",
    "REQUIRED_CONSENTS",
    "TERMS",
    "ConsentRecord",
    "EmailConfirmation",
    "PolicyDocument",
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
