"""Names and trust (issue 14, point 5): reserved 닉네임 with their look-alikes, the 운영진
badge beside staff names wherever a name appears, and one 닉네임 change a month."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import User
from accounts.names import name_key, reserved_reason
from board import services
from tests.conftest import page_text

GOOD_PASSWORD = "강화학습-grpo-2025"


def signup(client, nickname):
    return client.post(
        "/accounts/signup/",
        {
            "username": "newbie",
            "nickname": nickname,
            "email": "newbie@example.com",
            "password1": GOOD_PASSWORD,
            "password2": GOOD_PASSWORD,
            "agree_terms": "on",
            "agree_privacy": "on",
        },
    )


# --- Reserved names ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "nickname",
    [
        "관리자",
        "운영자",
        "운영진",
        "시스템",
        "admin",
        "Administrator",
        "staff",
        "moderator",
        "관 리 자",  # spaces
        "관\u200b리\u200d자",  # zero-width space and joiner
        "\ufeff운영진",  # a byte-order mark in front
        "ａｄｍｉｎ",  # full-width letters
        "ＡＤＭＩＮ",
        "Admin_",
        "admin1",
        "관리자님",
        "AI 뉴스",  # a board's name
        "ai뉴스",
        "자유 게시판",
        "AI 뉴스 보드",  # the site's
    ],
)
def test_reserved_names_and_their_look_alikes_are_refused_at_signup(client, make_board, nickname):
    make_board()
    make_board(slug="free", name="자유게시판")

    response = signup(client, nickname)

    # Before: any member could be "관리자", and their comments read as the site's.
    assert response.status_code == 400
    assert re.search(
        r"(운영진과 헷갈릴 수 있어|운영진이나 시스템으로 보이는|사이트나 게시판 이름은)", page_text(response)
    )
    assert not User.objects.filter(username="newbie").exists()


@pytest.mark.parametrize("nickname", ["배드민턴", "badminton", "크리스탈피", "AI러버", "모더레이션공부"])
def test_ordinary_names_stay_free(client, board, nickname):
    assert signup(client, nickname).status_code == 302


def test_invisible_characters_are_taken_out_of_the_stored_name(client, db):
    signup(client, "새\u200b내\u2060기\u3164")

    assert User.objects.get(username="newbie").nickname == "새내기"


def test_a_name_of_invisible_characters_only_is_refused(client, db):
    response = signup(client, "\u3164\u200b\u3164")

    assert response.status_code == 400
    assert "닉네임은 보이는 글자로 2자 이상 입력해 주세요." in page_text(response)


def test_the_same_rules_apply_when_a_member_changes_their_name(client, make_user):
    member = make_user()
    client.force_login(member)

    response = client.post("/accounts/me/profile/", {"nickname": "운 영 자", "email": member.email})

    assert response.status_code == 400
    assert "운영진과 헷갈릴 수 있어 쓸 수 없습니다." in page_text(response)


def test_name_key_folds_what_a_reader_cannot_tell_apart():
    assert name_key("Ａ Ｄ\u200bＭ-I_N") == "admin"
    assert reserved_reason("badminton") is None
    assert reserved_reason("크리스탈피", ["AI 뉴스"]) is None


# --- The 운영진 badge --------------------------------------------------------------------


STAFF_BADGE = '<span class="badge badge-staff" title="사이트 운영진">운영진</span>'


def byline_of(html, name):
    """The byline fragment showing `name`."""
    match = re.search(rf'<span class="byline"><span class="author">{re.escape(name)}</span>(.*?)</span>', html)
    return match.group(0) if match else None


def test_staff_names_carry_the_badge_everywhere_and_members_names_do_not(client, moderator, make_user, make_post):
    member = make_user(nickname="평회원")
    by_staff = make_post(title="운영진이 쓴 글", author=moderator)
    make_post(title="회원이 쓴 글", author=member)
    services.add_comment(post=by_staff, author=moderator, body="운영진 댓글")
    services.add_comment(post=by_staff, author=member, body="회원 댓글")

    pages = {
        "list": client.get("/b/ainews/"),
        "article": client.get(by_staff.get_absolute_url()),
        "new": client.get("/new/"),
        "home": client.get("/"),
        "profile": client.get(f"/u/{moderator.username}/"),
    }

    for name, response in pages.items():
        html = response.content.decode()
        staff = byline_of(html, "운영자")
        assert staff is not None and STAFF_BADGE in staff, name
        plain = byline_of(html, "평회원")
        if plain is not None:
            assert "badge-staff" not in plain, name
    sidebar = re.search(r'<aside class="sidebar".*?</aside>', pages["home"].content.decode(), re.S).group(0)
    assert STAFF_BADGE in byline_of(sidebar, "운영자")  # 최근 댓글, from the cached sidebar


def test_a_withdrawn_or_banned_staff_member_has_no_badge(client, moderator, make_post):
    post = make_post(author=moderator)
    User.objects.filter(pk=moderator.pk).update(is_active=False)

    html = client.get(post.get_absolute_url()).content.decode()

    assert "badge-staff" not in byline_of(html, "운영자")


# --- One 닉네임 change a month -----------------------------------------------------------


def test_a_nickname_change_waits_for_the_next_allowed_date_which_the_page_shows(client, make_user, settings):
    settings.BOARD_NICKNAME_CHANGE_DAYS = 30
    member = make_user(nickname="처음이름")
    client.force_login(member)

    first = client.post("/accounts/me/profile/", {"nickname": "두번째이름", "email": member.email})
    member.refresh_from_db()
    next_allowed = timezone.localtime(member.nickname_changed_at + timedelta(days=30)).strftime("%Y.%m.%d %H:%M")
    page = client.get("/accounts/me/")
    second = client.post("/accounts/me/profile/", {"nickname": "세번째이름", "email": member.email})
    email_only = client.post("/accounts/me/profile/", {"nickname": "두번째이름", "email": "new@example.com"})

    assert first.status_code == 302 and member.nickname == "두번째이름"
    assert f"다음 변경 가능일: {next_allowed}" in page_text(page)
    assert second.status_code == 400
    assert f"닉네임은 30일에 한 번만 바꿀 수 있습니다. 다음 변경 가능일: {next_allowed}" in page_text(second)
    assert email_only.status_code == 302  # the e-mail may change any time
    member.refresh_from_db()
    assert member.nickname == "두번째이름" and member.email == "new@example.com"


def test_after_the_wait_the_name_may_change_again(client, make_user, settings):
    settings.BOARD_NICKNAME_CHANGE_DAYS = 30
    member = make_user(nickname="처음이름", nickname_changed_at=timezone.now() - timedelta(days=31))
    client.force_login(member)

    response = client.post("/accounts/me/profile/", {"nickname": "새이름", "email": member.email})

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.nickname == "새이름"
    assert timezone.now() - member.nickname_changed_at < timedelta(minutes=1)


def test_the_name_chosen_at_signup_can_be_changed_once_at_once(client, db):
    signup(client, "가입할때이름")

    response = client.post("/accounts/me/profile/", {"nickname": "바로바꾼이름", "email": "newbie@example.com"})

    assert response.status_code == 302


def test_an_imported_visitors_name_is_marked_and_never_badged(client, make_post, moderator):
    """Posts and comments imported from Gnuboard5 may be a visitor's (no member): the one
    byline fragment shows the name they gave, marked 비회원."""
    post = make_post(title="손님 글")
    post.__class__.objects.filter(pk=post.pk).update(author=None, guest_name="운영자")
    comment = services.add_comment(post=post, author=moderator, body="운영진 답")
    comment.__class__.objects.filter(pk=comment.pk).update(author=None, guest_name="지나가던 손님")

    for url in ("/b/ainews/", post.get_absolute_url()):
        html = client.get(url).content.decode()
        assert byline_of(html, "운영자 (비회원)") is not None, url
        assert "badge-staff" not in byline_of(html, "운영자 (비회원)")
    assert byline_of(client.get(post.get_absolute_url()).content.decode(), "지나가던 손님 (비회원)")
