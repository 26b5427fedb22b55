import io
import re

import pytest
from django.core.management import call_command
from django.test import Client

from accounts import services as member_services
from board import services
from board.models import Board, Comment, ModerationLog, Post, PostVote, Report
from tests.board.test_seed_demo import assert_counters_match_rows
from tests.conftest import main_text, page_text


@pytest.fixture
def mod_client(moderator):
    client = Client()
    client.force_login(moderator)
    return client


@pytest.fixture
def member_client(make_user):
    client = Client()
    client.force_login(make_user(username="plain", nickname="일반회원"))
    return client


def admin_action(client, model, action, ids, **extra):
    return client.post(f"/admin/board/{model}/", {"action": action, "_selected_action": ids, **extra})


def logs():
    return list(ModerationLog.objects.order_by("id").values_list("action", "target_title"))


def public_status(post):
    return Client().get(f"/b/{Board.objects.get(pk=post.board_id).slug}/{post.pk}/").status_code


# --- The moderator group -----------------------------------------------------------------


def test_moderator_is_not_a_superuser_and_reaches_every_moderation_page(mod_client, moderator, make_post):
    make_post()
    assert not moderator.is_superuser
    for url in [
        "/admin/",
        "/admin/board/post/",
        "/admin/board/comment/",
        "/admin/board/board/",
        "/admin/board/reportedpost/",
        "/admin/board/reportedcomment/",
        "/admin/board/report/",
        "/admin/board/moderationlog/",
        "/admin/accounts/user/",
    ]:
        assert mod_client.get(url).status_code == 200, url


def test_moderator_cannot_change_member_permissions_or_hard_delete(mod_client, make_user, make_post):
    member = make_user(username="victim")
    post = make_post()

    change = mod_client.post(
        f"/admin/accounts/user/{member.pk}/change/",
        {"username": "victim", "nickname": "바뀜", "is_staff": "on", "is_superuser": "on"},
    )
    listing = mod_client.get("/admin/board/post/").content.decode()

    assert change.status_code == 403
    member.refresh_from_db()
    assert not member.is_staff and not member.is_superuser and member.nickname != "바뀜"
    assert "delete_selected" not in listing
    assert mod_client.get("/admin/board/post/add/").status_code == 403
    assert mod_client.post(f"/admin/board/post/{post.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Post.objects.filter(pk=post.pk).exists()
    assert mod_client.get("/admin/auth/group/").status_code == 403


# --- Post actions through admin ----------------------------------------------------------


def test_hide_and_restore_through_admin(mod_client, make_post, board):
    post = make_post(title="스팸 광고 글")

    admin_action(mod_client, "post", "hide_posts", [post.pk])

    assert public_status(post) == 404
    assert "스팸 광고 글" not in main_text(Client().get("/b/ainews/"))
    board.refresh_from_db()
    assert board.post_count == 0
    assert logs() == [("hide_post", "스팸 광고 글")]

    admin_action(mod_client, "post", "restore_posts", [post.pk])

    assert public_status(post) == 200
    board.refresh_from_db()
    assert board.post_count == 1
    assert logs()[-1] == ("restore_post", "스팸 광고 글")


def test_pin_and_unpin_a_notice_through_admin(mod_client, make_post):
    notice = make_post(title="이용 안내")
    make_post(title="일반 글")

    admin_action(mod_client, "post", "pin_posts", [notice.pk])
    first_row = re.search(r'<li class="post-row[^"]*">.*?</li>', Client().get("/b/ainews/").content.decode(), re.S)

    assert "is-notice" in first_row.group(0) and "이용 안내" in first_row.group(0)
    admin_action(mod_client, "post", "unpin_posts", [notice.pk])
    notice.refresh_from_db()
    assert not notice.is_notice
    assert [a for a, _ in logs()] == ["pin_post", "unpin_post"]


def test_move_to_another_board_with_an_intermediate_page(mod_client, make_board, make_post, board):
    free = make_board(slug="free", name="자유게시판")
    post = make_post(title="옮길 글")

    page = admin_action(mod_client, "post", "move_posts", [post.pk])
    assert page.status_code == 200 and "옮길 게시판" in page_text(page) and "옮길 글" in page_text(page)

    admin_action(mod_client, "post", "move_posts", [post.pk], apply="1", board=free.pk, reason="주제가 달라서")

    post.refresh_from_db()
    assert post.board_id == free.pk
    assert Client().get(f"/b/free/{post.pk}/").status_code == 200
    assert Client().get(f"/b/ainews/{post.pk}/").status_code == 404
    board.refresh_from_db()
    free.refresh_from_db()
    assert (board.post_count, free.post_count) == (0, 1)
    assert ModerationLog.objects.get().reason == "주제가 달라서"


def test_delete_through_admin_is_soft_and_logged(mod_client, make_post, make_comment):
    post = make_post(title="지울 글")
    make_comment(post)

    admin_action(mod_client, "post", "delete_posts", [post.pk])

    post.refresh_from_db()
    assert post.is_deleted and post.comments.count() == 1
    assert public_status(post) == 404
    assert logs() == [("delete_post", "지울 글")]


# --- Comment actions through admin -------------------------------------------------------


def test_comment_hide_restore_delete_through_admin(mod_client, make_post, make_comment):
    post = make_post(title="댓글 달린 글")
    comment = make_comment(post, body="욕설 댓글")

    admin_action(mod_client, "comment", "hide_comments", [comment.pk])
    post.refresh_from_db()
    assert post.comment_count == 0
    assert "욕설 댓글" not in main_text(Client().get(post.get_absolute_url()))

    admin_action(mod_client, "comment", "restore_comments", [comment.pk])
    post.refresh_from_db()
    assert post.comment_count == 1

    admin_action(mod_client, "comment", "delete_comments", [comment.pk])
    post.refresh_from_db()
    assert post.comment_count == 0
    assert [a for a, _ in logs()] == ["hide_comment", "restore_comment", "delete_comment"]
    assert logs()[0][1] == f"댓글 달린 글 — 댓글 #{comment.pk}"  # not the hidden text itself


# --- Banning a spammer -------------------------------------------------------------------


@pytest.fixture
def spammer_mess(make_user, make_post, make_comment, make_board):
    free = make_board(slug="free", name="자유게시판")
    spammer = make_user(username="spammer", nickname="광고왕")
    spam_posts = [make_post(title=f"광고 {i}", author=spammer, **({"board": free} if i % 2 else {})) for i in range(4)]
    honest = make_post(title="정상 글")
    for i in range(3):
        make_comment(honest, body=f"광고 댓글 {i}", author=spammer)
    make_comment(honest, body="정상 댓글")
    return spammer, spam_posts, honest


def test_ban_hides_everything_of_the_member_in_one_step(mod_client, spammer_mess):
    spammer, spam_posts, honest = spammer_mess

    mod_client.post("/admin/accounts/user/", {"action": "ban_members", "_selected_action": [spammer.pk]})

    spammer.refresh_from_db()
    assert not spammer.is_active
    assert not Post.objects.visible().filter(author=spammer).exists()
    assert not Comment.objects.visible().filter(author=spammer).exists()
    honest.refresh_from_db()
    assert honest.comment_count == 1
    assert Board.objects.get(slug="ainews").post_count == 1
    assert Board.objects.get(slug="free").post_count == 0
    assert "광고" not in main_text(Client().get("/b/ainews/")) + main_text(Client().get(honest.get_absolute_url()))
    assert ModerationLog.objects.get().action == "ban_user"
    assert "글 4개, 댓글 3개 숨김" in ModerationLog.objects.get().reason
    assert_counters_match_rows()


def test_unban_and_restore_content(mod_client, spammer_mess):
    spammer, spam_posts, honest = spammer_mess
    member_services.ban_member(user=spammer, moderator=None)

    mod_client.post("/admin/accounts/user/", {"action": "unban_members", "_selected_action": [spammer.pk]})
    mod_client.post("/admin/accounts/user/", {"action": "restore_content", "_selected_action": [spammer.pk]})

    spammer.refresh_from_db()
    assert spammer.is_active
    assert Post.objects.visible().filter(author=spammer).count() == 4
    honest.refresh_from_db()
    assert honest.comment_count == 4
    assert [a for a, _ in logs()] == ["ban_user", "unban_user", "restore_user_content"]
    assert_counters_match_rows()


# --- Board settings ----------------------------------------------------------------------


def test_moderator_edits_board_settings_and_they_apply(mod_client, member_client, board, make_post):
    post = make_post()
    response = mod_client.post(
        f"/admin/board/board/{board.pk}/change/",
        {
            "name": "AI 소식",
            "description": "설명",
            "position": 1,
            "page_size": 10,
            "use_downvote": "",
            "write_access": "staff",
            "comment_access": "members",
            "read_level": 1,
            "write_level": 1,
            "comment_level": 1,
            "download_level": 1,
            "points_post": 10,
            "points_comment": 2,
            "points_vote_received": 5,
            "attachment_max_count": 3,
            "attachment_max_mb": 10,
            "is_readonly": "",
        },
    )

    assert response.status_code == 302
    board.refresh_from_db()
    assert (board.name, board.page_size, board.use_downvote, board.write_access) == ("AI 소식", 10, False, "staff")
    assert member_client.get("/b/ainews/write/").status_code == 403
    assert member_client.post(f"/b/ainews/{post.pk}/comments/", {"body": "댓글은 돼요"}).status_code == 302
    assert mod_client.get("/b/ainews/write/").status_code == 200


def test_readonly_board_refuses_member_posts_and_comments(member_client, board, make_post):
    post = make_post()
    Board.objects.filter(pk=board.pk).update(is_readonly=True)

    assert member_client.get("/b/ainews/write/").status_code == 403
    assert member_client.post(f"/b/ainews/{post.pk}/comments/", {"body": "안 돼요"}).status_code == 403
    assert not Comment.objects.exists()


# --- On the site -------------------------------------------------------------------------


def test_staff_see_moderation_buttons_and_hide_from_the_article_page(mod_client, member_client, make_post):
    post = make_post(title="문제 글")

    assert "숨기기" in page_text(mod_client.get(post.get_absolute_url()))
    assert (
        'action="/b/ainews/' + str(post.pk) + '/moderate/"'
        not in member_client.get(post.get_absolute_url()).content.decode()
    )

    response = mod_client.post(f"/b/ainews/{post.pk}/moderate/", {"action": "hide", "reason": "광고"})

    assert response.status_code == 302
    assert public_status(post) == 404
    staff_view = mod_client.get(post.get_absolute_url())
    assert staff_view.status_code == 200
    assert "숨김 문제 글" in page_text(staff_view) and "복원" in page_text(staff_view)
    assert ModerationLog.objects.get().reason == "광고"

    mod_client.post(f"/b/ainews/{post.pk}/moderate/", {"action": "pin"})
    post.refresh_from_db()
    assert post.is_notice


def test_staff_hide_a_comment_from_the_article_and_still_see_it_marked(mod_client, make_post, make_comment):
    post = make_post()
    comment = make_comment(post, body="문제 댓글")

    mod_client.post(f"/comments/{comment.pk}/moderate/", {"action": "hide"})

    assert "문제 댓글" not in main_text(Client().get(post.get_absolute_url()))
    staff_text = main_text(mod_client.get(post.get_absolute_url()))
    assert "숨김" in staff_text and "문제 댓글" in staff_text


# --- Reports -----------------------------------------------------------------------------


def report(client, post, reason="spam", detail=""):
    return client.post(f"/b/ainews/{post.pk}/report/", {"reason": reason, "detail": detail})


def test_a_member_reports_once_per_item(member_client, make_post):
    post = make_post()

    form = member_client.get(f"/b/ainews/{post.pk}/report/")
    first = report(member_client, post)
    second = report(member_client, post, reason="abuse")

    assert form.status_code == 200 and "개인정보 노출" in page_text(form)
    assert first.status_code == 302
    assert second.status_code == 409 and "이미 신고하셨습니다." in page_text(second)
    assert Report.objects.count() == 1


def test_report_refusals(member_client, client, author, make_post):
    post = make_post()
    client.force_login(author)

    assert client.get(f"/b/ainews/{post.pk}/report/").status_code == 403  # own post
    other = report(member_client, post, reason="other")
    assert other.status_code == 400 and "기타 사유를 적어 주세요." in page_text(other)
    assert Client().post(f"/b/ainews/{post.pk}/report/", {"reason": "spam"}).status_code == 302  # login
    assert not Report.objects.exists()


def test_reports_auto_hide_at_the_threshold_and_the_queue_resolves_them(
    settings, make_user, make_post, make_comment, mod_client
):
    settings.BOARD_AUTO_HIDE_REPORTS = 3
    post = make_post(title="신고 많은 글")
    comment = make_comment(make_post(title="다른 글"), body="신고된 댓글")
    reporters = [make_user() for _ in range(3)]
    for i, reporter in enumerate(reporters):
        client = Client()
        client.force_login(reporter)
        report(client, post)
        assert public_status(post) == (404 if i == 2 else 200)
        client.post(f"/comments/{comment.pk}/report/", {"reason": "abuse"})

    assert ModerationLog.objects.filter(action="auto_hide_post", moderator=None).count() == 1
    queue = mod_client.get("/admin/board/reportedpost/")
    assert "신고 많은 글" in page_text(queue)
    assert re.search(r'<td class="field-open_reports">3</td>', queue.content.decode())

    # The moderator decides the post is fine: reports dismissed, post back.
    mod_client.post("/admin/board/reportedpost/", {"action": "dismiss", "_selected_action": [post.pk]})
    assert public_status(post) == 200
    assert set(Report.objects.filter(post=post).values_list("status", flat=True)) == {"dismissed"}
    assert "신고 많은 글" not in page_text(mod_client.get("/admin/board/reportedpost/"))

    # The comment is not: hidden (already, by the reports) and reports resolved.
    mod_client.post("/admin/board/reportedcomment/", {"action": "hide_and_resolve", "_selected_action": [comment.pk]})
    comment.refresh_from_db()
    assert comment.is_hidden
    assert set(Report.objects.filter(comment=comment).values_list("status", flat=True)) == {"hidden"}
    assert_counters_match_rows()


# --- The public log ----------------------------------------------------------------------


def test_modlog_shows_actions_publicly_without_reporters(mod_client, make_user, make_post, settings):
    settings.BOARD_AUTO_HIDE_REPORTS = 1
    reporter = make_user(nickname="제보자닉네임")
    client = Client()
    client.force_login(reporter)
    reported = make_post(title="자동으로 숨을 글")
    report(client, reported)
    hidden = make_post(title="운영진이 숨길 글")
    mod_client.post(f"/b/ainews/{hidden.pk}/moderate/", {"action": "hide", "reason": "도배"})

    text = main_text(Client().get("/modlog/"))

    assert "글 숨김 운영진이 숨길 글 도배" in text
    assert "신고 누적으로 글 숨김 자동 자동으로 숨을 글 신고 1건" in text
    assert "제보자닉네임" not in text


# --- Recount -----------------------------------------------------------------------------


def test_recount_repairs_corrupted_counters_after_mass_deletion(spammer_mess, make_user):
    spammer, spam_posts, honest = spammer_mess
    voter = make_user()
    services.cast_vote(user=voter, post=honest, value=1)
    # A spammer's content removed behind the services' back, then counters scribbled on.
    Comment.objects.filter(author=spammer).update(is_deleted=True)
    Post.objects.filter(author=spammer).update(is_hidden=True)
    Post.objects.filter(pk=honest.pk).update(comment_count=99, upvote_count=7, downvote_count=3, view_count=55)
    Board.objects.update(post_count=1234)
    PostVote.objects.filter(post=honest).delete()

    out = io.StringIO()
    call_command("recount", stdout=out)

    honest.refresh_from_db()
    assert (honest.comment_count, honest.upvote_count, honest.downvote_count) == (1, 0, 0)
    assert honest.view_count == 55  # views have no rows to count from: kept
    assert Board.objects.get(slug="ainews").post_count == 1
    assert_counters_match_rows()
    output = out.getvalue()
    assert "글의 댓글 수: 1개 고침" in output and "게시판의 글 수: 2개 고침" in output

    again = io.StringIO()
    call_command("recount", stdout=again)
    assert "모든 카운터가 맞았습니다." in again.getvalue()


# --- Admin query budgets -----------------------------------------------------------------


@pytest.fixture
def many(make_user, make_post, make_comment, request):
    rows = request.param
    authors = [make_user() for _ in range(min(rows, 10))]
    for i in range(rows):
        post = make_post(title=f"글 {i}", author=authors[i % len(authors)])
        make_comment(post, author=authors[(i + 1) % len(authors)])
        services.hide_post(post=post, moderator=None) if i % 3 == 0 else None
        Report.objects.create(reporter=authors[(i + 2) % len(authors)], post=post, reason="spam")
    return rows


@pytest.mark.parametrize("many", [1, 100], indirect=True)
@pytest.mark.parametrize(
    "url",
    [
        "/admin/board/post/",
        "/admin/board/comment/",
        "/admin/accounts/user/",
        "/admin/board/reportedpost/",
        "/admin/board/report/",
        "/admin/board/moderationlog/",
        "/admin/board/board/",
    ],
)
def test_admin_changelists_cost_a_fixed_number_of_queries(mod_client, many, url, django_assert_max_num_queries):
    mod_client.get(url)  # warm the session and content types

    with django_assert_max_num_queries(12):
        response = mod_client.get(url)

    assert response.status_code == 200


def test_restoring_a_banned_members_content_leaves_what_moderators_hid(mod_client, moderator, spammer_mess):
    spammer, spam_posts, honest = spammer_mess
    services.hide_post(post=spam_posts[0], moderator=moderator, reason="원래 숨긴 글")
    member_services.ban_member(user=spammer, moderator=moderator)

    restored = services.restore_member_content(user=spammer, moderator=moderator)

    assert restored == (3, 3)
    spam_posts[0].refresh_from_db()
    assert spam_posts[0].is_hidden
    assert_counters_match_rows()


def test_an_edit_loaded_before_a_hide_does_not_bring_the_post_back(moderator, make_post, make_user):
    post = make_post(title="원래 제목")
    stale = Post.objects.get(pk=post.pk)  # the author's edit form was loaded here
    services.hide_post(post=post, moderator=moderator)
    services.cast_vote(user=make_user(), post=post, value=1)

    services.edit_post(post=stale, title="고친 제목", body="새 본문", tags=[], source_url="")

    post.refresh_from_db()
    assert post.title == "고친 제목"
    assert post.is_hidden and post.upvote_count == 1
    assert Board.objects.get(pk=post.board_id).post_count == 0
    assert search_finds("고친") == []
    assert_counters_match_rows()


def search_finds(text):
    from board.search import Results, parse_query

    return Results(parse_query(text), "title_body").ids(0, 20)


def test_hiding_clears_the_cached_sidebar_at_once(
    mod_client, make_post, make_comment, django_capture_on_commit_callbacks
):
    post = make_post(title="사이드바에서 사라질 글")
    make_comment(post, body="사이드바에서 사라질 댓글")
    assert "사이드바에서 사라질 글" in Client().get("/").content.decode()  # now cached

    with django_capture_on_commit_callbacks(execute=True):
        mod_client.post(f"/b/ainews/{post.pk}/moderate/", {"action": "hide"})

    sidebar = re.search(r'<aside class="sidebar".*?</aside>', Client().get("/").content.decode(), re.S).group(0)
    assert "사이드바에서 사라질" not in sidebar


def test_my_comments_on_hidden_posts_are_not_listed(client, moderator, make_user, make_post, make_comment):
    me = make_user()
    post = make_post(title="곧 숨겨질 글")
    make_comment(post, body="숨을 글에 단 의견", author=me)
    services.hide_post(post=post, moderator=moderator)
    client.force_login(me)

    text = main_text(client.get("/accounts/me/?tab=comments"))

    assert "곧 숨겨질 글" not in text and "숨을 글에 단 의견" not in text
    assert "아직 없습니다." in text


def test_moderators_manage_comments_on_hidden_posts(mod_client, moderator, make_post, make_comment):
    post = make_post()
    comment = make_comment(post, body="숨긴 글의 댓글")
    services.hide_post(post=post, moderator=moderator)

    assert mod_client.get(f"/comments/{comment.pk}/edit/").status_code == 200
    assert Client().get(f"/comments/{comment.pk}/edit/").status_code == 302  # anonymous: login


def test_withdrawn_members_are_not_found_by_their_old_nickname(client, make_user, make_post):
    leaver = make_user(nickname="떠난사람")
    make_post(title="떠난 사람의 글", author=leaver)
    member_services.withdraw_member(user=leaver)

    response = client.get("/b/ainews/", {"q": "떠난사람", "field": "author"})

    assert "떠난 사람의 글" not in main_text(response)
