import re

import pytest
from django.core import mail

from accounts.models import User
from board import services
from tests.conftest import main_text, page_text

GOOD_PASSWORD = "강화학습-grpo-2025"


def signup_data(**overrides):
    data = {
        "username": "newbie",
        "nickname": "새내기",
        "email": "newbie@example.com",
        "password1": GOOD_PASSWORD,
        "password2": GOOD_PASSWORD,
        "agree_terms": "on",
        "agree_privacy": "on",
    }
    data.update(overrides)
    return data


# --- Sign-up -----------------------------------------------------------------------------


def test_signup_creates_the_member_and_logs_them_in(client, db):
    response = client.post("/accounts/signup/", signup_data(), follow=True)

    assert response.redirect_chain[-1][0] == "/"
    user = User.objects.get(username="newbie")
    assert user.nickname == "새내기"
    assert response.context["user"] == user
    assert "새내기님, 가입을 환영합니다." in page_text(response)


def test_signup_follows_a_local_next(client, db):
    response = client.post("/accounts/signup/?next=/b/ainews/", signup_data())

    assert response.status_code == 302
    assert response["Location"] == "/b/ainews/"


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("username", "XTALFI", "이미 사용 중인 아이디입니다."),
        ("nickname", "크리스탈피", "이미 사용 중인 닉네임입니다."),
        ("email", "XTALFI@Example.com", "이미 가입된 이메일입니다."),
    ],
)
def test_signup_refuses_duplicates_case_insensitively(client, author, field, value, message):
    author.email = "xtalfi@example.com"
    author.save()

    response = client.post("/accounts/signup/", signup_data(**{field: value}))

    assert response.status_code == 400
    assert message in page_text(response)
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"password1": "short1", "password2": "short1"}, "비밀번호가 너무 짧습니다. 8자 이상으로 정해 주세요."),
        ({"password1": "12345678901", "password2": "12345678901"}, "숫자로만 된 비밀번호는 쓸 수 없습니다."),
        ({"password2": "different-password-1"}, "두 비밀번호가 서로 다릅니다."),
        ({"username": "a b"}, "아이디는 영문 소문자"),
        ({"nickname": ""}, "닉네임을 입력해 주세요."),
        ({"email": "not-an-email"}, "이메일 주소 형식이 아닙니다."),
    ],
)
def test_signup_refusals_speak_korean_and_save_nothing(client, db, overrides, message):
    response = client.post("/accounts/signup/", signup_data(**overrides))

    assert response.status_code == 400
    assert message in page_text(response)
    assert not User.objects.exists()


# --- Login and logout --------------------------------------------------------------------


def test_login_redirects_to_next_inside_the_site(client, make_user):
    make_user(username="reader", password="correct-horse-battery")

    response = client.post(
        "/accounts/login/?next=/b/ainews/", {"username": "reader", "password": "correct-horse-battery"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/b/ainews/"


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"]
)
def test_login_never_redirects_outside_the_site(client, make_user, target):
    make_user(username="reader")

    response = client.post(
        "/accounts/login/", {"username": "reader", "password": "correct-horse-battery", "next": target}
    )

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_wrong_password_is_refused_in_korean(client, make_user):
    make_user(username="reader")

    response = client.post("/accounts/login/", {"username": "reader", "password": "wrong"})

    assert response.status_code == 400
    assert "아이디 또는 비밀번호가 올바르지 않습니다." in page_text(response)
    assert "_auth_user_id" not in client.session


def test_logout_is_post_only(client, make_user):
    client.force_login(make_user())

    assert client.get("/accounts/logout/").status_code == 405
    assert "_auth_user_id" in client.session
    client.post("/accounts/logout/")
    assert "_auth_user_id" not in client.session


# --- 마이메뉴 ------------------------------------------------------------------------------


def test_my_menu_requires_login(client, db):
    response = client.get("/accounts/me/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/me/"


def test_my_menu_lists_my_posts_comments_and_votes(client, make_user, make_post, make_comment):
    me = make_user(nickname="나")
    mine = make_post(title="직접 작성한 기사", author=me)
    other = make_post(title="남이 쓴 글")
    make_comment(other, body="내가 단 댓글", author=me)
    services.cast_vote(user=me, post=other, value=1)
    client.force_login(me)

    posts = main_text(client.get("/accounts/me/"))
    comments = main_text(client.get("/accounts/me/?tab=comments"))
    votes = main_text(client.get("/accounts/me/?tab=votes"))

    assert "직접 작성한 기사" in posts and "남이 쓴 글" not in posts
    assert "내가 단 댓글" in comments
    assert "남이 쓴 글" in votes and mine.title not in votes


def test_member_changes_nickname_and_email(client, make_user, make_post):
    me = make_user(nickname="옛닉네임")
    post = make_post(author=me)
    client.force_login(me)

    response = client.post("/accounts/me/profile/", {"nickname": "새닉네임", "email": "new@example.com"})

    assert response.status_code == 302
    me.refresh_from_db()
    assert (me.nickname, me.email) == ("새닉네임", "new@example.com")
    assert "작성자 새닉네임" in page_text(client.get(post.get_absolute_url()))


def test_nickname_change_to_a_taken_one_is_refused(client, make_user, author):
    me = make_user(nickname="원래이름")
    client.force_login(me)

    response = client.post("/accounts/me/profile/", {"nickname": "크리스탈피", "email": me.email})

    assert response.status_code == 400
    assert "이미 사용 중인 닉네임입니다." in page_text(response)
    me.refresh_from_db()
    assert me.nickname == "원래이름"


def test_member_changes_password_and_stays_logged_in(client, make_user):
    me = make_user()
    client.force_login(me)

    response = client.post(
        "/accounts/me/password/",
        {"old_password": "correct-horse-battery", "new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD},
    )

    assert response.status_code == 302
    me.refresh_from_db()
    assert me.check_password(GOOD_PASSWORD)
    assert client.get("/accounts/me/").status_code == 200


def test_withdrawal_deactivates_and_keeps_posts_as_withdrawn_member(client, make_user, make_post):
    me = make_user(nickname="떠나는회원")
    post = make_post(author=me, title="남겨질 글")
    client.force_login(me)

    refused = client.post("/accounts/me/withdraw/", {"password": "wrong"})
    assert refused.status_code == 400
    assert "비밀번호가 올바르지 않습니다." in page_text(refused)

    response = client.post("/accounts/me/withdraw/", {"password": "correct-horse-battery"})

    assert response.status_code == 302
    me.refresh_from_db()
    assert not me.is_active and me.withdrawn_at
    text = page_text(client.get(post.get_absolute_url()))
    assert "남겨질 글" in text
    assert "작성자 탈퇴한 회원" in text
    assert "떠나는회원" not in text
    client.post("/accounts/logout/")
    again = client.post("/accounts/login/", {"username": me.username, "password": "correct-horse-battery"})
    assert again.status_code == 400
    assert "탈퇴한 계정입니다" in page_text(again)


# --- Public profile ----------------------------------------------------------------------


def test_public_profile_shows_counts_and_latest_activity(client, make_user, make_post, make_comment):
    member = make_user(username="neuralcat", nickname="딥러닝고양이")
    make_post(author=member, title="고양이의 글")
    make_post(author=member, title="숨긴 글", hidden=True)
    make_comment(make_post(), body="고양이의 댓글", author=member)

    text = main_text(client.get("/u/neuralcat/"))

    assert "딥러닝고양이" in text
    assert "글 1" in text and "댓글 1" in text
    assert "고양이의 글" in text and "고양이의 댓글" in text
    assert "숨긴 글" not in text


def test_unknown_profile_is_404(client, db):
    assert client.get("/u/nobody/").status_code == 404


# --- Password reset ----------------------------------------------------------------------


def test_password_reset_by_email_link(client, make_user, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    member = make_user(username="forgetful", email="forgetful@example.com")

    client.post("/accounts/password-reset/", {"email": "forgetful@example.com"})

    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    set_url = form_page.redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password(GOOD_PASSWORD)
    # The token is single-use.
    assert "링크가 만료되었거나" in page_text(client.get(link, follow=True))


# --- Login brute force (django-axes, per account and address) ----------------------------


def login_from(address, username, password, path="/accounts/login/", **headers):
    from django.test import Client

    return Client(REMOTE_ADDR=address, **headers).post(path, {"username": username, "password": password})


def test_five_failures_lock_that_account_from_that_address_only(make_user):
    make_user(username="target", password="correct-horse-battery")

    statuses = [login_from("203.0.113.7", "target", f"guess{i}").status_code for i in range(5)]
    # Now even the right password is refused from the guessing address …
    refused = login_from("203.0.113.7", "TARGET", "correct-horse-battery")
    # … while the owner, from their own address, logs in.
    owner = login_from("198.51.100.2", "target", "correct-horse-battery")

    assert statuses == [400] * 4 + [429]  # the fifth wrong password already says so
    assert refused.status_code == 429
    assert "로그인 시도가 너무 많습니다. 15분 뒤에 다시 시도해 주세요." in page_text(refused)
    assert owner.status_code == 302


def test_one_members_typos_never_lock_another_member_out_of_a_shared_address(make_user):
    """Behind a carrier's NAT, an office or our own nginx, many members share an address."""
    make_user(username="typist", password="correct-horse-battery")
    make_user(username="neighbour", password="correct-horse-battery")
    for i in range(8):
        login_from("203.0.113.9", "typist", f"typo{i}")

    assert login_from("203.0.113.9", "typist", "correct-horse-battery").status_code == 429
    assert login_from("203.0.113.9", "neighbour", "correct-horse-battery").status_code == 302


def test_the_admin_login_is_braked_too(make_user):
    make_user(username="boss", password="correct-horse-battery", is_staff=True, is_superuser=True)
    for i in range(8):
        login_from("203.0.113.20", "boss", f"wrong{i}", path="/admin/login/")

    right = login_from("203.0.113.20", "boss", "correct-horse-battery", path="/admin/login/")

    assert right.status_code == 429
    assert "로그인 시도가 너무 많습니다" in page_text(right)
    assert "_auth_user_id" not in right.client.session


def test_a_banned_member_is_told_so_but_only_with_the_right_password(make_user, moderator):
    from accounts import services as member_services

    spammer = make_user(username="spammer", password="correct-horse-battery")
    member_services.ban_member(user=spammer, moderator=moderator)

    with_password = login_from("192.0.2.1", "spammer", "correct-horse-battery")
    guessing = login_from("192.0.2.1", "spammer", "wrong-password")

    assert with_password.status_code == 400
    assert "운영진이 정지한 계정입니다" in page_text(with_password)
    assert "아이디 또는 비밀번호가 올바르지 않습니다" in page_text(guessing)
    assert "정지" not in page_text(guessing)


@pytest.mark.parametrize(
    "trusted, remote, forwarded, counted_as",
    [
        ([], "203.0.113.5", "198.51.100.77", "203.0.113.5"),  # no proxy configured: the header is ignored
        (["127.0.0.1"], "203.0.113.5", "198.51.100.77", "203.0.113.5"),  # not from our proxy: ignored
        (["127.0.0.1"], "127.0.0.1", "198.51.100.77", "198.51.100.77"),  # nginx on this machine
        (["127.0.0.1"], "127.0.0.1", "10.9.9.9, 198.51.100.77", "198.51.100.77"),  # the client's own claim skipped
        (["127.0.0.1", "10.0.0.0/8"], "127.0.0.1", "198.51.100.77, 10.1.2.3", "198.51.100.77"),  # two hops
        (["127.0.0.1"], "127.0.0.1", "not-an-address", "127.0.0.1"),
    ],
)
def test_the_client_address_comes_from_trusted_proxies_only(settings, rf, trusted, remote, forwarded, counted_as):
    from config.proxies import client_address

    settings.TRUSTED_PROXIES = trusted
    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)

    assert client_address(request) == counted_as


def test_a_spoofed_forwarded_for_cannot_dodge_the_brake(settings, make_user):
    """Each guess claims another address in X-Forwarded-For; without a trusted proxy in
    front, the brake still counts them as the one address they came from."""
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    make_user(username="target2", password="correct-horse-battery")
    for i in range(5):
        login_from("203.0.113.66", "target2", f"guess{i}", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}")

    assert login_from("203.0.113.66", "target2", "correct-horse-battery").status_code == 429


def test_a_success_clears_the_accounts_failures(make_user):
    from django.test import Client

    make_user(username="forgetful", password="correct-horse-battery")
    for i in range(4):
        Client(REMOTE_ADDR=f"192.0.2.{i}").post("/accounts/login/", {"username": "forgetful", "password": "x"})
    assert (
        Client(REMOTE_ADDR="192.0.2.50")
        .post("/accounts/login/", {"username": "forgetful", "password": "correct-horse-battery"})
        .status_code
        == 302
    )

    for i in range(4):
        Client(REMOTE_ADDR=f"192.0.2.{10 + i}").post("/accounts/login/", {"username": "forgetful", "password": "x"})
    assert (
        Client(REMOTE_ADDR="192.0.2.60")
        .post("/accounts/login/", {"username": "forgetful", "password": "correct-horse-battery"})
        .status_code
        == 302
    )
