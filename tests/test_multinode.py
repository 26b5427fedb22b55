"""Two app servers sharing PostgreSQL and Redis, as two nodes behind a load balancer.

Runs where the production path is configured (DATABASE_URL=postgres…, REDIS_URL): the
second pass of .ci/run. Each node is a real gunicorn on its own loopback port.
"""

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Group

from accounts.models import User
from board.models import Board, Comment, Post

from .servers import Browser, Gunicorn, database_url, production_env

PASSWORD = "multi-node-pass-2025"

# Committed rows, so the gunicorn nodes (other connections) see them; serialized_rollback
# restores the data migrations' rows (the 운영진 group) for whatever runs next.
pytestmark = [
    pytest.mark.multinode,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def nodes(static_root, tmp_path):
    env = production_env(
        database_url=database_url(settings.DATABASES["default"]),
        static_root=static_root,
        media_root=tmp_path / "media",
        BOARD_COMMENT_RATE="3",
        # A day's window: the limit counts in fixed windows, and one a minute long could
        # start again in the middle of the test (it did, at 15:10:00).
        BOARD_COMMENT_RATE_WINDOW="86400",
        GUNICORN_WORKERS="1",
    )
    servers = [Gunicorn(env, tmp_path / f"node{i}.log") for i in range(2)]
    try:
        for server in servers:
            server.wait_until_healthy()
        yield [server.base for server in servers]
    finally:
        for server in servers:
            server.stop()


@pytest.fixture
def people(settings):
    # The nodes check passwords with the production hashers, not the tests' fast one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    board = Board.objects.create(slug="ainews", name="AI 뉴스")
    people = {}
    for username, nickname in [("writer", "작성자"), ("reader", "독자"), ("mod", "운영자")]:
        user = User(username=username, nickname=nickname, email=f"{username}@example.com")
        user.set_password(PASSWORD)
        user.is_staff = username == "mod"
        user.save()
        people[username] = user
    people["mod"].groups.add(Group.objects.get(name="운영진"))
    return board, people


def log_in(browser, base, username):
    assert browser.post(f"{base}/accounts/login/", {"username": username, "password": PASSWORD}).status == 302


def test_two_nodes_share_sessions_writes_moderation_and_rate_limits(nodes, people):
    a, b = nodes
    writer, reader, moderator = Browser(), Browser(), Browser()

    # A session made on one node is valid on the other.
    log_in(writer, a, "writer")
    page = writer.get(f"{b}/accounts/me/")
    assert page.status == 200 and "작성자님" in page.text

    # A post through A is in B's list at once (no stale cached page).
    written = writer.post(f"{a}/b/ainews/write/", {"title": "두 노드 시험 글", "body": "본문", "tags_text": ""})
    assert written.status == 302
    post = Post.objects.get(title="두 노드 시험 글")
    assert "두 노드 시험 글" in Browser().get(f"{b}/b/ainews/").text

    # A comment through B and a vote through A show on the other node.
    log_in(reader, b, "reader")
    article = f"/b/ainews/{post.pk}/"
    assert reader.post(f"{b}{article}comments/", {"body": "B에서 단 댓글"}, form_url=f"{b}{article}").status == 302
    assert "B에서 단 댓글" in Browser().get(f"{a}{article}").text
    assert reader.post(f"{a}{article}vote/", {"value": "up"}, form_url=f"{a}{article}").status == 302
    assert re.search(r"<strong>1</strong> 추천", Browser().get(f"{b}{article}").text)

    # A moderator's hide through B: A no longer shows the post to the public.
    log_in(moderator, b, "mod")
    assert moderator.post(f"{b}{article}moderate/", {"action": "hide"}, form_url=f"{b}{article}").status == 302
    assert Browser().get(f"{a}{article}").status == 404
    assert "두 노드 시험 글" not in Browser().get(f"{a}/b/ainews/").text

    # Rate limits count across both nodes: 3 comments a day in this test, one already
    # made through B above, two more through A and B, and the next one, through A, refused.
    other = Post.objects.create(board=post.board, author=people[1]["writer"], title="댓글 받을 글", body="본문")
    target = f"/b/ainews/{other.pk}/"
    statuses = [
        reader.post(f"{base}{target}comments/", {"body": f"댓글 {i}"}, form_url=f"{base}{target}").status
        for i, base in enumerate([a, b, a])
    ]
    assert statuses == [302, 302, 429]
    assert Comment.objects.filter(author=people[1]["reader"]).count() == 3
