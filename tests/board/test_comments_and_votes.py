import json
import re

import pytest
from django.conf import settings

from board import services
from board.models import Comment, Post, PostVote
from tests.conftest import main_text, page_text


@pytest.fixture
def reader(make_user):
    return make_user(username="reader", nickname="독자")


@pytest.fixture
def reader_client(client, reader):
    client.force_login(reader)
    return client


def comment_url(post):
    return f"/b/{post.board.slug}/{post.pk}/comments/"


def vote_url(post):
    return f"/b/{post.board.slug}/{post.pk}/vote/"


# --- Comments ----------------------------------------------------------------------------


def test_member_comments_and_lands_on_the_new_comment(reader_client, make_post):
    post = make_post()

    response = reader_client.post(comment_url(post), {"body": "**좋은** 기사네요"})

    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{post.get_absolute_url()}#c{comment.pk}"
    assert comment.body_html == "<p><strong>좋은</strong> 기사네요</p>"
    post.refresh_from_db()
    assert post.comment_count == 1
    html = reader_client.get(post.get_absolute_url()).content.decode()
    assert f'id="c{comment.pk}"' in html


def test_anonymous_cannot_comment(client, make_post):
    post = make_post()

    response = client.post(comment_url(post), {"body": "익명 댓글"})

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not Comment.objects.exists()


def test_comment_urls_are_post_only(reader_client, make_post):
    assert reader_client.get(comment_url(make_post())).status_code == 405


@pytest.mark.parametrize(
    "body, message",
    [("", "댓글 내용을 입력해 주세요."), ("   \n ", "댓글 내용을 입력해 주세요."), ("가" * 3001, "3,000자 이하")],
)
def test_bad_comment_is_refused_on_the_article_page(reader_client, make_post, body, message):
    post = make_post(title="댓글 받을 글")

    response = reader_client.post(comment_url(post), {"body": body})

    assert response.status_code == 400
    text = page_text(response)
    assert message in text and "댓글 받을 글" in text
    assert not Comment.objects.exists()
    post.refresh_from_db()
    assert post.comment_count == 0


def test_replies_nest_one_level_under_their_parent(reader_client, make_post, make_comment):
    post = make_post()
    parent = make_comment(post, body="원댓글")
    reader_client.post(comment_url(post), {"body": "첫 답글", "parent": parent.pk})
    first_reply = Comment.objects.get(body="첫 답글")
    # Replying to a reply joins the same thread instead of nesting deeper.
    reader_client.post(comment_url(post), {"body": "답글의 답글", "parent": first_reply.pk})

    assert first_reply.parent_id == parent.pk
    assert Comment.objects.get(body="답글의 답글").parent_id == parent.pk
    html = reader_client.get(post.get_absolute_url()).content.decode()
    thread = re.search(rf'<article id="c{parent.pk}".*?<ol class="reply-list">(.*?)</ol>', html, re.S).group(1)
    assert "첫 답글" in thread and "답글의 답글" in thread


def test_reply_to_a_comment_of_another_post_is_refused(reader_client, make_post, make_comment):
    elsewhere = make_comment(make_post())
    post = make_post()

    response = reader_client.post(comment_url(post), {"body": "엉뚱한 답글", "parent": elsewhere.pk})

    assert response.status_code == 400
    assert "답글을 달 댓글이 없거나 삭제되었습니다." in page_text(response)
    assert not Comment.objects.filter(body="엉뚱한 답글").exists()


def test_author_edits_own_comment(reader_client, reader, make_post, make_comment):
    comment = make_comment(make_post(), body="오타 있는 댓글", author=reader)

    response = reader_client.post(f"/comments/{comment.pk}/edit/", {"body": "고친 댓글"})

    assert response.status_code == 302
    assert response["Location"].endswith(f"#c{comment.pk}")
    comment.refresh_from_db()
    assert comment.body_html == "<p>고친 댓글</p>" and comment.edited_at


def test_deleting_a_comment_with_replies_leaves_a_placeholder_and_fixes_the_count(
    reader_client, reader, make_post, make_comment
):
    post = make_post()
    parent = make_comment(post, body="지워질 원댓글", author=reader)
    make_comment(post, body="살아남은 답글", parent=parent)

    response = reader_client.post(f"/comments/{parent.pk}/delete/")
    reader_client.post(f"/comments/{parent.pk}/delete/")  # twice changes nothing

    assert response.status_code == 302
    post.refresh_from_db()
    assert post.comment_count == 1
    text = main_text(reader_client.get(post.get_absolute_url()))
    assert "삭제된 댓글입니다" in text and "살아남은 답글" in text and "지워질 원댓글" not in text
    assert "댓글 1" in text


# --- Votes -------------------------------------------------------------------------------


def counts(post):
    post.refresh_from_db()
    return post.upvote_count, post.downvote_count


def test_vote_up_then_again_cancels(reader_client, reader, make_post):
    post = make_post()

    reader_client.post(vote_url(post), {"value": "up"})
    assert counts(post) == (1, 0)
    assert PostVote.objects.get().value == 1

    reader_client.post(vote_url(post), {"value": "up"})
    assert counts(post) == (0, 0)
    assert not PostVote.objects.exists()


def test_vote_switches_from_up_to_down(reader_client, make_post):
    post = make_post()

    reader_client.post(vote_url(post), {"value": "up"})
    response = reader_client.post(vote_url(post), {"value": "down"})

    assert response.status_code == 302 and response["Location"].endswith("#vote")
    assert counts(post) == (0, 1)
    assert PostVote.objects.get().value == -1


def test_vote_counts_are_exact_across_members(make_user, make_post, client):
    post = make_post()
    for i in range(5):
        client.force_login(make_user())
        client.post(vote_url(post), {"value": "up" if i < 4 else "down"})

    assert counts(post) == (4, 1)
    assert PostVote.objects.filter(post=post).count() == 5


def test_own_post_vote_is_refused_in_korean(client, author, make_post):
    post = make_post(author=author)
    client.force_login(author)

    response = client.post(vote_url(post), {"value": "up"})

    assert response.status_code == 403
    assert "자신의 글은 추천하거나 비추천할 수 없습니다." in page_text(response)
    assert counts(post) == (0, 0) and not PostVote.objects.exists()


def test_downvote_is_refused_where_the_board_does_not_use_it(reader_client, make_board, make_post):
    free = make_board(slug="free", name="자유게시판", use_downvote=False)
    post = make_post(board=free)

    response = reader_client.post(vote_url(post), {"value": "down"})

    assert response.status_code == 403
    assert "비추천을 사용하지 않습니다" in page_text(response)
    assert counts(post) == (0, 0)


@pytest.mark.parametrize("value", ["", "sideways", "1"])
def test_vote_with_a_bad_value_is_a_400(reader_client, make_post, value):
    post = make_post()

    response = reader_client.post(vote_url(post), {"value": value})

    assert response.status_code == 400
    assert counts(post) == (0, 0)


def test_anonymous_vote_goes_to_login_and_get_is_refused(client, reader_client, make_post):
    post = make_post()
    from django.test import Client

    anonymous = Client().post(vote_url(post), {"value": "up"})
    get = reader_client.get(vote_url(post))

    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    assert get.status_code == 405
    assert counts(post) == (0, 0)


def test_vote_with_javascript_answers_json_counts(reader_client, make_post):
    post = make_post()

    response = reader_client.post(vote_url(post), {"value": "up"}, HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    assert json.loads(response.content) == {"upvotes": 1, "downvotes": 0, "my_vote": 1}
    refused = reader_client.post(vote_url(post), {"value": "bogus"}, HTTP_ACCEPT="application/json")
    assert refused.status_code == 400 and "error" in json.loads(refused.content)


def test_article_shows_the_viewers_own_vote_pressed(reader_client, reader, make_post):
    post = make_post()
    services.cast_vote(user=reader, post=post, value=-1)

    html = reader_client.get(post.get_absolute_url()).content.decode()

    assert re.search(r'class="vote-button vote-down" aria-pressed="true"', html)
    assert re.search(r'class="vote-button vote-up" aria-pressed="false"', html)


def test_vote_constraints_are_enforced_by_the_database(reader, make_post):
    from django.db import IntegrityError, transaction

    post = make_post()
    PostVote.objects.create(user=reader, post=post, value=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        PostVote.objects.create(user=reader, post=post, value=-1)
    with pytest.raises(IntegrityError), transaction.atomic():
        PostVote.objects.create(user=reader, post=make_post(), value=5)


# --- Rate limits -------------------------------------------------------------------------


def test_comment_rate_limit_gives_a_korean_429(reader_client, make_post, settings, mid_window):
    settings.BOARD_RATE_LIMITS = {**settings.BOARD_RATE_LIMITS, "comment": (3, 60)}
    post = make_post()

    statuses = [reader_client.post(comment_url(post), {"body": f"댓글 {i}"}).status_code for i in range(4)]

    assert statuses == [302, 302, 302, 429]
    refused = reader_client.post(comment_url(post), {"body": "또"})
    assert refused.status_code == 429
    assert "너무 자주 요청했습니다." in page_text(refused) and "뒤에 다시 시도해 주세요" in page_text(refused)
    assert int(refused["Retry-After"]) > 0
    assert Comment.objects.count() == 3


def test_post_and_vote_rate_limits(reader_client, make_post, settings, mid_window):
    settings.BOARD_RATE_LIMITS = {**settings.BOARD_RATE_LIMITS, "post": (2, 600), "vote": (2, 60)}
    data = {"title": "제목", "body": "본문", "tags_text": "", "source_url": ""}
    writes = [reader_client.post("/b/ainews/write/", data).status_code for _ in range(3)]
    target = make_post()
    votes = [reader_client.post(vote_url(target), {"value": "up"}).status_code for _ in range(3)]

    assert writes == [302, 302, 429]
    assert votes == [302, 302, 429]
    assert Post.objects.filter(title="제목").count() == 2


# --- Query budget with a logged-in viewer ------------------------------------------------


@pytest.mark.parametrize("rows", [1, 50])
def test_article_budget_with_a_member_and_many_comments(
    reader_client, reader, make_post, make_comment, make_user, django_assert_max_num_queries, rows
):
    post = make_post(tags=["LLM"])
    services.cast_vote(user=reader, post=post, value=1)
    commenter = make_user()
    for i in range(rows):
        parent = make_comment(post, body=f"댓글 {i}", author=reader if i % 2 else commenter)
        make_comment(post, body=f"대댓글-{i}", parent=parent, author=commenter)
    reader_client.get("/b/nope-warmup/")

    # 13: the rows under the article show their tags (one query), as the list page's do.
    with django_assert_max_num_queries(13):
        response = reader_client.get(post.get_absolute_url())

    assert main_text(response).count("대댓글-") == min(rows, settings.BOARD_COMMENTS_PER_PAGE // 2)


# --- Forged requests ---------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/b/ainews/{id}/vote/", "/b/ainews/{id}/comments/", "/b/ainews/{id}/delete/"])
def test_forged_posts_without_a_csrf_token_are_refused_in_korean(reader, make_post, path):
    from django.test import Client

    post = make_post(author=reader)
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)

    response = client.post(path.format(id=post.pk), {"value": "up", "body": "위조"})

    assert response.status_code == 403
    assert "보안 토큰이 없거나 만료되었습니다." in page_text(response)
    post.refresh_from_db()
    assert not post.is_deleted and post.comment_count == 0 and not Comment.objects.exists()
