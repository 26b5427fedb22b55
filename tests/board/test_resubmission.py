"""A form sent twice — Back then 등록 again, a double tap on a slow phone — makes one post or
one comment, and the member lands on it (issue: retry-safe writes)."""

import re

import pytest

from board import services
from board.models import Comment, Post
from tests.conftest import page_text


@pytest.fixture
def member(make_user):
    return make_user(username="writer", nickname="글쓴이")


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


def form_key(response):
    return re.search(r'name="submission_key" value="([^"]+)"', response.content.decode()).group(1)


def test_the_write_form_sent_twice_makes_one_post(member_client, board):
    key = form_key(member_client.get("/b/ainews/write/"))
    data = {"title": "한 번만 올라갈 글", "body": "본문", "tags_text": "", "source_url": "", "submission_key": key}

    first = member_client.post("/b/ainews/write/", data)
    again = member_client.post("/b/ainews/write/", data, follow=True)

    post = Post.objects.get()
    assert first.status_code == 302 and first["Location"] == post.get_absolute_url()
    assert again.redirect_chain[0][0] == post.get_absolute_url()
    assert "이미 등록한 글입니다" in page_text(again)
    assert post.board.post_count == 1


def test_a_preview_then_the_real_submission_is_one_post(member_client, board):
    key = form_key(member_client.get("/b/ainews/write/"))
    data = {"title": "미리 본 글", "body": "본문", "tags_text": "", "source_url": "", "submission_key": key}

    preview = member_client.post("/b/ainews/write/", {**data, "preview": "1"})
    assert form_key(preview) == key  # the preview's form carries the same key on
    member_client.post("/b/ainews/write/", data)

    assert Post.objects.count() == 1


def test_two_forms_opened_separately_make_two_posts(member_client, board):
    for title in ("첫 번째 글", "두 번째 글"):
        key = form_key(member_client.get("/b/ainews/write/"))
        member_client.post(
            "/b/ainews/write/",
            {"title": title, "body": "본문", "tags_text": "", "source_url": "", "submission_key": key},
        )

    assert sorted(Post.objects.values_list("title", flat=True)) == ["두 번째 글", "첫 번째 글"]


def test_the_same_key_from_another_member_is_not_their_post(client, make_user, board):
    """Keys are per member: another member's key (seen, guessed or forged) makes their own post."""
    first, second = make_user(), make_user()
    data = {"title": "글", "body": "본문", "tags_text": "", "source_url": "", "submission_key": "A" * 22}
    for member in (first, second):
        client.force_login(member)
        client.post("/b/ainews/write/", data)

    assert sorted(Post.objects.values_list("author_id", flat=True)) == sorted([first.pk, second.pk])


def test_a_comment_sent_twice_is_one_comment(member_client, make_post):
    post = make_post()
    key = form_key(member_client.get(post.get_absolute_url()))
    data = {"body": "한 번만 달릴 댓글", "submission_key": key}

    first = member_client.post(f"{post.get_absolute_url()}comments/", data)
    again = member_client.post(f"{post.get_absolute_url()}comments/", data)

    comment = Comment.objects.get()
    # Both land on the comment, on its page of the article's comments.
    assert first["Location"] == again["Location"] == f"{post.get_absolute_url()}#c{comment.pk}"
    post.refresh_from_db()
    assert post.comment_count == 1


def test_every_reply_box_has_its_own_key(member_client, make_post, make_comment):
    post = make_post()
    for n in range(3):
        make_comment(post, body=f"댓글 {n}")
    html = member_client.get(post.get_absolute_url()).content.decode()

    keys = re.findall(r'name="submission_key" value="([^"]+)"', html)
    assert len(keys) == 4  # the comment form and three reply boxes
    assert len(set(keys)) == 4


def test_two_requests_racing_with_one_key_make_one_post(member, board, monkeypatch):
    """Both passed the "made already?" check before either saved: the database's unique
    key decides, and the loser returns the winner's post."""
    winner = services.create_post(board=board, author=member, title="먼저", body="본문", submission_key="K" * 22)
    original = services.posts.repeated_submission
    checks = []

    def too_early_then_real(*args):
        checks.append(args)
        return None if len(checks) == 1 else original(*args)  # the check ran before the winner saved

    monkeypatch.setattr("board.services.posts.repeated_submission", too_early_then_real)

    loser = services.create_post(board=board, author=member, title="나중", body="본문", submission_key="K" * 22)

    assert loser.pk == winner.pk
    assert Post.objects.count() == 1
    board.refresh_from_db()
    assert board.post_count == 1
