"""How a request finds its member (accounts.backends.MemberBackend): the same member as
Django's ModelBackend finds, with the row as it is now, and older sessions kept."""

import datetime

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.backends import ModelBackend
from django.test import Client

from accounts.models import User
from tests.conftest import member_client, page_text


def test_the_session_lookup_gives_the_member_the_orm_gives(make_user):
    member = make_user(nickname="찾는회원", muted_notifications=["comment"])
    User.objects.filter(pk=member.pk).update(last_login=datetime.datetime(2026, 11, 30, 3, 4, 5, tzinfo=datetime.UTC))

    found, expected = User.objects.for_session(str(member.pk)), User.objects.get(pk=member.pk)

    values = {field.attname: getattr(found, field.attname) for field in User._meta.concrete_fields}
    assert values == {field.attname: getattr(expected, field.attname) for field in User._meta.concrete_fields}
    assert found.is_active is True and found.muted_notifications == ["comment"]
    assert found.last_login == expected.last_login and found.last_login.tzinfo is not None
    assert User.objects.for_session(expected.pk + 1000) is None


def test_each_request_sees_the_members_row_as_it_is_now(make_user):
    member = make_user(nickname="처음이름")
    client = member_client(member)
    assert "처음이름" in page_text(client.get("/"))

    User.objects.filter(pk=member.pk).update(nickname="바뀐이름")
    assert "바뀐이름" in page_text(client.get("/b/ainews/"))

    User.objects.filter(pk=member.pk).update(is_active=False)  # 이용 정지
    assert "로그인" in page_text(client.get("/b/ainews/")) and "바뀐이름" not in page_text(client.get("/"))


def test_a_session_made_before_the_member_backend_stays_logged_in(make_user):
    member = make_user(nickname="오래된세션")
    client = Client()
    session = client.session
    session.update(
        {
            SESSION_KEY: str(member.pk),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            HASH_SESSION_KEY: member.get_session_auth_hash(),
        }
    )
    session.save()
    client.cookies["sessionid"] = session.session_key

    assert "오래된세션" in page_text(client.get("/b/ainews/"))


def test_a_wrong_password_is_checked_once_and_refused_with_a_message(monkeypatch, make_user):
    make_user("checked", nickname="확인할회원", password="correct-horse-battery")
    checks = []
    real_check = User.check_password
    monkeypatch.setattr(User, "check_password", lambda self, raw: checks.append(raw) or real_check(self, raw))
    model_backend_tries = []
    real_authenticate = ModelBackend.authenticate

    def spy(self, *args, **kwargs):
        if type(self) is ModelBackend:
            model_backend_tries.append(args)
        return real_authenticate(self, *args, **kwargs)

    monkeypatch.setattr(ModelBackend, "authenticate", spy)

    response = Client().post("/accounts/login/", {"username": "checked", "password": "틀린-비밀번호"})

    assert response.status_code == 400 and "확인할회원" not in page_text(response)
    assert checks == ["틀린-비밀번호"] and model_backend_tries == []
    logged_in = Client()
    logged_in.post("/accounts/login/", {"username": "checked", "password": "correct-horse-battery"})
    assert "확인할회원" in page_text(logged_in.get("/b/ainews/"))
