"""Every form of the site speaks its own Korean (issue 14, point 15): no Django generic
message for any rule of any field ("이 값이 최소 2 개의 글자인지 확인하세요(입력값 1 자)"),
no label ending in a colon ("제목:", "아이디:"), and the password rules in our words.

The forms are found by walking board/ and accounts/, so a new form cannot be forgotten."""

import inspect
import re

import pytest
from django import forms
from django.contrib.auth import password_validation
from django.core import validators
from django.utils import translation

import accounts.forms
import board.admin
import board.forms
from board.form_messages import KoreanForm
from tests.conftest import page_text


def site_forms():
    found = set()
    for module in (board.forms, accounts.forms, board.admin):
        for _, cls in inspect.getmembers(module, inspect.isclass):
            abstract = issubclass(cls, forms.ModelForm) and cls._meta.model is None  # SiteModelForm
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__ and not abstract:
                found.add(cls)
    return sorted(found, key=lambda cls: cls.__name__)


NEEDS_USER = {"WithdrawForm", "ChangePasswordForm", "NewPasswordForm"}


def build(cls, user, board):
    """An unbound instance of a form, with what its constructor needs."""
    if cls.__name__ == "PostForm":
        return cls(board=board, owner=user)
    return cls(user) if cls.__name__ in NEEDS_USER else cls()


def board_forms():
    return {cls.__name__: cls for cls in site_forms()}


def django_messages():
    """Every message Django's form fields and validators would show, in Korean."""
    found = set()
    with translation.override("ko"):
        for _, cls in inspect.getmembers(forms.fields, inspect.isclass):
            for message in getattr(cls, "default_error_messages", {}).values():
                found.add(str(message))
        for _, cls in inspect.getmembers(validators, inspect.isclass):
            message = getattr(cls, "message", None)
            if message is not None:
                found.add(str(message))
        for cls in (
            password_validation.MinimumLengthValidator,
            password_validation.NumericPasswordValidator,
            password_validation.CommonPasswordValidator,
        ):
            found.add(str(cls().get_error_message()))
    return found


def test_the_walk_finds_every_form():
    names = set(board_forms())
    assert {"PostForm", "CommentForm", "ReportForm", "SignupForm", "LoginForm", "ProfileForm"} <= names
    assert {"WithdrawForm", "ChangePasswordForm", "NewPasswordForm", "ResetRequestForm", "MoveForm"} <= names


@pytest.mark.parametrize("name", sorted(board_forms()))
def test_every_form_uses_our_messages_and_labels_without_colons(name, make_user, board):
    cls = board_forms()[name]
    assert issubclass(cls, KoreanForm)
    form = build(cls, make_user(), board)
    generic = django_messages()

    with translation.override("ko"):
        for field_name, field in form.fields.items():
            for code, message in field.error_messages.items():
                assert str(message) not in generic, f"{name}.{field_name} [{code}]: {message}"
        html = str(form)
    assert form.label_suffix == ""
    assert not re.search(r":\s*</label>", html), html


def test_a_one_letter_nickname_is_told_in_our_words(client, db):
    response = client.post("/accounts/signup/", {"username": "newbie", "nickname": "가", "email": "a@example.com"})

    text = page_text(response)
    # Before: Django's "이 값이 최소 2 개의 글자인지 확인하세요(입력값 1 자)".
    assert "닉네임은 2자 이상 입력해 주세요. (지금 1자)" in text
    assert "확인하세요(입력값" not in text


@pytest.mark.parametrize(
    "data, message",
    [
        ({}, "아이디를 입력해 주세요."),
        ({}, "닉네임을 입력해 주세요."),
        ({}, "이메일을 입력해 주세요."),
        ({}, "비밀번호를 입력해 주세요."),
        ({"email": "주소아님"}, "이메일 주소 형식이 아닙니다."),
        ({"password1": "short1", "password2": "short1"}, "비밀번호가 너무 짧습니다. 8자 이상으로 정해 주세요."),
        ({"password1": "1234567890123", "password2": "1234567890123"}, "숫자로만 된 비밀번호는 쓸 수 없습니다."),
        ({"password1": "password123", "password2": "password123"}, "너무 흔한 비밀번호입니다."),
        ({"username": "kimchi_lover", "password1": "kimchi_lover1", "password2": "kimchi_lover1"}, "너무 비슷합니다"),
        ({"password1": "first-password-1", "password2": "other-password-2"}, "두 비밀번호가 서로 다릅니다."),
    ],
)
def test_signup_rules_in_our_words(client, db, data, message):
    response = client.post("/accounts/signup/", data)

    assert response.status_code == 400
    assert message in page_text(response)


def test_pages_show_no_label_with_a_colon(client, make_user, board):
    pages = {path: client.get(path) for path in ("/accounts/signup/", "/accounts/login/", "/accounts/password-reset/")}
    client.force_login(make_user())
    pages.update({path: client.get(path) for path in ("/b/ainews/write/", "/accounts/me/")})

    for path, response in pages.items():
        assert response.status_code == 200, path
        assert "<label" in response.content.decode(), path
        assert not re.search(r":\s*</label>", response.content.decode()), path
