"""아이디 찾기, e-mail confirmation and the 약관 pages: what a member needs around signing up
and logging in, apart from the member pages themselves (members.py)."""

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from board.ratelimit import seconds_until_allowed, too_many_requests, too_often_message
from config.proxies import client_address

from .. import confirmation, services
from ..forms import FindUsernameForm
from ..mails import MailNotSent, send_confirmation_mail, send_usernames_mail
from ..models import PolicyDocument, User
from .members import safe_next


def find_username(request):
    """아이디 찾기: the ids joined with an address go to that address by mail. The page says
    the same whether the address is known or not, and a mail goes out either way (one
    saying there is none), so not even a failing mail server tells one from the other."""
    form = FindUsernameForm(request.POST if request.method == "POST" else None)
    if request.method != "POST" or not form.is_valid():
        status = 400 if request.method == "POST" else 200
        return render(request, "accounts/find_username.html", {"form": form}, status=status)
    email = form.cleaned_data["email"]
    # Every attempt counts, per client address and per address asked about (hashed: no
    # address is kept in the cache).
    address_key = hashlib.sha256(email.lower().encode()).hexdigest()[:32]
    wait = seconds_until_allowed("find_username_ip", client_address(request)) or seconds_until_allowed(
        "find_username_email", address_key
    )
    if wait:
        form.add_error(None, too_often_message(wait))
        response = render(request, "accounts/find_username.html", {"form": form}, status=429)
        response["Retry-After"] = str(wait)
        return response
    usernames = list(
        User.objects.filter(email__iexact=email, is_active=True, withdrawn_at__isnull=True)
        .order_by("date_joined")
        .values_list("username", flat=True)
    )
    try:
        send_usernames_mail(request, email, usernames)
    except MailNotSent as failure:
        form.add_error(None, failure.message)
        return render(request, "accounts/find_username.html", {"form": form}, status=503)
    return redirect("accounts:find_username_done")


def find_username_done(request):
    return render(request, "accounts/find_username_done.html")


def confirm_email(request, token):
    """The link in the confirmation mail. GET shows a button; the POST confirms, so a mail
    scanner that opens links confirms nothing."""
    try:
        user_id, email = confirmation.read_token(token)
    except confirmation.BadToken as bad:
        return render(request, "accounts/confirm_email.html", {"error": bad.message}, status=400)
    if request.user.is_authenticated and request.user.pk != user_id:
        error = "다른 회원의 인증 링크입니다. 로그아웃한 뒤 링크를 다시 열거나, 내 메일로 받은 링크를 열어 주세요."
        return render(request, "accounts/confirm_email.html", {"error": error}, status=403)
    if request.method != "POST":
        return render(request, "accounts/confirm_email.html", {"token": token, "email": email})
    try:
        services.confirm_email(user_id=user_id, email=email)
    except services.ConfirmationRefused as refused:
        return render(request, "accounts/confirm_email.html", {"error": refused.message}, status=400)
    if request.user.is_authenticated:
        confirmation.forget(request.user)
        confirmation.mark_session(request, request.user)
        messages.success(request, "이메일 인증을 마쳤습니다. 이제 글과 댓글을 쓸 수 있습니다.")
        return redirect("accounts:me")
    messages.success(request, "이메일 인증을 마쳤습니다. 로그인하면 글과 댓글을 쓸 수 있습니다.")
    return redirect("accounts:login")


@login_required
@require_POST
def resend_confirmation(request):
    """인증 메일 다시 보내기 (ACCOUNTS_CONFIRMATION_MAIL_RATE an hour)."""
    if not confirmation.awaiting_confirmation(request.user):
        confirmation.mark_session(request, request.user)
        messages.info(request, "이미 인증을 마쳤습니다. 글과 댓글을 쓸 수 있습니다.")
        return redirect(safe_next(request, reverse("accounts:me")))
    wait = seconds_until_allowed("confirmation_mail", request.user.pk)
    if wait:
        return too_many_requests(request, wait)
    pending = request.user.email_confirmation
    try:
        send_confirmation_mail(request, pending)
    except MailNotSent as failure:
        return render(request, "accounts/confirmation_required.html", {"error": failure.message}, status=503)
    services.note_confirmation_sent(confirmation=pending)
    messages.success(request, f"{pending.email}(으)로 인증 메일을 다시 보냈습니다. 메일의 링크를 열어 주세요.")
    return redirect(safe_next(request, reverse("accounts:me")))


def policy(request, kind):
    """이용약관 or 개인정보 수집·이용 동의, the version in effect now."""
    document = PolicyDocument.objects.current(kind)
    if document is None:
        raise Http404
    return render(request, "accounts/policy.html", {"document": document})
