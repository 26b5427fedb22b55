from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from board.models import Comment, Post
from board.pagination import Pager, parse_page_number

from .. import confirmation, services
from ..forms import (
    ChangePasswordForm,
    LoginForm,
    MarketingConsentForm,
    NotificationSettingsForm,
    ProfileForm,
    SignupForm,
    WithdrawForm,
)
from ..mails import MailNotSent, send_confirmation_mail
from ..models import (
    MARKETING,
    ConsentRecord,
    Notification,
    PointEntry,
    User,
    can_exchange_messages,
    level_for_points,
)

MY_PAGE_SIZE = 20
PROFILE_RECENT = 10


def safe_next(request, default=None):
    """`next` may only point inside this site; anything else goes to `default` (홈)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("board:home") if default is None else default


def signup(request):
    if request.user.is_authenticated:
        return redirect(safe_next(request))
    form = SignupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            user = services.register_member(
                username=form.cleaned_data["username"],
                nickname=form.cleaned_data["nickname"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                documents=form.documents,
                marketing=form.cleaned_data["agree_marketing"],
            )
            login(request, user, backend="accounts.backends.MemberBackend")
            confirmation.mark_session(request, user)
            messages.success(request, f"{user.nickname}님, 가입을 환영합니다.")
            if confirmation.awaiting_confirmation(user):
                send_first_confirmation(request, user)
            return redirect(safe_next(request))
        return render(request, "accounts/signup.html", {"form": form, "next": safe_next(request, "")}, status=400)
    return render(request, "accounts/signup.html", {"form": form, "next": safe_next(request, "")})


def send_first_confirmation(request, user):
    """The confirmation mail at 회원가입. The member is saved either way: if the mail server
    fails, they are told and send it again from 마이메뉴."""
    pending = user.email_confirmation
    try:
        send_confirmation_mail(request, pending)
    except MailNotSent:
        messages.warning(
            request,
            "인증 메일을 보내지 못했습니다. 잠시 뒤 마이메뉴에서 '인증 메일 다시 보내기'를 눌러 주세요.",
        )
        return
    services.note_confirmation_sent(confirmation=pending)
    messages.info(request, f"{pending.email}(으)로 보낸 인증 메일의 링크를 열면 글과 댓글을 쓸 수 있습니다.")


class LoginView(auth_views.LoginView):
    """Login; django-axes brakes guessing per (account, address) pair (config/settings.py)
    and answers a locked pair with login_locked_out."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        services.reward_daily_login(user=form.get_user())
        # 로그인 상태 유지: ticked, the usual SESSION_COOKIE_AGE; unticked, a cookie without
        # an expiry, gone when the browser closes.
        self.request.session.set_expiry(None if form.cleaned_data.get("remember") else 0)
        confirmation.mark_session(self.request, form.get_user())
        return response

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


def login_username(request, credentials=None):
    """The account a login attempt is for, as axes counts it: case-insensitive, like
    usernames themselves."""
    raw = (credentials or {}).get("username") or request.POST.get("username") or ""
    return raw.strip().lower()[:150]


def login_locked_out(request, original_response=None, credentials=None):
    """axes' answer once an account has had BOARD_LOGIN_FAILURES wrong passwords from this
    address: the login form again, with a Korean 429."""
    form = LoginForm(request, data=request.POST or None)
    form.errors.clear()
    minutes = settings.BOARD_LOGIN_WINDOW // 60
    form.add_error(None, f"로그인 시도가 너무 많습니다. {minutes}분 뒤에 다시 시도해 주세요.")
    context = {"form": form, "next": safe_next(request, "")}
    template = "admin/login.html" if request.path.startswith(reverse("admin:login")) else "accounts/login.html"
    if template.startswith("admin/"):
        context.update(admin.site.each_context(request), title="로그인", app_path=request.get_full_path())
    return render(request, template, context, status=429)


class LogoutView(auth_views.LogoutView):
    """POST only (Django's own rule): a link or an image tag cannot log a member out."""


@login_required
def my_menu(request):
    tab = request.GET.get("tab", "posts")
    if tab not in {"posts", "comments", "votes"}:
        tab = "posts"
    user = request.user
    if tab == "posts":
        mine = Post.objects.visible().by_author(user)
        items = mine.select_related("board").for_list().newest_first()
        total = mine.count()
    elif tab == "comments":
        mine = Comment.objects.on_visible_posts().by_author(user)
        items = mine.select_related("post__board").order_by("-id")
        total = mine.count()
    else:
        items = (
            Post.objects.visible().filter(votes__user=user).select_related("board", "author").for_list().newest_first()
        )
        total = Post.objects.visible().filter(votes__user=user).count()
    pager = Pager.for_total(parse_page_number(request.GET.get("page")), total, MY_PAGE_SIZE)
    return render(
        request,
        "accounts/my_menu.html",
        {
            "tab": tab,
            "items": list(items[pager.offset : pager.offset + MY_PAGE_SIZE]),
            "pager": pager,
            "profile_form": ProfileForm(instance=user),
            "password_form": ChangePasswordForm(user),
            "withdraw_form": WithdrawForm(user),
            "notification_form": notification_settings_form(user),
            **consent_context(user),
        },
    )


@login_required
def my_points(request):
    """마이메뉴 → 포인트: the balance, the level, and the history newest first, a page at a
    time (two queries however long the history: its count and one page of rows)."""
    user = request.user
    entries = PointEntry.objects.filter(member=user)
    pager = Pager.for_total(parse_page_number(request.GET.get("page")), entries.count(), MY_PAGE_SIZE)
    rows = entries.select_related("post__board").order_by("-created_at", "-id")
    thresholds = settings.BOARD_LEVEL_THRESHOLDS
    level = user.level
    next_at = thresholds[level - 1] if user.level_override is None and level <= len(thresholds) else None
    return render(
        request,
        "accounts/my_points.html",
        {
            "tab": "points",
            "entries": list(rows[pager.offset : pager.offset + MY_PAGE_SIZE]),
            "pager": pager,
            "level": level,
            "points_level": level_for_points(user.points),
            "next_at": next_at,
            "to_next": next_at - user.points if next_at is not None else None,
        },
    )


def notification_settings_form(user):
    muted = set(user.muted_notifications or [])
    return NotificationSettingsForm(initial={"kinds": [kind for kind in Notification.KINDS if kind not in muted]})


def consent_context(user, marketing_form=None):
    """마이메뉴's 약관 동의 part: what the member agreed to, the marketing box, and whether
    their address still waits for confirmation. One query for the consents."""
    consents = ConsentRecord.objects.latest_per_kind(user)
    marketing = consents.get(MARKETING)
    return {
        "consents": [consents[kind] for kind in ("terms", "privacy") if kind in consents],
        "marketing": marketing,
        "marketing_form": marketing_form
        or MarketingConsentForm(initial={"agreed": bool(marketing and marketing.agreed)}),
        "needs_confirmation": confirmation.awaiting_confirmation(user),
    }


def _my_menu_with_errors(request, **forms):
    context = {
        "tab": "posts",
        "items": [],
        "pager": Pager.for_total(1, 0, MY_PAGE_SIZE),
        "profile_form": ProfileForm(instance=request.user),
        "password_form": ChangePasswordForm(request.user),
        "withdraw_form": WithdrawForm(request.user),
        "notification_form": notification_settings_form(request.user),
        "settings_open": True,
        **consent_context(request.user, forms.pop("marketing_form", None)),
    }
    context.update(forms)
    return render(request, "accounts/my_menu.html", context, status=400)


@login_required
@require_POST
def update_profile(request):
    form = ProfileForm(request.POST, instance=User.objects.get(pk=request.user.pk))
    if not form.is_valid():
        return _my_menu_with_errors(request, profile_form=form)
    new_address = form.cleaned_data["email"].lower() != request.user.email.lower()
    services.update_profile(user=request.user, nickname=form.cleaned_data["nickname"], email=form.cleaned_data["email"])
    messages.success(request, "회원 정보를 바꿨습니다.")
    if new_address and confirmation.awaiting_confirmation(request.user):
        messages.info(request, "새 이메일 주소로 인증 메일을 받으려면 '인증 메일 다시 보내기'를 눌러 주세요.")
    return redirect("accounts:me")


@login_required
@require_POST
def change_password(request):
    form = ChangePasswordForm(request.user, request.POST)
    if not form.is_valid():
        return _my_menu_with_errors(request, password_form=form)
    user = services.change_password(user=request.user, password=form.cleaned_data["new_password1"])
    update_session_auth_hash(request, user)
    messages.success(request, "비밀번호를 바꿨습니다.")
    return redirect("accounts:me")


@login_required
@require_POST
def marketing_consent(request):
    form = MarketingConsentForm(request.POST)
    if not form.is_valid():
        return _my_menu_with_errors(request, marketing_form=form)
    agreed = form.cleaned_data["agreed"]
    latest = ConsentRecord.objects.filter(user=request.user, kind=MARKETING).order_by("-recorded_at", "-pk").first()
    if latest is None or latest.agreed != agreed:
        services.set_marketing_consent(user=request.user, agreed=agreed)
    messages.success(request, "마케팅 정보 수신에 동의했습니다." if agreed else "마케팅 정보 수신 동의를 철회했습니다.")
    return redirect("accounts:me")


@login_required
@require_POST
def withdraw(request):
    form = WithdrawForm(request.user, request.POST)
    if not form.is_valid():
        return _my_menu_with_errors(request, withdraw_form=form)
    services.withdraw_member(user=request.user)
    logout(request)
    messages.success(request, "탈퇴했습니다. 그동안 함께해 주셔서 감사합니다.")
    return redirect("board:home")


def profile(request, username):
    member = get_object_or_404(User, username=username, withdrawn_at__isnull=True)
    posts = Post.objects.visible().open_to_all().by_author(member).select_related("board").for_list().newest_first()
    comments = Comment.objects.on_visible_posts().open_to_all().by_author(member)
    return render(
        request,
        "accounts/profile.html",
        {
            "member": member,
            "can_message": can_exchange_messages(member),
            "post_total": posts.count(),
            "comment_total": comments.count(),
            "posts": list(posts[:PROFILE_RECENT]),
            "comments": list(comments.select_related("post__board").order_by("-id")[:PROFILE_RECENT]),
        },
    )
