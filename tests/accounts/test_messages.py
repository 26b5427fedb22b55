"""쪽지: sending from a name, both boxes, read receipts, deleting from one's own box, 차단,
신고, the header's unread count on shared pages, limits and hostile input."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts import messaging
from accounts.models import Message, MessageBlock, Notification
from accounts.services import ban_member, withdraw_member
from board import services
from tests.conftest import main_text, member_client, page_text


def url(name):
    """Resolved when a test runs: reverse() at import would load the URLconf before
    pytest-django's settings (with the development media route)."""
    return reverse(name)


@pytest.fixture
def minsu(make_user):
    return make_user("minsu", nickname="민수")


@pytest.fixture
def jiyoung(make_user):
    return make_user("jiyoung", nickname="지영")


def send(client, to, body="안녕하세요, 글 잘 읽었습니다."):
    return client.post(url("accounts:message_compose"), {"to": to, "body": body})


def fresh(user):
    user.refresh_from_db()
    return user


def test_a_message_reaches_the_inbox_with_a_read_receipt_for_the_sender(minsu, jiyoung):
    response = send(member_client(minsu), "지영")
    assert response.status_code == 302 and response["Location"] == url("accounts:messages_sent")
    message = Message.objects.get()
    assert (message.sender, message.recipient, message.read_at) == (minsu, jiyoung, None)
    assert fresh(jiyoung).unread_message_count == 1
    assert Notification.objects.get(recipient=jiyoung).kind == Notification.MESSAGE
    assert "안 읽음" in main_text(member_client(minsu).get(url("accounts:messages_sent")))

    reader = member_client(jiyoung)
    assert "민수" in main_text(reader.get(url("accounts:messages")))
    page = reader.get(reverse("accounts:message_detail", args=[message.pk]))
    assert "글 잘 읽었습니다" in main_text(page)
    message.refresh_from_db()
    assert message.read_at is not None
    jiyoung = fresh(jiyoung)
    assert (jiyoung.unread_message_count, jiyoung.unread_notification_count) == (0, 0)  # its 알림 read too
    assert "읽음 20" in main_text(member_client(minsu).get(url("accounts:messages_sent")))  # 읽음 with its time
    # The sender opening it again is not a read.
    member_client(minsu).get(reverse("accounts:message_detail", args=[message.pk]))
    assert Message.objects.get().read_at == message.read_at


def test_the_body_is_plain_text_with_safe_links(minsu, jiyoung):
    body = '<script>alert(1)</script> <b>굵게</b> https://example.com/a?b=1&c="x" javascript:alert(1)'
    message = messaging.send_message(sender=minsu, recipient=jiyoung, body=body)
    html = member_client(jiyoung).get(reverse("accounts:message_detail", args=[message.pk])).content.decode()
    assert "<script>alert" not in html and "<b>굵게" not in html
    assert "&lt;script&gt;" in html
    assert re.search(r'<a href="https://example.com/a\?b=1&amp;c=" rel="nofollow">', html)
    assert 'href="javascript' not in html


def test_compose_from_the_name_menu_has_the_recipient_filled(make_post, minsu, jiyoung):
    post = make_post(author=jiyoung, title="지영의 글")
    html = Client().get(post.get_absolute_url()).content.decode()
    menu = re.search(r'<details class="name-menu">.*?</details>', html, re.S).group(0)
    assert reverse("profile", args=["jiyoung"]) in menu and "작성글 보기" in menu
    link = re.search(r'href="([^"]*\?to=[^"]*)">쪽지 보내기', menu).group(1).replace("&amp;", "&")
    form = member_client(minsu).get(link).content.decode()
    assert re.search(r'name="to" value="지영"', form)


def test_delete_removes_it_from_ones_own_box_only(minsu, jiyoung):
    message = messaging.send_message(sender=minsu, recipient=jiyoung, body="지울 쪽지")
    response = member_client(jiyoung).post(reverse("accounts:message_delete", args=[message.pk]))
    assert response.status_code == 302
    assert fresh(jiyoung).unread_message_count == 0  # an unread one deleted is no longer counted
    assert "지울 쪽지" not in main_text(member_client(jiyoung).get(url("accounts:messages")))
    assert "지울 쪽지" in main_text(member_client(minsu).get(url("accounts:messages_sent")))  # the sender keeps theirs
    member_client(minsu).post(reverse("accounts:message_delete", args=[message.pk]))
    assert not Message.objects.exists()  # gone once both sides deleted it


def test_a_blocked_member_is_refused_in_korean(minsu, jiyoung):
    reader = member_client(jiyoung)
    response = reader.post(reverse("accounts:blocks"), {"nickname": "민수"})
    assert response.status_code == 302 and MessageBlock.objects.filter(blocker=jiyoung, blocked=minsu).exists()

    response = send(member_client(minsu), "지영")
    assert response.status_code == 403
    assert "지영님이 회원님의 쪽지를 차단해 보낼 수 없습니다." in page_text(response)
    assert not Message.objects.exists() and fresh(jiyoung).unread_message_count == 0
    with pytest.raises(messaging.MessageRefused):
        messaging.send_message(sender=minsu, recipient=jiyoung, body="서비스로 보내도")
    # 지영 can still write to 민수, and 차단 해제 lets 민수 write again.
    assert send(reader, "민수").status_code == 302
    reader.post(reverse("accounts:unblock", args=[minsu.pk]))
    assert send(member_client(minsu), "지영").status_code == 302


def test_block_from_a_received_message(minsu, jiyoung):
    message = messaging.send_message(sender=minsu, recipient=jiyoung, body="광고입니다")
    member_client(jiyoung).post(reverse("accounts:message_block", args=[message.pk]))
    assert MessageBlock.objects.filter(blocker=jiyoung, blocked=minsu).exists()
    # The sender cannot block the recipient through their own sent message's button.
    assert member_client(minsu).post(reverse("accounts:message_block", args=[message.pk])).status_code == 404


def test_withdrawn_banned_and_oneself_are_refused(minsu, jiyoung, make_user, moderator):
    gone = make_user(nickname="떠난회원")
    withdraw_member(user=gone)
    response = send(member_client(minsu), "떠난회원")
    assert response.status_code == 400 and "찾을 수 없습니다" in page_text(response)
    assert send(member_client(minsu), "민수").status_code == 403
    ban_member(user=jiyoung, moderator=moderator)
    with pytest.raises(messaging.MessageRefused):
        messaging.send_message(sender=minsu, recipient=fresh(jiyoung), body="정지된 회원에게")
    with pytest.raises(messaging.MessageRefused):
        messaging.send_message(sender=fresh(jiyoung), recipient=minsu, body="정지된 회원이")
    assert not Message.objects.exists()


def test_another_members_message_is_a_404_everywhere(minsu, jiyoung, make_user):
    message = messaging.send_message(sender=minsu, recipient=jiyoung, body="둘만의 쪽지")
    stranger = member_client(make_user())
    for name in ("message_detail", "message_report"):
        assert stranger.get(reverse(f"accounts:{name}", args=[message.pk])).status_code == 404
    for name in ("message_delete", "message_block", "message_report"):
        assert stranger.post(reverse(f"accounts:{name}", args=[message.pk]), {"reason": "x"}).status_code == 404
    message.refresh_from_db()
    assert not (message.sender_deleted or message.recipient_deleted or message.reported_at or message.read_at)
    # Once deleted from one's own box it is gone for that member too.
    member_client(jiyoung).post(reverse("accounts:message_delete", args=[message.pk]))
    assert member_client(jiyoung).get(reverse("accounts:message_detail", args=[message.pk])).status_code == 404


def test_forged_posts_without_csrf_are_refused(minsu, jiyoung):
    message = messaging.send_message(sender=minsu, recipient=jiyoung, body="원래 쪽지")
    forged = member_client(minsu, enforce_csrf_checks=True)
    assert send(forged, "지영", "위조").status_code == 403
    forged = member_client(jiyoung, enforce_csrf_checks=True)
    assert forged.post(reverse("accounts:message_delete", args=[message.pk])).status_code == 403
    assert forged.post(reverse("accounts:blocks"), {"nickname": "민수"}).status_code == 403
    assert Message.objects.count() == 1 and not MessageBlock.objects.exists()


def test_overlong_and_empty_bodies_come_back_with_the_text(minsu, jiyoung, settings):
    settings.BOARD_MESSAGE_MAX_LENGTH = 100
    response = send(member_client(minsu), "지영", "가" * 101)
    assert response.status_code == 400 and "100자 이하" in page_text(response)
    assert "가" * 101 in response.content.decode()
    assert send(member_client(minsu), "지영", "   ").status_code == 400
    assert send(member_client(minsu), "지영", "제어\x07문자").status_code == 400
    assert not Message.objects.exists()


def test_sending_is_rate_limited(minsu, jiyoung, settings, mid_window):
    settings.BOARD_RATE_LIMITS = {**settings.BOARD_RATE_LIMITS, "message": (2, 600)}
    client = member_client(minsu)
    assert [send(client, "지영").status_code for _ in range(3)] == [302, 302, 429]
    assert Message.objects.count() == 2
    # A refused send never used a slot up.


def test_reporting_opens_a_message_to_moderators_and_only_then(minsu, jiyoung, admin_client):
    private = messaging.send_message(sender=minsu, recipient=jiyoung, body="비밀 이야기")
    reported = messaging.send_message(sender=minsu, recipient=jiyoung, body="욕설이 담긴 쪽지")
    changelist = admin_client.get(reverse("admin:accounts_message_changelist"))
    assert "욕설이 담긴" not in page_text(changelist) and "비밀 이야기" not in page_text(changelist)

    # Only the recipient reports; the sender gets a 404.
    report = reverse("accounts:message_report", args=[reported.pk])
    assert member_client(minsu).post(report, {"reason": "욕"}).status_code == 404
    response = member_client(jiyoung).post(report, {"reason": "욕설"})
    assert response.status_code == 302
    changelist = admin_client.get(reverse("admin:accounts_message_changelist"))
    assert changelist.status_code == 200 and f"/{reported.pk}/" in changelist.content.decode()
    assert admin_client.get(reverse("admin:accounts_message_change", args=[reported.pk])).status_code == 200
    assert "욕설이 담긴" in page_text(admin_client.get(reverse("admin:accounts_message_change", args=[reported.pk])))
    hidden = admin_client.get(reverse("admin:accounts_message_change", args=[private.pk]))
    assert hidden.status_code in (302, 403, 404) and "비밀 이야기" not in page_text(hidden)
    # Reported messages outlive both sides' deletes (moderators still need them).
    member_client(jiyoung).post(reverse("accounts:message_delete", args=[reported.pk]))
    member_client(minsu).post(reverse("accounts:message_delete", args=[reported.pk]))
    assert Message.objects.filter(pk=reported.pk).exists()


def test_the_header_badge_is_a_member_slot_on_shared_pages(make_post, minsu, jiyoung):
    post = make_post(title="같이 보는 글")
    member_client(minsu).get(post.get_absolute_url())
    messaging.send_message(sender=minsu, recipient=jiyoung, body="하나")
    reader = member_client(jiyoung)
    reader.get(post.get_absolute_url())
    response = reader.get(post.get_absolute_url())
    assert response["X-Page-Cache"] == "hit"
    header = re.search(r'<header class="site-header">.*?</header>', response.content.decode(), re.S).group(0)
    assert re.search(r'header-messages"[^>]*>쪽지 <span class="count-badge"[^>]*>.*?1<', header)
    # 민수 (nothing unread) gets the same cached page without 지영's count.
    other = member_client(minsu).get(post.get_absolute_url())
    assert other["X-Page-Cache"] == "hit" and "count-badge" not in other.content.decode()

    reader.get(reverse("accounts:message_detail", args=[Message.objects.get().pk]))
    after = reader.get(post.get_absolute_url())
    assert after["X-Page-Cache"] == "hit" and "count-badge" not in after.content.decode()


def test_recount_repairs_the_unread_counts(minsu, jiyoung):
    messaging.send_message(sender=minsu, recipient=jiyoung, body="하나")
    type(jiyoung).objects.filter(pk=jiyoung.pk).update(unread_message_count=7, unread_notification_count=0)
    fixed = services.recount_counters()
    assert fixed["unread_message_count"] == 1 and fixed["unread_notification_count"] == 1
    jiyoung = fresh(jiyoung)
    assert (jiyoung.unread_message_count, jiyoung.unread_notification_count) == (1, 1)


# --- Query budgets -----------------------------------------------------------------------


@pytest.mark.parametrize("rows", [1, 40])
@pytest.mark.parametrize("box", ["accounts:messages", "accounts:messages_sent"])
def test_boxes_have_a_fixed_query_budget(box, rows, minsu, jiyoung, make_user, django_assert_max_num_queries):
    for i in range(rows):
        messaging.send_message(sender=minsu, recipient=jiyoung, body=f"쪽지 {i}")
        messaging.send_message(sender=jiyoung, recipient=minsu, body=f"답장 {i}")
    client = member_client(jiyoung)
    client.get(url(box))
    with django_assert_max_num_queries(5):
        response = client.get(url(box))
    assert response.status_code == 200
    assert len(re.findall(r'<li class="message-row', response.content.decode())) == min(rows, 20)


def test_pages_rendered_for_one_member_show_the_badges_too(minsu, jiyoung, moderator):
    """마이메뉴 and 운영진's pages are not shared: the header is filled from the row directly."""
    messaging.send_message(sender=minsu, recipient=moderator, body="운영진께")
    for user, page in ((moderator, "/"), (jiyoung, url("accounts:me"))):
        html = member_client(user).get(page).content.decode()
        header = re.search(r'<header class="site-header">.*?</header>', html, re.S).group(0)
        assert 'class="header-link header-messages"' in header and "&lt;" not in header
    assert "count-badge" in member_client(moderator).get("/").content.decode()
