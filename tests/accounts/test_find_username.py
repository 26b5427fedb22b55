"""아이디 찾기 and 로그인 상태 유지."""

import pytest
from django.conf import settings
from django.core import mail

from accounts.models import User
from tests.conftest import page_text

SAME_ANSWER = "입력한 이메일 주소로 아이디 안내 메일을 보냈습니다."
FAILING = "tests.accounts.mail_backends.FailingBackend"


@pytest.fixture
def two_ids(make_user):
    make_user("first_id", email="same@example.com")
    make_user("banned_id", email="Other@Example.com", is_active=False)
    return User.objects.all()


def ask(client, email, **extra):
    return client.post("/accounts/find-username/", {"email": email}, follow=True, **extra)


def test_the_login_page_links_it_beside_password_reset(client, db):
    html = client.get("/accounts/login/").content.decode()
    assert (
        '<a href="/accounts/find-username/">아이디 찾기</a> · <a href="/accounts/password-reset/">비밀번호 찾기</a>'
        in html
    )


def test_the_ids_go_to_the_address_by_mail(client, two_ids):
    response = ask(client, "SAME@example.com")

    assert SAME_ANSWER in page_text(response)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["SAME@example.com"]
    assert "first_id" in mail.outbox[0].body and "banned_id" not in mail.outbox[0].body
    assert "first_id" not in response.content.decode()  # only the mailbox learns it


def test_an_unknown_address_gets_the_same_page_and_a_mail_saying_so(client, two_ids):
    known, unknown = ask(client, "same@example.com"), ask(client, "nobody@example.com")

    assert page_text(known) == page_text(unknown)
    assert known.status_code == unknown.status_code == 200
    assert "가입한 아이디가 없습니다" in mail.outbox[1].body
    # A switched-off account's address reads as unknown.
    ask(client, "other@example.com")
    assert "가입한 아이디가 없습니다" in mail.outbox[2].body


@pytest.mark.parametrize("email", ["", "not-an-address", "a" * 300 + "@example.com", "x\x00@example.com"])
def test_bad_input_comes_back_in_korean(client, db, email):
    response = client.post("/accounts/find-username/", {"email": email})

    assert response.status_code == 400
    assert "주소" in page_text(response) or "제어 문자" in page_text(response)
    assert mail.outbox == []


def test_limited_per_address_whatever_the_client_address(client, two_ids, mid_window):
    limit = settings.BOARD_RATE_LIMITS["find_username_email"][0]
    for n in range(limit):
        assert ask(client, "same@example.com", REMOTE_ADDR=f"10.0.0.{n + 1}").status_code == 200

    refused = client.post("/accounts/find-username/", {"email": "Same@Example.com"}, REMOTE_ADDR="10.0.9.9")

    assert refused.status_code == 429 and "너무 자주 요청했습니다." in page_text(refused)
    assert int(refused["Retry-After"]) > 0
    assert len(mail.outbox) == limit
    assert ask(client, "nobody@example.com", REMOTE_ADDR="10.0.9.9").status_code == 200  # another address


def test_limited_per_client_address(client, two_ids, mid_window):
    limit = settings.BOARD_RATE_LIMITS["find_username_ip"][0]
    for n in range(limit):
        ask(client, f"probe{n}@example.com")

    refused = client.post("/accounts/find-username/", {"email": "same@example.com"})

    assert refused.status_code == 429
    assert len(mail.outbox) == limit


def test_a_failing_mail_server_is_said_in_korean(client, two_ids, settings):
    settings.EMAIL_BACKEND = FAILING
    for email in ("same@example.com", "nobody@example.com"):  # the same for both
        response = client.post("/accounts/find-username/", {"email": email})
        assert response.status_code == 503
        assert "메일 서버에 문제가 있어 메일을 보내지 못했습니다." in page_text(response)
        assert f'value="{email}"' in response.content.decode()


# --- 로그인 상태 유지 ----------------------------------------------------------------------


def log_in(client, **extra):
    return client.post("/accounts/login/", {"username": "first_id", "password": "correct-horse-battery", **extra})


def test_unticked_the_session_ends_with_the_browser(client, two_ids):
    response = log_in(client)

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert response.status_code == 302
    assert cookie["expires"] == "" and cookie["max-age"] == ""
    assert client.session.get_expire_at_browser_close()


def test_ticked_the_session_lasts_the_usual_time(client, two_ids):
    response = log_in(client, remember="on")

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == settings.SESSION_COOKIE_AGE
    assert cookie["expires"]
    assert not client.session.get_expire_at_browser_close()


def test_the_box_is_on_the_login_form(client, db):
    html = client.get("/accounts/login/").content.decode()
    assert 'name="remember"' in html and "로그인 상태 유지" in html
