"""알림: replies, @닉네임 mentions (links in the stored HTML), moderator actions and new
쪽지, created in the write's transaction; the list, 모두 읽음, per-kind settings, budgets."""

import re

import pytest
from django.urls import reverse

from accounts import messaging
from accounts.models import Notification
from accounts.services import withdraw_member
from board import markup, services
from tests.conftest import main_text, member_client


def url(name):
    """Resolved when a test runs: reverse() at import would load the URLconf before
    pytest-django's settings (with the development media route)."""
    return reverse(name)


@pytest.fixture
def writer(make_user):
    return make_user("writer", nickname="글쓴이")


@pytest.fixture
def reader(make_user):
    return make_user("reader", nickname="철수")


def kinds(user):
    return list(Notification.objects.filter(recipient=user).order_by("id").values_list("kind", flat=True))


def unread(user):
    user.refresh_from_db()
    return user.unread_notification_count


def test_a_comment_notifies_the_posts_author_and_a_reply_the_comments(make_post, writer, reader, make_user):
    post = make_post(author=writer, title="모델 소식")
    comment = services.add_comment(post=post, author=reader, body="좋은 글이네요")
    assert kinds(writer) == [Notification.REPLY_POST] and unread(writer) == 1
    third = make_user(nickname="영희")
    services.add_comment(post=post, author=third, body="동감입니다", parent=comment)
    assert kinds(reader) == [Notification.REPLY_COMMENT]
    assert kinds(writer) == [Notification.REPLY_POST, Notification.REPLY_POST]
    # One's own comment on one's own post notifies no one.
    services.add_comment(post=post, author=writer, body="감사합니다")
    assert unread(writer) == 2


def test_a_mention_is_a_link_in_the_stored_html_and_a_notification(make_post, writer, reader):
    post = make_post(author=writer)
    comment = services.add_comment(post=post, author=writer, body="@철수님 이것 보세요. `@철수` 는 코드. me@철수.com")
    profile = reverse("profile", args=["reader"])
    assert f'<a href="{profile}">@철수</a>님' in comment.body_html
    assert "<code>@철수</code>" in comment.body_html
    assert comment.body_html.count(profile) == 1
    assert kinds(reader) == [Notification.MENTION]
    # What is stored passes the allow-list: cleaning it again keeps the link.
    assert f'href="{profile}"' in markup.render_comment(comment.body_html)

    created = services.create_post(board=post.board, author=writer, title="언급 글", body="@철수 의견 부탁해요")
    assert f'<a href="{profile}">@철수</a>' in created.body_html
    assert kinds(reader) == [Notification.MENTION, Notification.MENTION]
    # An edit notifies only names it adds.
    services.edit_post(post=created, title="언급 글", body="@철수 의견 부탁해요 (수정)", tags=[], source_url="")
    assert len(kinds(reader)) == 2


def test_mentions_never_reach_unknown_withdrawn_or_the_author(make_post, writer, reader, make_user):
    gone = make_user(nickname="탈퇴자")
    withdraw_member(user=gone)
    post = make_post(author=writer)
    comment = services.add_comment(post=post, author=writer, body="@없는사람 @탈퇴자 @글쓴이 안녕")
    assert comment.body_html.count("<a") == 1  # the author's own name is a link, and nothing more
    assert not Notification.objects.exists()


def test_a_hostile_mention_stays_escaped(make_post, writer, make_user):
    make_user("xss", nickname='x_"><b>')  # not a mentionable name anyway
    post = make_post(author=writer)
    comment = services.add_comment(post=post, author=writer, body='@x_"><script>alert(1)</script>')
    assert "<script>" not in comment.body_html and "<b>" not in comment.body_html


def test_a_moderators_hide_and_restore_notify_the_author(make_post, writer, moderator, make_comment):
    post = make_post(author=writer)
    services.hide_post(post=post, moderator=moderator, reason="광고")
    services.restore_post(post=post, moderator=moderator)
    comment = make_comment(post, author=writer, body="내 댓글")
    services.set_comment_hidden(comment=comment, moderator=moderator, hidden=True)
    assert kinds(writer) == [Notification.MODERATION] * 3
    texts = list(Notification.objects.filter(recipient=writer).order_by("id").values_list("text", flat=True))
    assert "숨겼습니다" in texts[0] and "다시 보이게" in texts[1] and "댓글" in texts[2]


def test_muted_kinds_are_not_created_and_settings_are_saved_from_my_menu(make_post, writer, reader):
    client = member_client(writer)
    response = client.post(reverse("accounts:notification_settings"), {"kinds": [Notification.MENTION]})
    assert response.status_code == 302
    writer.refresh_from_db()
    assert Notification.REPLY_POST in writer.muted_notifications
    post = make_post(author=writer)
    services.add_comment(post=post, author=reader, body="댓글")
    assert kinds(writer) == []
    services.add_comment(post=post, author=reader, body="@글쓴이 님 보세요")
    assert kinds(writer) == [Notification.MENTION]  # the comment mentions them: that kind is on
    checked = re.findall(r'<input[^>]*value="(\w+)"[^>]*checked', client.get(reverse("accounts:me")).content.decode())
    assert checked == [Notification.MENTION]


def test_the_list_open_and_read_all(make_post, writer, reader):
    post = make_post(author=writer, title="알림 받을 글")
    comment = services.add_comment(post=post, author=reader, body="첫 댓글")
    services.add_comment(post=post, author=reader, body="둘째 댓글")
    messaging.send_message(sender=reader, recipient=writer, body="쪽지")
    client = member_client(writer)
    page = client.get(url("accounts:notifications"))
    assert page.status_code == 200 and main_text(page).count("새 알림") == 3
    first = Notification.objects.filter(recipient=writer, comment=comment).get()
    response = client.post(reverse("accounts:notification_open", args=[first.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("board:comment", args=[comment.pk])
    assert unread(writer) == 2
    client.post(reverse("accounts:notifications_read_all"))
    assert unread(writer) == 0 and not Notification.objects.filter(read_at__isnull=True).exists()
    assert "새 알림" not in main_text(client.get(url("accounts:notifications")))


def test_another_members_notification_is_a_404_and_forged_posts_fail(make_post, writer, reader):
    post = make_post(author=writer)
    services.add_comment(post=post, author=reader, body="댓글")
    mine = Notification.objects.get()
    assert member_client(reader).post(reverse("accounts:notification_open", args=[mine.pk])).status_code == 404
    forged = member_client(writer, enforce_csrf_checks=True)
    assert forged.post(reverse("accounts:notifications_read_all")).status_code == 403
    assert forged.post(reverse("accounts:notification_open", args=[mine.pk])).status_code == 403
    assert member_client(writer).get(reverse("accounts:notifications_read_all")).status_code == 405
    assert unread(writer) == 1


def test_a_notification_is_made_in_the_writes_transaction(make_post, writer, reader, monkeypatch):
    """A comment that fails to save leaves no notification and no count behind."""
    post = make_post(author=writer)

    def broken(*args, **kwargs):
        raise RuntimeError("search index down")

    monkeypatch.setattr(services.comments.search, "index_comments", broken)
    with pytest.raises(RuntimeError):
        services.add_comment(post=post, author=reader, body="@글쓴이 댓글")
    assert not Notification.objects.exists() and unread(writer) == 0


@pytest.mark.parametrize("rows", [1, 45])
def test_the_notifications_page_has_a_fixed_query_budget(
    rows, make_post, writer, make_user, moderator, django_assert_max_num_queries
):
    posts = [make_post(author=writer) for _ in range(3)]
    members = [make_user() for _ in range(3)]
    for i in range(rows):
        kind = i % 3
        if kind == 0:
            services.add_comment(post=posts[i % 3], author=members[i % 3], body=f"댓글 {i}")
        elif kind == 1:
            messaging.send_message(sender=members[i % 3], recipient=writer, body=f"쪽지 {i}")
        else:
            services.hide_post(post=posts[i % 3], moderator=moderator) or services.restore_post(
                post=posts[i % 3], moderator=moderator
            )
    client = member_client(writer)
    client.get(url("accounts:notifications"))
    with django_assert_max_num_queries(5):
        response = client.get(url("accounts:notifications"))
    assert len(re.findall(r'<li class="notification-row', response.content.decode())) == min(rows, 20)


def test_a_post_hidden_by_reports_says_so(make_post, writer, reader, settings):
    settings.BOARD_AUTO_HIDE_REPORTS = 1
    post = make_post(author=writer)
    services.report_item(reporter=reader, reason="spam", post=post)
    notification = Notification.objects.get(recipient=writer)
    assert notification.kind == Notification.MODERATION and "신고가 쌓여" in notification.text
