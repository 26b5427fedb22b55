"""Every change to a member: joining, 닉네임 and e-mail, password, 탈퇴, ban.

A member's name is on every kind of page (작성자, comments, the sidebar), so a change to
how they appear tells board/invalidation.py, and anonymous readers see it at once.
"""

from django.db import transaction
from django.utils import timezone

from board import invalidation
from board.services import hide_member_content, log_moderation
from board.services.points import adjust_points, award_daily_login

from .models import User

# What a page shows of a member: a change to one of these is seen by every reader (the
# 운영진 badge goes by is_staff and is_active).
DISPLAYED_FIELDS = {"nickname", "withdrawn_at", "is_staff", "is_active", "level_override"}
# Moved only with F() next to their history (board/services/points.py): a whole-row save
# from a form loaded earlier must never write an old balance back.
NEVER_SAVED_WHOLE = {"id", "points"}


def register_member(*, username, nickname, email, password):
    with transaction.atomic():
        user = User(username=username, nickname=nickname, email=email)
        user.set_password(password)
        user.save()
    return user


def update_profile(*, user, nickname, email):
    """마이메뉴's 회원 정보. A new 닉네임 starts the wait for the next one
    (BOARD_NICKNAME_CHANGE_DAYS; the form refuses an early one)."""
    with transaction.atomic():
        renamed = nickname != user.nickname
        user.nickname, user.email = nickname, email
        fields = ["nickname", "email"]
        if renamed:
            user.nickname_changed_at = timezone.now()
            fields.append("nickname_changed_at")
        user.save(update_fields=fields)
        if renamed:
            invalidation.member_changed()
    return user


def change_password(*, user, password):
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


def withdraw_member(*, user):
    """회원탈퇴: the account stops working; posts stay, shown as "탈퇴한 회원"."""
    with transaction.atomic():
        user.is_active, user.withdrawn_at = False, timezone.now()
        user.save(update_fields=["is_active", "withdrawn_at"])
        invalidation.member_changed()
    return user


def save_member(*, user, changed_fields=()):
    """A moderator's or superuser's edit in admin (a level set by hand included)."""
    with transaction.atomic():
        if user.pk is None:
            user.save()
        else:
            fields = [f.name for f in User._meta.concrete_fields if f.name not in NEVER_SAVED_WHOLE]
            user.save(update_fields=fields)
        if DISPLAYED_FIELDS & set(changed_fields):
            invalidation.member_changed()
    return user


def ban_member(*, user, moderator, reason=""):
    """정지: the spam clean-up in one step. The account is switched off and every visible
    post and comment of the member is hidden, with every counter moved to match."""
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
        posts, comments = hide_member_content(user=user)
        summary = f"글 {posts}개, 댓글 {comments}개 숨김"
        log_moderation(moderator=moderator, action="ban_user", target=user, reason=f"{reason} ({summary})".strip())
    return posts, comments


def unban_member(*, user, moderator, reason=""):
    with transaction.atomic():
        user.is_active = True
        user.save(update_fields=["is_active"])
        log_moderation(moderator=moderator, action="unban_user", target=user, reason=reason)


def reward_daily_login(*, user):
    """오늘 첫 로그인 points (BOARD_POINTS_DAILY_LOGIN), once a day."""
    return award_daily_login(member=user)


def adjust_member_points(*, user, amount, memo, moderator):
    """운영진's correction of a member's points, in the history like any other change."""
    return adjust_points(member=user, amount=amount, memo=memo, moderator=moderator)
