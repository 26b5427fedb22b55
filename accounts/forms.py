from django import forms
from django.conf import settings
from django.contrib.auth.forms import (
    AdminUserCreationForm,
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
    UserChangeForm,
    UserCreationForm,
)
from django.utils import timezone

from board.form_messages import KoreanForm
from board.forms import RefuseControlCharacters, SiteForm, SiteModelForm, clean_text
from board.korean import josa
from board.models import Board

from .models import PRIVACY, TERMS, Notification, PolicyDocument, User
from .names import reserved_reason, without_invisible

USERNAME_HELP = "영문 소문자, 숫자, 밑줄(_)로 4~20자"


class ConsentCheckbox(forms.CheckboxInput):
    """Ticked only as a browser ticks it ("on"): a forged "0", "off" or "no" is no consent
    (Django's own checkbox reads any other non-empty text as ticked)."""

    def value_from_datadict(self, data, files, name):
        return data.get(name) in ("on", "true", "True", "1")


TERMS_NAMES = [(TERMS, "이용약관"), (PRIVACY, "개인정보 수집·이용 동의")]

PASSWORD_MISMATCH = "두 비밀번호가 서로 다릅니다. 같은 비밀번호를 두 번 입력해 주세요."  # noqa: S105 (a message)


class SignupForm(KoreanForm, RefuseControlCharacters, UserCreationForm):
    error_messages = {"password_mismatch": PASSWORD_MISMATCH}

    username = forms.RegexField(
        label="아이디",
        regex=r"^[A-Za-z0-9_]{4,20}$",
        max_length=20,
        help_text=USERNAME_HELP,
        error_messages={"invalid": "아이디는 " + USERNAME_HELP + "로 입력해 주세요."},
    )
    nickname = forms.CharField(
        label="닉네임", min_length=2, max_length=20, help_text="글과 댓글에 표시되는 이름 (2~20자)"
    )
    email = forms.EmailField(label="이메일", help_text="비밀번호를 잊었을 때 사용합니다.")

    class Meta:
        model = User
        fields = ("username", "nickname", "email")

    agree_terms = forms.BooleanField(
        widget=ConsentCheckbox,
        label="이용약관에 동의합니다 (필수)",
        error_messages={"required": "이용약관에 동의해야 가입할 수 있습니다."},
    )
    agree_privacy = forms.BooleanField(
        widget=ConsentCheckbox,
        label="개인정보 수집·이용에 동의합니다 (필수)",
        error_messages={"required": "개인정보 수집·이용에 동의해야 가입할 수 있습니다."},
    )
    agree_marketing = forms.BooleanField(
        widget=ConsentCheckbox,
        label="마케팅 정보 수신에 동의합니다 (선택)",
        required=False,
        help_text="새 기능과 행사 소식을 이메일로 받습니다. 마이메뉴에서 언제든 바꿀 수 있습니다.",
    )
    # The versions shown on the page, so a member is recorded as agreeing to the text they
    # read; a version that is no longer the current one (changed meanwhile, or forged) is
    # refused. Optional: a form without them agrees to the current versions.
    terms_version = forms.IntegerField(label="이용약관 판", required=False, widget=forms.HiddenInput)
    privacy_version = forms.IntegerField(label="개인정보 수집·이용 동의 판", required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.documents = {kind: PolicyDocument.objects.current(kind) for kind in (TERMS, PRIVACY)}
        for kind, document in self.documents.items():
            self.fields[f"{kind}_version"].initial = document.version if document else None
        self.fields["password1"].label = "비밀번호"
        self.fields["password2"].label = "비밀번호 확인"
        self.fields["password2"].help_text = "확인을 위해 한 번 더 입력해 주세요."
        for name in ("password1", "password2"):
            self.fields[name].error_messages["required"] = f"{josa(self.fields[name].label, '을')} 입력해 주세요."

    def clean(self):
        cleaned = super().clean()
        for kind in (TERMS, PRIVACY):
            shown, current = cleaned.get(f"{kind}_version"), self.documents[kind]
            if shown is not None and (current is None or shown != current.version):
                self.add_error(
                    None,
                    f"{josa(dict(TERMS_NAMES)[kind], '이')} 바뀌었습니다. 바뀐 내용을 확인하고 다시 동의해 주세요.",
                )
        return cleaned

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("이미 사용 중인 아이디입니다.")
        return username

    def clean_nickname(self):
        return clean_unique_nickname(self.cleaned_data["nickname"])

    def clean_email(self):
        return clean_unique_email(self.cleaned_data["email"])


def clean_unique_nickname(nickname, *, exclude=None):
    """The 닉네임 as stored (invisible characters gone, spaces folded), if it is long enough,
    not reserved (names.py) and not taken."""
    nickname = without_invisible(nickname)
    if len(nickname) < 2:
        raise forms.ValidationError("닉네임은 보이는 글자로 2자 이상 입력해 주세요.")
    reason = reserved_reason(nickname, Board.objects.values_list("name", flat=True))
    if reason:
        raise forms.ValidationError(reason)
    taken = User.objects.filter(nickname__iexact=nickname)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        raise forms.ValidationError("이미 사용 중인 닉네임입니다.")
    return nickname


def clean_unique_email(email, *, exclude=None):
    email = email.strip()
    taken = User.objects.filter(email__iexact=email)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        raise forms.ValidationError("이미 가입된 이메일입니다.")
    return email


class LoginForm(KoreanForm, RefuseControlCharacters, AuthenticationForm):
    # Unticked, the session ends when the browser closes (a shared or borrowed computer);
    # ticked, it lasts SESSION_COOKIE_AGE.
    remember = forms.BooleanField(label="로그인 상태 유지", required=False)

    error_messages = {
        "invalid_login": "아이디 또는 비밀번호가 올바르지 않습니다.",
        "inactive": "사용할 수 없는 계정입니다.",
        "banned": "운영진이 정지한 계정입니다. 로그인할 수 없습니다. 문의는 운영진에게 해 주세요.",
        "withdrawn": "탈퇴한 계정입니다. 다시 로그인할 수 없습니다.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The same word as on 회원가입 (Django's default label is "사용자 이름").
        self.fields["username"].label = "아이디"
        self.fields["username"].error_messages["required"] = "아이디를 입력해 주세요."
        self.fields["password"].label = "비밀번호"
        self.fields["password"].error_messages["required"] = "비밀번호를 입력해 주세요."

    def get_invalid_login_error(self):
        """A switched-off account says why, but only to someone who knows its password:
        to anyone else it is a wrong password like any other."""
        member = User.objects.filter(username__iexact=self.cleaned_data.get("username") or "").first()
        password = self.cleaned_data.get("password") or ""
        if member is not None and not member.is_active and member.check_password(password):
            code = "withdrawn" if member.withdrawn_at else "banned"
            return forms.ValidationError(self.error_messages[code], code=code)
        return super().get_invalid_login_error()


class ProfileForm(SiteModelForm):
    """마이메뉴's 회원 정보. The 닉네임 may change once in BOARD_NICKNAME_CHANGE_DAYS days; the
    field says when the next change is allowed."""

    class Meta:
        model = User
        fields = ("nickname", "email")
        labels = {"nickname": "닉네임", "email": "이메일"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.next_change = self.instance.next_nickname_change()
        days = settings.BOARD_NICKNAME_CHANGE_DAYS
        if self.next_change:
            self.fields["nickname"].help_text = f"다음 변경 가능일: {self.next_change_label}"
        elif days:
            self.fields["nickname"].help_text = f"닉네임은 {days}일에 한 번 바꿀 수 있습니다."

    @property
    def next_change_label(self):
        return timezone.localtime(self.next_change).strftime("%Y.%m.%d %H:%M") if self.next_change else ""

    def clean_nickname(self):
        nickname = clean_unique_nickname(self.cleaned_data["nickname"], exclude=self.instance)
        if nickname != self.instance.nickname and self.next_change:
            raise forms.ValidationError(
                f"닉네임은 {settings.BOARD_NICKNAME_CHANGE_DAYS}일에 한 번만 바꿀 수 있습니다. "
                f"다음 변경 가능일: {self.next_change_label}"
            )
        return nickname

    def clean_email(self):
        return clean_unique_email(self.cleaned_data["email"], exclude=self.instance)


class WithdrawForm(SiteForm):
    password = forms.CharField(
        label="비밀번호 확인", widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("비밀번호가 올바르지 않습니다.")
        return password


class ChangePasswordForm(KoreanForm, RefuseControlCharacters, PasswordChangeForm):
    """마이메뉴's 비밀번호 변경, in the site's words."""

    error_messages = {
        "password_incorrect": "지금 쓰는 비밀번호가 맞지 않습니다. 다시 입력해 주세요.",
        "password_mismatch": PASSWORD_MISMATCH,
    }

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        labels = {"old_password": "지금 비밀번호", "new_password1": "새 비밀번호", "new_password2": "새 비밀번호 확인"}
        for name, label in labels.items():
            self.fields[name].label = label
            self.fields[name].error_messages["required"] = f"{josa(label, '을')} 입력해 주세요."


class NewPasswordForm(KoreanForm, RefuseControlCharacters, SetPasswordForm):
    """The password reset link's form."""

    error_messages = {"password_mismatch": PASSWORD_MISMATCH}

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        for name, label in {"new_password1": "새 비밀번호", "new_password2": "새 비밀번호 확인"}.items():
            self.fields[name].label = label
            self.fields[name].error_messages["required"] = f"{josa(label, '을')} 입력해 주세요."


class ResetRequestForm(KoreanForm, RefuseControlCharacters, PasswordResetForm):
    """비밀번호 찾기: the e-mail address a member joined with, checked like every other text
    field."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "가입한 이메일"
        self.fields["email"].error_messages["required"] = "가입한 이메일 주소를 입력해 주세요."


class MemberChangeForm(KoreanForm, RefuseControlCharacters, UserChangeForm):
    """The admin's member form (닉네임 and the rest), checked like the site's own forms."""

    class Meta(UserChangeForm.Meta):
        model = User


class MemberCreationForm(KoreanForm, RefuseControlCharacters, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User


def find_member(nickname):
    """The member a 쪽지 or 차단 form names by 닉네임 (case-insensitive), or a Korean error.
    Withdrawn and banned members are not found: they cannot receive anything."""
    nickname = without_invisible(nickname)
    member = User.objects.filter(nickname__iexact=nickname, is_active=True, withdrawn_at__isnull=True).first()
    if member is None:
        raise forms.ValidationError(
            f"'{nickname}' 닉네임의 회원을 찾을 수 없습니다. 탈퇴했거나 이용이 정지된 회원일 수 있습니다."
        )
    return member


class MessageForm(SiteForm):
    """쪽지 쓰기: plain text, shown escaped with its links made clickable."""

    to = forms.CharField(label="받는 회원", max_length=20, help_text="받는 회원의 닉네임")
    body = forms.CharField(label="내용", widget=forms.Textarea(attrs={"rows": 8}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].widget.attrs["maxlength"] = settings.BOARD_MESSAGE_MAX_LENGTH

    def clean_to(self):
        return find_member(self.cleaned_data["to"])

    def clean_body(self):
        return clean_text(self.cleaned_data["body"].strip(), settings.BOARD_MESSAGE_MAX_LENGTH, "쪽지")


class BlockForm(SiteForm):
    nickname = forms.CharField(label="차단할 회원", max_length=20, help_text="닉네임")

    def clean_nickname(self):
        return find_member(self.cleaned_data["nickname"])


class MessageReportForm(SiteForm):
    reason = forms.CharField(label="신고 사유", max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class NotificationSettingsForm(SiteForm):
    """마이메뉴 → 알림 설정: the kinds left ticked are the ones the member receives."""

    kinds = forms.MultipleChoiceField(
        label="받을 알림", required=False, widget=forms.CheckboxSelectMultiple, choices=list(Notification.KINDS.items())
    )


class FindUsernameForm(SiteForm):
    """아이디 찾기: the address the ids are sent to."""

    email = forms.EmailField(label="가입한 이메일", max_length=254)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].error_messages["required"] = "가입한 이메일 주소를 입력해 주세요."

    def clean_email(self):
        return self.cleaned_data["email"].strip()


class MarketingConsentForm(SiteForm):
    """마이메뉴's 마케팅 정보 수신 동의 (an unticked box withdraws it)."""

    agreed = forms.BooleanField(label="마케팅 정보 수신에 동의합니다", required=False)
