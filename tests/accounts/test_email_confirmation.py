"""E-mail confirmation before writing (ACCOUNTS_REQUIRE_EMAIL_CONFIRMATION): the link, its
refusals (forged, expired, twice, another member's), 다시 보내기, and the pages members share."""

import re

import pytest
from django.core import mail, signing
from django.test import Client

from accounts import confirmation
from accounts.models import EmailConfirmation, User
from board.models import Comment, Post
from tests.accounts.test_accounts import signup_data
from tests.conftest import page_text

NOT_CONFIRMED = "이메일 인증을 마쳐야 글과 댓글을 쓸 수 있습니다."


@pytest.fixture
def required(settings):
    settings.ACCOUNTS_REQUIRE_EMAIL_CONFIRMATION = True
    return settings


def join(client, **overrides):
    response = client.post("/accounts/signup/", signup_data(**overrides), follow=True)
    assert response.status_code == 200
    return User.objects.get(username=overrides.get("username", "newbie"))


def link_in(message):
    return re.search(r"http://testserver(/accounts/confirm-email/[^/\s]+/)", message.body).group(1)


@pytest.fixture
def newcomer(client, required, board):
    """A member just joined with confirmation on; `client` is theirs."""
    return join(client)


def test_sign_up_sends_a_link_and_says_so(client, newcomer):
    assert EmailConfirmation.objects.get(user=newcomer).confirmed_at is None
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["newbie@example.com"]
    assert link_in(mail.outbox[0])
    assert EmailConfirmation.objects.get(user=newcomer).sent_at is not None


def test_until_confirmed_they_read_but_do_not_write(client, newcomer, make_post):
    post = make_post(title="읽을 수 있는 글")

    assert client.get(post.get_absolute_url()).status_code == 200
    write = client.get("/b/ainews/write/")
    assert write.status_code == 403 and NOT_CONFIRMED in page_text(write)
    assert "인증 메일 다시 보내기" in page_text(write)
    posted = client.post("/b/ainews/write/", {"title": "제목", "body": "본문", "tags_text": "", "source_url": ""})
    commented = client.post(f"/b/ainews/{post.pk}/comments/", {"body": "댓글"})
    assert posted.status_code == commented.status_code == 403
    assert NOT_CONFIRMED in page_text(commented)
    assert not Post.objects.filter(author=newcomer).exists() and not Comment.objects.exists()


def test_the_article_shows_them_the_notice_instead_of_the_comment_form(client, newcomer, make_post, make_user):
    post = make_post()
    confirmed = Client()
    confirmed.force_login(make_user("bora", nickname="보라"))
    confirmed.get(post.get_absolute_url())  # the page members share, rendered by a confirmed member

    html = client.get(post.get_absolute_url())

    assert "X-Page-Cache" not in html  # rendered for them alone
    assert 'id="comment-form"' not in html.content.decode()
    assert "인증 메일 다시 보내기" in page_text(html)
    # …and their page was not stored for the others, who still get the form.
    shared = confirmed.get(post.get_absolute_url())
    assert shared["X-Page-Cache"] == "hit" and 'id="comment-form"' in shared.content.decode()


def test_the_confirmed_member_renders_first_and_the_newcomer_still_gets_no_form(client, newcomer, make_post):
    post = make_post()
    client.get(post.get_absolute_url())
    other = Client()
    other.force_login(User.objects.create_user("cora", "cora@example.com", "pw-123456789", nickname="코라"))
    assert 'id="comment-form"' in other.get(post.get_absolute_url()).content.decode()
    assert 'id="comment-form"' not in client.get(post.get_absolute_url()).content.decode()


def test_the_link_asks_then_confirms_and_they_write(client, newcomer, make_post):
    url = link_in(mail.outbox[0])
    page = client.get(url)
    assert page.status_code == 200 and "이메일 인증하기" in page_text(page)
    assert EmailConfirmation.objects.get(user=newcomer).confirmed_at is None  # GET changes nothing

    done = client.post(url, follow=True)

    assert "이메일 인증을 마쳤습니다. 이제 글과 댓글을 쓸 수 있습니다." in page_text(done)
    assert EmailConfirmation.objects.get(user=newcomer).confirmed_at is not None
    assert client.get("/b/ainews/write/").status_code == 200
    post = make_post()
    assert client.post(f"/b/ainews/{post.pk}/comments/", {"body": "첫 댓글"}).status_code == 302
    assert confirmation.SESSION_FLAG not in client.session


def test_confirming_twice_says_it_is_done(client, newcomer):
    url = link_in(mail.outbox[0])
    client.post(url)

    again = client.post(url)

    assert again.status_code == 400
    assert "이미 인증을 마친 이메일입니다." in page_text(again)


def test_a_link_opened_in_another_browser_confirms_and_the_first_session_catches_up(client, newcomer, make_post):
    Client().post(link_in(mail.outbox[0]))  # not logged in: the mailbox is the proof
    post = make_post()

    assert EmailConfirmation.objects.get(user=newcomer).confirmed_at is not None
    assert 'id="comment-form"' in client.get(post.get_absolute_url()).content.decode()
    assert confirmation.SESSION_FLAG not in client.session


@pytest.mark.parametrize(
    "token",
    ["garbage", "eyJ1IjoxfQ:1abc:forged", signing.TimestampSigner(salt="other").sign_object({"u": 1, "e": "x"})],
)
def test_a_forged_token_is_refused_in_korean(client, newcomer, token):
    for response in (client.get(f"/accounts/confirm-email/{token}/"), client.post(f"/accounts/confirm-email/{token}/")):
        assert response.status_code == 400
        assert "올바르지 않은 인증 링크입니다." in page_text(response)
    assert EmailConfirmation.objects.get(user=newcomer).confirmed_at is None


def test_a_token_signed_with_another_key_for_this_member_is_refused(client, newcomer):
    signer = signing.TimestampSigner(key="not-this-sites-key", salt="accounts.email-confirmation")
    token = signer.sign_object({"u": newcomer.pk, "e": newcomer.email})

    assert client.post(f"/accounts/confirm-email/{token}/").status_code == 400
    assert EmailConfirmation.objects.get(user=newcomer).confirmed_at is None


def test_an_expired_token_is_refused_in_korean(client, newcomer, settings):
    settings.ACCOUNTS_CONFIRMATION_MAX_AGE = -1  # every token is older than that

    response = client.post(link_in(mail.outbox[0]))

    assert response.status_code == 400
    assert "인증 링크의 유효 기간이 지났습니다." in page_text(response)
    assert EmailConfirmation.objects.get(user=newcomer).confirmed_at is None


def test_another_members_token_confirms_neither(client, newcomer):
    alices_link = link_in(mail.outbox[0])
    other = Client()
    join(other, username="other_one", nickname="다른회원", email="other@example.com")

    response = other.post(alices_link)

    assert response.status_code == 403
    assert "다른 회원의 인증 링크입니다." in page_text(response)
    assert not EmailConfirmation.objects.filter(confirmed_at__isnull=False).exists()


def test_a_link_for_an_address_since_changed_is_refused(client, newcomer):
    old_link = link_in(mail.outbox[0])
    changed = client.post("/accounts/me/profile/", {"nickname": "새내기", "email": "changed@example.com"}, follow=True)
    assert "새 이메일 주소로 인증 메일을 받으려면" in page_text(changed)

    response = client.post(old_link)

    assert response.status_code == 400 and "이메일 주소가 바뀌어" in page_text(response)
    assert EmailConfirmation.objects.get(user=newcomer).email == "changed@example.com"


def test_sending_again_is_rate_limited(client, newcomer, settings, mid_window):
    limit = settings.BOARD_RATE_LIMITS["confirmation_mail"][0]
    for _ in range(limit):
        response = client.post("/accounts/me/confirm-email/send/", follow=True)
        assert "인증 메일을 다시 보냈습니다." in page_text(response)

    refused = client.post("/accounts/me/confirm-email/send/")

    assert refused.status_code == 429 and "너무 자주 요청했습니다." in page_text(refused)
    assert len(mail.outbox) == 1 + limit
    assert client.get("/accounts/me/confirm-email/send/").status_code == 405


def test_sending_again_with_a_failing_mail_server(client, newcomer, settings):
    sent_at = EmailConfirmation.objects.get(user=newcomer).sent_at
    settings.EMAIL_BACKEND = "tests.accounts.mail_backends.FailingBackend"

    response = client.post("/accounts/me/confirm-email/send/")

    assert response.status_code == 503
    assert "메일 서버에 문제가 있어 메일을 보내지 못했습니다." in page_text(response)
    assert EmailConfirmation.objects.get(user=newcomer).sent_at == sent_at


def test_sign_up_with_a_failing_mail_server_keeps_the_member_and_says_what_to_do(client, required, board, settings):
    settings.EMAIL_BACKEND = "tests.accounts.mail_backends.FailingBackend"

    response = client.post("/accounts/signup/", signup_data(), follow=True)

    assert "인증 메일을 보내지 못했습니다." in page_text(response)
    assert EmailConfirmation.objects.get(user__username="newbie").sent_at is None


def test_my_menu_shows_the_state_and_the_button(client, newcomer):
    text = page_text(client.get("/accounts/me/"))
    assert "아직 이메일 인증을 마치지 않았습니다." in text and "인증 메일 다시 보내기" in text


def test_members_from_before_and_imported_ones_write_at_once(client, required, author, make_post):
    """No EmailConfirmation row: nothing to confirm (older, imported, admin-made members)."""
    client.force_login(author)
    post = make_post()
    assert client.get("/b/ainews/write/").status_code == 200
    assert client.post(f"/b/ainews/{post.pk}/comments/", {"body": "바로 댓글"}).status_code == 302


def test_a_login_flags_an_unconfirmed_session(client, newcomer):
    client.logout()
    client.post("/accounts/login/", {"username": "newbie", "password": signup_data()["password1"]})
    assert client.session.get(confirmation.SESSION_FLAG) is True


def test_with_the_setting_off_nothing_is_asked(client, db, board):
    join(client)
    assert not EmailConfirmation.objects.exists() and mail.outbox == []
    assert client.get("/b/ainews/write/").status_code == 200


def test_the_setting_turned_off_later_frees_waiting_members(client, newcomer, settings):
    settings.ACCOUNTS_REQUIRE_EMAIL_CONFIRMATION = False
    assert client.get("/b/ainews/write/").status_code == 200


def test_admin_confirms_by_hand(newcomer, make_user):
    boss = Client()
    boss.force_login(make_user("boss", nickname="최고관리자", is_staff=True, is_superuser=True))
    pending = EmailConfirmation.objects.get(user=newcomer)

    boss.post(
        "/admin/accounts/emailconfirmation/",
        {"action": "confirm_by_hand", "_selected_action": [pending.pk]},
    )

    assert EmailConfirmation.objects.get(pk=pending.pk).confirmed_at is not None


def test_confirmed_members_pay_no_query_for_it_on_a_shared_page(
    required, make_post, make_user, django_assert_max_num_queries
):
    post = make_post()
    reader = Client()
    reader.force_login(make_user("dana", nickname="다나"))
    reader.get(post.get_absolute_url())
    reader.get(post.get_absolute_url())

    # At most the session, the user and the view count (with Redis only the user; the vote
    # box asks nothing on a post without votes): no confirmation lookup
    with django_assert_max_num_queries(3):
        response = reader.get(post.get_absolute_url())
    assert response["X-Page-Cache"] == "hit"
