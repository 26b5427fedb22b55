"""The mails the accounts app sends: the confirmation link and 아이디 찾기's answer.

Sent through Django's mail backend (EMAIL_URL in production, the console in development).
A mail server that refuses or does not answer (EMAIL_TIMEOUT) raises MailNotSent, which the
views turn into a Korean message; nothing is recorded as sent that was not.
"""

import logging
import smtplib

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from .confirmation import make_token

log = logging.getLogger(__name__)


class MailNotSent(Exception):
    message = "메일 서버에 문제가 있어 메일을 보내지 못했습니다. 잠시 뒤에 다시 시도해 주세요."


def _send(subject, template, context, to):
    try:
        send_mail(subject, render_to_string(template, context), None, [to])
    except (smtplib.SMTPException, OSError) as failure:
        log.warning("mail to a member not sent: %s", failure.__class__.__name__)
        raise MailNotSent from failure


def send_confirmation_mail(request, confirmation):
    link = request.build_absolute_uri(reverse("accounts:confirm_email", args=[make_token(confirmation)]))
    context = {"nickname": confirmation.user.nickname, "link": link, "site": request.get_host()}
    _send("[AI 뉴스 보드] 이메일 인증을 마쳐 주세요", "accounts/email/confirmation.txt", context, confirmation.email)


def send_usernames_mail(request, email, usernames):
    """아이디 찾기: the login ids joined with `email`, or a note that there are none (sent
    either way, so the page never tells whether an address is known)."""
    context = {
        "usernames": usernames,
        "login": request.build_absolute_uri(reverse("accounts:login")),
        "reset": request.build_absolute_uri(reverse("accounts:password_reset")),
        "signup": request.build_absolute_uri(reverse("accounts:signup")),
    }
    _send("[AI 뉴스 보드] 아이디 찾기 안내", "accounts/email/usernames.txt", context, email)
