"""Every change to a member: joining, 닉네임 and e-mail, password, 탈퇴, ban.

A member's name is on every kind of page (작성자, comments, the sidebar), so a change to
how they appear tells board/invalidation.py, and anonymous readers see it at once.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from board import invalidation
from board.services import hide_member_content, log_moderation
from board.services.points import adjust_points, award_daily_login

from .models import MARKETING, REQUIRED_CONSENTS, ConsentRecord, EmailConfirmation, User

# What a page shows of a member: a change to one of these is seen by every reader (the
# 운영진 badge goes by is_staff and is_active).
DISPLAYED_FIELDS = {"nickname", "withdrawn_at", "is_staff", "is_active", "level_override"}
# Moved only with F() next to their history (board/services/points.py): a whole-row save
# from a form loaded earlier must never write an old balance back.
NEVER_SAVED_WHOLE = {"id", "points"}


def register_member(*, username, nickname, email, password, documents=None, marketing=False):
    """회원가입: the member, the 약관 versions they agreed to (`documents`: kind → the
    PolicyDocument shown, or None where none is in effect), their marketing choice, and,
    when ACCOUNTS_REQUIRE_EMAIL_CONFIRMATION is on, the address they still have to confirm."""
    documents = documents or {}
    with transaction.atomic():
        user = User(username=username, nickname=nickname, email=email)
        user.set_password(password)
        user.save()
        record_signup_consents(user=user, documents=documents, marketing=marketing)
        if settings.ACCOUNTS_REQUIRE_EMAIL_CONFIRMATION:
            EmailConfirmation.objects.create(user=user, email=email)
    return user


def record_signup_consents(*, user, documents, marketing, at=None):
    """The consents given at 회원가입 (also seed_demo's, dated when the member joined)."""
    at = at or timezone.now()
    records = [
        ConsentRecord(user=user, kind=kind, document=documents.get(kind), agreed=True, recorded_at=at)
        for kind in REQUIRED_CONSENTS
    ]
    records.append(ConsentRecord(user=user, kind=MARKETING, agreed=bool(marketing), recorded_at=at))
    with transaction.atomic():
        ConsentRecord.objects.bulk_create(records)


def set_marketing_consent(*, user, agreed):
    """마이메뉴's 마케팅 정보 수신 동의: a new record with its time (the old ones stay)."""
    with transaction.atomic():
        return ConsentRecord.objects.create(user=user, kind=MARKETING, agreed=bool(agreed))


class ConfirmationRefused(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


def confirm_email(*, user_id, email):
    """The confirmation link: the member's address is confirmed if the link names the
    address they are still waiting to confirm; otherwise ConfirmationRefused says why."""
    with transaction.atomic():
        confirmation = EmailConfirmation.objects.select_for_update().filter(user_id=user_id).first()
        if confirmation is None:
            raise ConfirmationRefused("인증할 주소가 없는 링크입니다. 메일에 있는 링크를 그대로 열어 주세요.")
        if confirmation.confirmed_at is not None:
            raise ConfirmationRefused("이미 인증을 마친 이메일입니다. 글과 댓글을 쓸 수 있습니다.")
        if confirmation.email.lower() != email.lower():
            raise ConfirmationRefused(
                "이메일 주소가 바뀌어 더는 쓸 수 없는 링크입니다. 새 주소로 받은 링크를 열어 주세요."
            )
        confirmation.confirmed_at = timezone.now()
        confirmation.save(update_fields=["confirmed_at"])
    return confirmation


def confirm_emails_by_hand(*, confirmations):
    """The admin's action, for a member whose mail never arrives."""
    with transaction.atomic():
        return confirmations.filter(confirmed_at__isnull=True).update(confirmed_at=timezone.now())


def save_policy_document(*, document):
    """The admin's save of a 약관 version (sign-up pages read the current one each time)."""
    with transaction.atomic():
        document.save()
    return document


def note_confirmation_sent(*, confirmation):
    with transaction.atomic():
        confirmation.sent_at = timezone.now()
        confirmation.save(update_fields=["sent_at"])


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
        # A member still confirming confirms the address they have now: links sent to the
        # old one stop working.
        EmailConfirmation.objects.filter(user=user, confirmed_at__isnull=True).update(email=email)
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
