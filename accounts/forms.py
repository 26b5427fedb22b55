from django import forms
from django.contrib.auth.forms import (
    AdminUserCreationForm,
    AuthenticationForm,
    PasswordResetForm,
    UserChangeForm,
    UserCreationForm,
)

from board.forms import RefuseControlCharacters, SiteForm, SiteModelForm

from .models import User

USERNAME_HELP = "영문 소문자, 숫자, 밑줄(_)로 4~20자"


class SignupForm(RefuseControlCharacters, UserCreationForm):
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
    nickname = " ".join(nickname.split())
    if len(nickname) < 2:
        raise forms.ValidationError("닉네임은 2자 이상이어야 합니다.")
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


class LoginForm(RefuseControlCharacters, AuthenticationForm):
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
    class Meta:
        model = User
        fields = ("nickname", "email")
        labels = {"nickname": "닉네임", "email": "이메일"}

    def clean_nickname(self):
        return clean_unique_nickname(self.cleaned_data["nickname"], exclude=self.instance)

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


class ResetRequestForm(RefuseControlCharacters, PasswordResetForm):
    """비밀번호 찾기: the e-mail address, checked like every other text field."""


class MemberChangeForm(RefuseControlCharacters, UserChangeForm):
    """The admin's member form (닉네임 and the rest), checked like the site's own forms."""

    class Meta(UserChangeForm.Meta):
        model = User


class MemberCreationForm(RefuseControlCharacters, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
