"""Long threads and comments (issue 14, points 9–12): comments a page at a time with a
pager above and below, links to a comment that land on its page, a flat query budget,
delete that asks first, what readers see of a hidden comment, no vote buttons on your own
post, and "이미 신고하셨습니다" before the form."""

import re

import pytest
from django.conf import settings
from django.db.models import F
from django.test import Client

from board import services
from board.models import Comment, Post, PostVote, Report
from tests.conftest import main_text, page_text


@pytest.fixture
def reader(make_user):
    return make_user(username="reader", nickname="읽는이")


@pytest.fixture
def reader_client(client, reader):
    client.force_login(reader)
    return client


def thread(post, count, author, replies_every=0):
    """`count` comments on the post; every `replies_every`-th top-level one gets a reply."""
    made = []
    for i in range(count):
        if replies_every and made and i % replies_every == 0:
            made.append(services.add_comment(post=post, author=author, body=f"답글 {i:03}", parent=made[-1]))
        else:
            made.append(services.add_comment(post=post, author=author, body=f"댓글 {i:03}"))
    return made


def comment_ids(response):
    return [int(i) for i in re.findall(r'<article id="c(\d+)" class="comment', response.content.decode())]


def pagers(response):
    return re.findall(r'<nav class="pager" aria-label="(댓글 페이지[^"]*)">', response.content.decode())


# --- 9. Comments a page at a time --------------------------------------------------------


def test_a_long_thread_is_paged_with_a_pager_above_and_below(client, make_post, make_user, settings):
    settings.BOARD_COMMENTS_PER_PAGE = 50
    post = make_post()
    made = thread(post, 120, make_user())

    first = client.get(post.get_absolute_url())
    third = client.get(f"{post.get_absolute_url()}?cpage=3")

    # Before: all 120 on one page (200 made a page 29,924 px tall on a phone).
    assert comment_ids(first) == [c.pk for c in made[:50]]
    assert comment_ids(third) == [c.pk for c in made[100:]]
    assert pagers(first) == ["댓글 페이지", "댓글 페이지 (아래)"]
    html = first.content.decode()
    assert 'href="?cpage=2#comments"' in html and 'href="?cpage=3#comments"' in html
    assert "댓글 120" in main_text(first)


def test_a_page_past_the_end_shows_the_last_page(client, make_post, make_user, settings):
    settings.BOARD_COMMENTS_PER_PAGE = 10
    post = make_post()
    made = thread(post, 15, make_user())

    assert comment_ids(client.get(f"{post.get_absolute_url()}?cpage=99")) == [c.pk for c in made[10:]]


def test_replies_continued_from_an_earlier_page_say_so(client, make_post, make_user, settings):
    settings.BOARD_COMMENTS_PER_PAGE = 3
    post = make_post()
    author = make_user()
    parent = services.add_comment(post=post, author=author, body="원댓글")
    replies = [services.add_comment(post=post, author=author, body=f"답글 {i}", parent=parent) for i in range(4)]

    second = client.get(f"{post.get_absolute_url()}?cpage=2")

    assert comment_ids(second) == [replies[2].pk, replies[3].pk]
    assert "이전 페이지 댓글에 이어지는 답글" in main_text(second)


def test_every_link_to_a_comment_lands_on_its_page(client, make_post, make_user, settings):
    settings.BOARD_COMMENTS_PER_PAGE = 50
    post = make_post()
    made = thread(post, 130, make_user(), replies_every=7)
    target = made[112]

    # Comment.get_absolute_url() is what the sidebar, 새댓글, profiles and 마이메뉴 link to.
    assert target.get_absolute_url() == f"/comments/{target.pk}/"
    response = client.get(target.get_absolute_url())

    assert response.status_code == 302
    assert response["Location"] == f"{post.get_absolute_url()}?cpage=3#c{target.pk}"
    assert target.pk in comment_ids(client.get(response["Location"]))
    first = made[0]
    assert client.get(first.get_absolute_url())["Location"] == f"{post.get_absolute_url()}#c{first.pk}"


def test_links_in_lists_go_through_the_comment_link(client, make_post, make_user):
    post = make_post()
    comment = services.add_comment(post=post, author=make_user(), body="사이드바 댓글")

    for page in ("/", "/new/?kind=comments"):
        assert f'href="/comments/{comment.pk}/"' in client.get(page).content.decode(), page


def test_a_new_comment_goes_to_the_page_it_is_on(reader_client, make_post, make_user, settings):
    settings.BOARD_COMMENTS_PER_PAGE = 50
    post = make_post()
    thread(post, 60, make_user())

    response = reader_client.post(f"/b/ainews/{post.pk}/comments/", {"body": "61번째 댓글"})

    new = Comment.objects.latest("pk")
    assert response["Location"] == f"{post.get_absolute_url()}?cpage=2#c{new.pk}"


@pytest.mark.parametrize("count", [1, 200])
def test_the_article_query_budget_is_flat_for_1_or_200_comments(
    reader_client, make_post, make_user, django_assert_max_num_queries, count
):
    """The budgets of tests/board/test_views.py (≤ 10 for a reader, ≤ 12 for a member),
    with one comment or two hundred, on the first page or the fourth."""
    post = make_post()
    thread(post, count, make_user(), replies_every=5)
    anonymous_client = Client()
    anonymous_client.get("/b/nope-warmup/")
    reader_client.get("/b/nope-warmup/")

    with django_assert_max_num_queries(10):
        anonymous = anonymous_client.get(post.get_absolute_url())
    with django_assert_max_num_queries(12):
        member = reader_client.get(f"{post.get_absolute_url()}?cpage=4")

    assert len(comment_ids(anonymous)) == min(count, settings.BOARD_COMMENTS_PER_PAGE)
    assert member.status_code == 200


def test_anonymous_pages_of_comments_are_cached_per_page(client, make_post, make_user, settings):
    settings.BOARD_COMMENTS_PER_PAGE = 10
    post = make_post()
    thread(post, 25, make_user())
    client.get(f"{post.get_absolute_url()}?cpage=2")

    again = client.get(f"{post.get_absolute_url()}?cpage=2")
    services.add_comment(post=post, author=make_user(), body="새 댓글")
    after = client.get(f"{post.get_absolute_url()}?cpage=3")

    assert again["X-Page-Cache"] == "hit"
    assert "새 댓글" in main_text(after)


# --- 10. Deleting a comment asks first ---------------------------------------------------


def test_deleting_a_comment_asks_first_and_works_without_javascript(reader_client, reader, make_post):
    post = make_post()
    comment = services.add_comment(post=post, author=reader, body="지울지 말지 고민되는 댓글")

    article = reader_client.get(post.get_absolute_url()).content.decode()
    confirm = reader_client.get(f"/comments/{comment.pk}/delete/")

    # Before: 삭제 was a button that deleted at once.
    assert f'<a href="/comments/{comment.pk}/delete/">삭제</a>' in article
    assert confirm.status_code == 200
    text = page_text(confirm)
    assert "댓글을 삭제할까요?" in text and "지울지 말지 고민되는 댓글" in text
    comment.refresh_from_db()
    assert not comment.is_deleted

    response = reader_client.post(f"/comments/{comment.pk}/delete/")

    assert response.status_code == 302 and response["Location"] == f"{post.get_absolute_url()}#comments"
    comment.refresh_from_db()
    assert comment.is_deleted


def test_another_members_comment_cannot_be_deleted_from_the_confirm_page(reader_client, make_post, make_user):
    comment = services.add_comment(post=make_post(), author=make_user(), body="남의 댓글")

    assert reader_client.get(f"/comments/{comment.pk}/delete/").status_code == 403
    assert reader_client.post(f"/comments/{comment.pk}/delete/").status_code == 403


# --- 11. A hidden comment, and a count that matches the list -----------------------------


def test_readers_see_a_hidden_comment_as_hidden_by_staff_and_the_count_matches(client, moderator, make_post, make_user):
    post = make_post()
    author = make_user()
    hidden = services.add_comment(post=post, author=author, body="숨겨질 댓글")
    services.add_comment(post=post, author=author, body="남은 답글", parent=hidden)
    services.add_comment(post=post, author=author, body="다른 댓글")
    lone = services.add_comment(post=post, author=author, body="답글 없는 숨긴 댓글")
    deleted = services.add_comment(post=post, author=author, body="지운 댓글")
    services.add_comment(post=post, author=author, body="지운 댓글의 답글", parent=deleted)
    for comment in (hidden, lone):
        services.set_comment_hidden(comment=comment, moderator=moderator, hidden=True)
    services.delete_comment(comment=deleted)

    response = client.get(post.get_absolute_url())

    text = main_text(response)
    # Before: "삭제된 댓글입니다" for a hidden one, and a count that did not match.
    assert "운영진이 숨긴 댓글입니다" in text and "삭제된 댓글입니다" in text
    assert "숨겨질 댓글" not in text and "답글 없는 숨긴 댓글" not in text and "지운 댓글 " not in text
    post.refresh_from_db()
    assert post.comment_count == 3
    assert f"댓글 {post.comment_count}" in text
    assert len(comment_ids(response)) == post.comment_count  # placeholders are not comments


def test_moderators_see_hidden_comments_marked(client, moderator, make_post, make_user):
    post = make_post()
    hidden = services.add_comment(post=post, author=make_user(), body="운영진만 보는 댓글")
    services.set_comment_hidden(comment=hidden, moderator=moderator, hidden=True)
    client.force_login(moderator)

    html = client.get(post.get_absolute_url()).content.decode()

    assert "운영진만 보는 댓글" in html and "badge-hidden" in html


# --- 12. Replies, own-post votes, reports ------------------------------------------------


def test_the_reply_button_comes_first_in_the_row_of_comment_actions(reader_client, reader, make_post):
    post = make_post()
    services.add_comment(post=post, author=reader, body="내 댓글")

    html = reader_client.get(post.get_absolute_url()).content.decode()

    actions = re.search(r'<div class="comment-actions">(.*?)</div>\s*</article>', html, re.S).group(1)
    assert actions.index("<summary>답글</summary>") < actions.index(">수정</a>") < actions.index(">삭제</a>")


def test_the_author_sees_the_counts_of_their_own_post_without_vote_buttons(client, author, make_post, make_user):
    post = make_post(author=author)
    Post.objects.filter(pk=post.pk).update(upvote_count=F("upvote_count") + 3)
    client.force_login(author)

    html = client.get(post.get_absolute_url()).content.decode()

    vote_box = re.search(r'<div id="vote" class="vote-box".*?</div>', html, re.S).group(0)
    # Before: buttons that answered with a red error when tapped.
    assert "<button" not in vote_box and "<form" not in vote_box
    assert re.search(r"추천 <strong>3</strong>", vote_box)
    assert "내 글에는 추천·비추천을 할 수 없습니다." in page_text(client.get(post.get_absolute_url()))
    client.force_login(make_user())
    assert "vote-button" in client.get(post.get_absolute_url()).content.decode()


@pytest.mark.parametrize("kind", ["post", "comment"])
def test_a_second_report_is_told_already_reported_before_the_form(reader_client, reader, make_post, make_user, kind):
    post = make_post()
    comment = services.add_comment(post=post, author=make_user(), body="신고할 댓글")
    url = f"/b/ainews/{post.pk}/report/" if kind == "post" else f"/comments/{comment.pk}/report/"
    assert reader_client.post(url, {"reason": "spam"}).status_code == 302

    again = reader_client.get(url)
    posted = reader_client.post(url, {"reason": "abuse"})

    # Before: the form again, and "이미 신고하셨습니다" only after filling it in.
    assert again.status_code == 200
    assert "이미 신고하셨습니다." in page_text(again)
    assert 'name="reason"' not in again.content.decode()
    assert posted.status_code == 409
    assert Report.objects.count() == 1


def test_vote_buttons_still_work_for_other_members(reader_client, make_post):
    post = make_post()

    reader_client.post(f"/b/ainews/{post.pk}/vote/", {"value": "up"})

    assert PostVote.objects.filter(post=post).count() == 1
