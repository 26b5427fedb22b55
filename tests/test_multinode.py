"""Two app servers sharing PostgreSQL, Redis and a bucket of uploads (on a local
S3-compatible server), as two nodes behind a load balancer.

Runs where the production path is configured (DATABASE_URL=postgres…, REDIS_URL): the
second pass of .ci/run. Each node is a real gunicorn on its own loopback port.
"""

import io
import re
import time
import urllib.request

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from PIL import Image

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
def nodes(static_root, tmp_path, s3_bucket):
    """Two nodes sharing PostgreSQL, Redis and one bucket of uploads on an S3-compatible
    server; each has a media folder of its own, which must stay empty."""
    servers = []
    for i in range(2):
        env = production_env(
            database_url=database_url(settings.DATABASES["default"]),
            static_root=static_root,
            media_root=tmp_path / f"media{i}",
            BOARD_COMMENT_RATE="3",
            # A day's window: the limit counts in fixed windows, and one a minute long could
            # start again in the middle of the test (it did, at 15:10:00).
            BOARD_COMMENT_RATE_WINDOW="86400",
            GUNICORN_WORKERS="1",
            **s3_bucket.env,
        )
        servers.append(Gunicorn(env, tmp_path / f"node{i}.log"))
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


def test_a_picture_uploaded_through_one_node_is_served_through_the_other(nodes, people, s3_bucket, tmp_path):
    a, b = nodes
    writer = Browser()
    log_in(writer, a, "writer")
    picture = io.BytesIO()
    Image.new("RGB", (1200, 800), (20, 120, 220)).save(picture, "PNG")
    started = time.monotonic()
    written = writer.post(
        f"{a}/b/ainews/write/",
        {"title": "사진 올린 글", "body": "[이미지1]", "tags_text": "", "source_url": ""},
        files={"images": [("노드A.png", picture.getvalue(), "image/png")]},
    )
    assert written.status == 302
    article = written.headers["Location"]

    # Node B's pages link the picture and its thumbnail in the shared bucket.
    page = Browser().get(f"{b}{article}")
    src = re.search(r'<div class="prose">.*?<img[^>]+src="([^"]+)"', page.text, re.S).group(1)
    assert src.startswith(f"{s3_bucket.env['MEDIA_S3_ENDPOINT_URL']}/{s3_bucket.name}/posts/")
    assert (
        f"img-src 'self' https: {s3_bucket.env['MEDIA_S3_ENDPOINT_URL']}/{s3_bucket.name}/"
        in (page.headers["Content-Security-Policy"])
    )
    thumbnail = re.search(r'<img[^>]+src="([^"]+/thumbs/[^"]+)"', Browser().get(f"{b}/b/ainews/").text).group(1)
    for url, content_type, fmt, size in [
        (src, "image/png", "PNG", (1200, 800)),
        (thumbnail, "image/jpeg", "JPEG", (240, 160)),
    ]:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310  (the local S3 server)
            assert response.headers["Content-Type"] == content_type
            with Image.open(io.BytesIO(response.read())) as served:
                assert (served.format, served.size) == (fmt, size)
    print(f"\nupload through A and both pictures through B's pages: {time.monotonic() - started:.2f} s")
    # Nothing went to either node's own folder.
    assert not [p for i in range(2) for p in (tmp_path / f"media{i}").rglob("*") if p.is_file()]
    assert len(s3_bucket.objects()) == 2
