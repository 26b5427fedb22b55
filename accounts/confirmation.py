"""E-mail confirmation: whether a member still has to confirm, and the signed link's token.

A member has to confirm only while ACCOUNTS_REQUIRE_EMAIL_CONFIRMATION is on and they have
an EmailConfirmation row without `confirmed_at` (rows are made at 회원가입 only when the
setting is on): everyone else, imported and older members included, counts as confirmed.

Members share cached pages (board/pagecache.py), so an unconfirmed member must never be
the one whose render is stored for the others (their page has no comment form). Their
session carries SESSION_FLAG from sign-up or login on; the page cache renders pages for a
flagged session alone, and drops the flag once the database says the address is confirmed
(confirmed from another browser, say). Only flagged sessions pay that query.
"""

from django.conf import settings
from django.core import signing
from django.shortcuts import render

from config.precompiled import compiled_rows

from .models import EmailConfirmation

SESSION_FLAG = "accounts.email_unconfirmed"
_SALT = "accounts.email-confirmation"
_MEMO = "_awaiting_email_confirmation"


def awaiting_confirmation(user):
    """Whether this member may not write yet because their address is not confirmed. One
    query per request at most (remembered on the user object), none with the setting off."""
    if not settings.ACCOUNTS_REQUIRE_EMAIL_CONFIRMATION or user is None or not user.is_authenticated:
        return False
    if not hasattr(user, _MEMO):
        pending = bool(  # asked by every comment and every article's comment form: compiled once
            compiled_rows(
                "awaiting-confirmation",
                lambda pk: EmailConfirmation.objects.filter(user_id=pk, confirmed_at__isnull=True).values("pk")[:1],
                [user.pk],
            )
        )
        setattr(user, _MEMO, pending)
    return getattr(user, _MEMO)


def forget(user):
    """After a confirmation in this request: the next check reads the database again."""
    if hasattr(user, _MEMO):
        delattr(user, _MEMO)


def mark_session(request, user):
    """At sign-up and at login: flag the session of a member who still has to confirm."""
    if awaiting_confirmation(user):
        request.session[SESSION_FLAG] = True
    else:
        request.session.pop(SESSION_FLAG, None)


def session_awaits_confirmation(request):
    """Whether this session belongs to a member who has not confirmed yet (the page cache
    renders their pages for them alone). Clears a flag that is no longer true."""
    session = getattr(request, "session", None)
    if session is None or not session.get(SESSION_FLAG):
        return False
    if awaiting_confirmation(request.user):
        return True
    session.pop(SESSION_FLAG, None)
    return False


def make_token(confirmation):
    """A signed, timestamped token naming the member and the address to confirm."""
    return signing.TimestampSigner(salt=_SALT).sign_object({"u": confirmation.user_id, "e": confirmation.email})


class BadToken(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


def read_token(token):
    """(member id, address) from a token, or BadToken with the Korean reason."""
    signer = signing.TimestampSigner(salt=_SALT)
    try:
        data = signer.unsign_object(token, max_age=settings.ACCOUNTS_CONFIRMATION_MAX_AGE)
    except signing.SignatureExpired as expired:
        raise BadToken("인증 링크의 유효 기간이 지났습니다. 로그인한 뒤 인증 메일을 다시 받아 주세요.") from expired
    except (signing.BadSignature, ValueError, UnicodeError) as bad:
        raise BadToken("올바르지 않은 인증 링크입니다. 메일에 있는 링크를 그대로 열어 주세요.") from bad
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not isinstance(data.get("e"), str):
        raise BadToken("올바르지 않은 인증 링크입니다. 메일에 있는 링크를 그대로 열어 주세요.")
    return data["u"], data["e"]


NOT_CONFIRMED = "이메일 인증을 마쳐야 글과 댓글을 쓸 수 있습니다. 가입할 때 받은 메일의 링크를 열어 주세요."


def refusal(request):
    """The page a write by a member who has not confirmed gets: the reason, and a button
    that sends the mail again (their text is not kept: nothing could be saved anyway)."""
    return render(request, "accounts/confirmation_required.html", {"error": NOT_CONFIRMED}, status=403)
