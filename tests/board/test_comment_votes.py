"""댓글 추천 and 베스트 댓글: one 추천 per member (again cancels), never one's own, the count on
the comment moved atomically and repaired by recount, and each member's pressed button
filled into the article members share."""

import io
import re

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import Client

from board import services
from board.models import Comment, CommentVote
from tests.conftest import main_text, member_client, shared_page


@pytest.fixture
def alice(make_user):
    return make_user("alice", nickname="앨리스")


@pytest.fixture
def bora(make_user):
    return make_user("bora", nickname="보라")


@pytest.fixture
def thread(make_post, make_comment, alice, bora, author):
    """An article with a comment by alice and one by bora."""
    post = make_post(title="댓글 추천 글")
    first = make_comment(post, body="앨리스의 댓글", author=alice)
    return post, first, make_comment(post, body="보라의 댓글", author=bora)


def vote_button(html, comment):
    """The 추천 control of one comment in a page."""
    found = re.search(rf'<article id="c{comment.pk}".*?</article>', html, re.S).group(0)
    return re.search(r'class="(?:inline-form )?comment-vote.*?(?:</form>|</span>|</a>)', found, re.S).group(0)


def count_of(comment):
    return Comment.objects.values_list("upvote_count", flat=True).get(pk=comment.pk)


def test_a_member_votes_once_and_pressing_again_cancels(thread, bora):
    post, alice_comment, _ = thread
    client = member_client(bora)

    first = client.post(f"/comments/{alice_comment.pk}/vote/")
    assert first.status_code == 302 and first["Location"] == f"/comments/{alice_comment.pk}/"
    assert count_of(alice_comment) == 1

    client.post(f"/comments/{alice_comment.pk}/vote/")
    assert count_of(alice_comment) == 0
    assert not CommentVote.objects.exists()


def test_the_database_refuses_a_second_vote_of_one_member(thread, bora):
    _, alice_comment, _ = thread
    services.vote_comment(user=bora, comment=alice_comment)

    with pytest.raises(IntegrityError), transaction.atomic():
        CommentVote.objects.create(user=bora, comment=alice_comment)
    assert count_of(alice_comment) == 1


def test_a_member_cannot_vote_on_their_own_comment(thread, alice):
    post, alice_comment, _ = thread

    response = member_client(alice).post(f"/comments/{alice_comment.pk}/vote/")

    assert response.status_code == 403
    assert "자신의 댓글은 추천할 수 없습니다." in main_text(response)
    assert count_of(alice_comment) == 0
    json = member_client(alice).post(f"/comments/{alice_comment.pk}/vote/", HTTP_ACCEPT="application/json")
    assert json.status_code == 403 and json.json()["error"] == "자신의 댓글은 추천할 수 없습니다."


def test_guests_are_sent_to_log_in_and_see_a_login_link(client, thread):
    post, alice_comment, _ = thread

    response = client.post(f"/comments/{alice_comment.pk}/vote/")

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not CommentVote.objects.exists()
    button = vote_button(client.get(post.get_absolute_url()).content.decode(), alice_comment)
    assert "/accounts/login/?next=" in button and "<form" not in button


def test_hidden_deleted_or_unknown_comments_cannot_be_voted_on(thread, make_user, moderator):
    post, alice_comment, bora_comment = thread
    services.set_comment_hidden(comment=alice_comment, moderator=moderator, hidden=True)
    services.delete_comment(comment=bora_comment)
    client = member_client(make_user())

    for comment_id in (alice_comment.pk, bora_comment.pk, 999999):
        assert client.post(f"/comments/{comment_id}/vote/").status_code == 404
    assert client.get(f"/comments/{alice_comment.pk}/vote/").status_code == 405
    assert not CommentVote.objects.exists()


def test_comment_votes_are_rate_limited(thread, make_user, settings, mid_window):
    settings.BOARD_RATE_LIMITS = {**settings.BOARD_RATE_LIMITS, "comment_vote": (2, 60)}
    _, alice_comment, _ = thread
    client = member_client(make_user())

    statuses = [client.post(f"/comments/{alice_comment.pk}/vote/").status_code for _ in range(3)]

    assert statuses == [302, 302, 429]


def test_json_answers_with_the_count_and_the_members_state(thread, bora):
    _, alice_comment, _ = thread

    response = member_client(bora).post(f"/comments/{alice_comment.pk}/vote/", HTTP_ACCEPT="application/json")

    assert response.json() == {"upvotes": 1, "voted": True}


def test_recount_repairs_the_comment_counts(thread, bora, make_user):
    _, alice_comment, bora_comment = thread
    services.vote_comment(user=bora, comment=alice_comment)
    Comment.objects.filter(pk=alice_comment.pk).update(upvote_count=40)
    Comment.objects.filter(pk=bora_comment.pk).update(upvote_count=3)

    out = io.StringIO()
    call_command("recount", stdout=out)

    assert (count_of(alice_comment), count_of(bora_comment)) == (1, 0)
    assert "댓글의 추천 수: 2개 고침" in out.getvalue()


# --- The article members share ----------------------------------------------------------


def test_each_member_sees_only_their_own_pressed_button_on_a_shared_page(thread, alice, bora, make_user):
    post, alice_comment, bora_comment = thread
    url = post.get_absolute_url()
    carol = make_user("carol", nickname="캐럴")
    member_client(carol).post(f"/comments/{alice_comment.pk}/vote/")
    member_client(alice).post(f"/comments/{bora_comment.pk}/vote/")

    as_carol = member_client(carol)
    carol_html = as_carol.get(url).content.decode()  # carol renders the page members share
    as_bora = shared_page(member_client(bora), url).content.decode()

    # bora: no vote of her own, so alice's comment is not pressed for her (carol's vote is),
    # and her own comment shows its count without a button.
    assert 'aria-pressed="false">추천 <strong>1</strong>' in vote_button(as_bora, alice_comment)
    own = vote_button(as_bora, bora_comment)
    assert "<button" not in own and "추천 <strong>1</strong>" in own
    assert 'aria-pressed="true">추천 <strong>1</strong>' in vote_button(carol_html, alice_comment)
    # alice, from the cache too, sees her vote on bora's comment pressed.
    as_alice = shared_page(member_client(alice), url).content.decode()
    assert 'aria-pressed="true"' in vote_button(as_alice, bora_comment)
    assert "<button" not in vote_button(as_alice, alice_comment)


def test_a_vote_shows_at_once_on_the_cached_article(thread, bora):
    post, alice_comment, _ = thread
    url = post.get_absolute_url()
    client = member_client(bora)
    shared_page(client, url)

    client.post(f"/comments/{alice_comment.pk}/vote/")
    pressed = client.get(url)
    client.post(f"/comments/{alice_comment.pk}/vote/")
    released = client.get(url)

    assert 'aria-pressed="true">추천 <strong>1</strong>' in vote_button(pressed.content.decode(), alice_comment)
    assert 'aria-pressed="false">추천 <strong>0</strong>' in vote_button(released.content.decode(), alice_comment)


def test_the_pressed_state_costs_one_query_for_the_whole_page(
    make_post, make_comment, make_user, alice, bora, django_assert_max_num_queries
):
    post = make_post()
    voters = [make_user() for _ in range(3)]
    for i in range(40):
        comment = make_comment(post, body=f"댓글 {i}", author=alice)
        for voter in voters[: i % 4]:
            services.vote_comment(user=voter, comment=comment)
    url = post.get_absolute_url()
    Client().get("/b/nope-warmup/")
    member_client(alice).get(url)
    client = member_client(voters[0])
    client.get(url)

    # session, user, the post vote, the comment votes, the view count
    with django_assert_max_num_queries(5):
        response = client.get(url)

    assert response["X-Page-Cache"] == "hit"
    assert response.content.decode().count('aria-pressed="true"') == 30  # the comments voters[0] 추천ed


# --- 베스트 댓글 ---------------------------------------------------------------------------


def test_best_comments_show_above_the_thread(make_post, make_comment, make_user, settings, client):
    settings.BOARD_BEST_COMMENTS, settings.BOARD_BEST_COMMENT_MIN_VOTES = 2, 2
    post = make_post()
    comments = [make_comment(post, body=f"후보 댓글 {i}") for i in range(4)]
    voters = [make_user() for _ in range(4)]
    for comment, votes in zip(comments, [1, 4, 2, 3], strict=True):
        for voter in voters[:votes]:
            services.vote_comment(user=voter, comment=comment)

    html = client.get(post.get_absolute_url()).content.decode()

    best = re.search(r'<section class="best-comments".*?</section>', html, re.S).group(0)
    assert best.index("후보 댓글 1") < best.index("후보 댓글 3")
    assert "후보 댓글 2" not in best and "후보 댓글 0" not in best  # two at most, each with 2 or more
    assert html.index("베스트 댓글") < html.index('<ol class="comment-list">\n    <li>')


def test_no_best_comments_without_enough_votes(make_post, make_comment, make_user, client):
    post = make_post()
    services.vote_comment(user=make_user(), comment=make_comment(post))

    assert "베스트 댓글" not in client.get(post.get_absolute_url()).content.decode()


def test_the_article_with_best_comments_and_votes_keeps_its_budget(
    client, make_post, make_comment, make_user, django_assert_max_num_queries, settings
):
    settings.BOARD_BEST_COMMENT_MIN_VOTES = 1
    post = make_post()
    voter = make_user()
    for i in range(30):
        services.vote_comment(user=voter, comment=make_comment(post, body=f"댓글 {i}"))
    client.get("/b/nope-warmup/")

    with django_assert_max_num_queries(10):
        response = client.get(post.get_absolute_url())

    assert "베스트 댓글" in main_text(response)


def test_staff_get_their_own_page_with_their_votes_pressed(thread, moderator):
    post, alice_comment, bora_comment = thread
    services.vote_comment(user=moderator, comment=alice_comment)

    response = member_client(moderator).get(post.get_absolute_url())

    assert "X-Page-Cache" not in response  # 운영진 pages are their own
    html = response.content.decode()
    assert 'aria-pressed="true">추천 <strong>1</strong>' in vote_button(html, alice_comment)
    assert 'aria-pressed="false">추천 <strong>0</strong>' in vote_button(html, bora_comment)


def test_best_comments_of_a_long_thread_come_from_every_page(make_post, make_comment, make_user, settings, client):
    settings.BOARD_COMMENTS_PER_PAGE, settings.BOARD_BEST_COMMENT_MIN_VOTES = 5, 2
    post = make_post()
    comments = [make_comment(post, body=f"긴 글타래 댓글 {i}") for i in range(12)]
    for voter in [make_user(), make_user()]:
        services.vote_comment(user=voter, comment=comments[11])  # on the last page

    html = client.get(post.get_absolute_url()).content.decode()

    best = re.search(r'<section class="best-comments".*?</section>', html, re.S).group(0)
    assert "긴 글타래 댓글 11" in best and f'href="/comments/{comments[11].pk}/"' in best
