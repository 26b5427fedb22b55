"""Two app servers sharing PostgreSQL and Redis, as two nodes behind a load balancer.

Runs where the production path is configured (DATABASE_URL=postgres…, REDIS_URL): the
second pass of .ci/run. Each node is a real gunicorn on its own loopback port.
"""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group

from accounts.models import User
from board.models import Board, Comment, Post

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "multi-node-pass-2025"

# Committed rows, so the gunicorn nodes (other connections) see them; serialized_rollback
# restores the data migrations' rows (the 운영진 group) for whatever runs next.
pytestmark = [
    pytest.mark.multinode,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("static")
    env = {**os.environ, "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "collect", "STATIC_ROOT": str(root)}
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    return root


@pytest.fixture
def nodes(static_root, tmp_path):
    database = settings.DATABASES["default"]
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_DEBUG": "0",
        "DJANGO_HTTPS": "0",
        "DJANGO_SECRET_KEY": "shared-secret-of-both-nodes-0123456789-abcdefghijklmnopqrstuvwxyz",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(static_root),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "BOARD_COMMENT_RATE": "3",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_ACCESS_LOG": "",
    }
    processes, bases = [], []
    for _ in range(2):
        port = free_port()
        command = [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "-b", f"127.0.0.1:{port}"]
        processes.append(subprocess.Popen([*command, "config.wsgi"], cwd=ROOT, env=env))
        bases.append(f"http://127.0.0.1:{port}")
    try:
        for base in bases:
            wait_until_healthy(base)
        yield bases
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=20)


def wait_until_healthy(base):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{base} did not become healthy")


class Browser:
    """One reader's cookies, used against any node."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect())

    def get(self, url):
        return self._open(urllib.request.Request(url))

    def post(self, url, data, form_url=None):
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self.get(form_url or url)[1]).group(1)
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
        return self._open(urllib.request.Request(url, data=body, headers={"Referer": form_url or url}))

    def _open(self, request):
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


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
    status, _ = browser.post(f"{base}/accounts/login/", {"username": username, "password": PASSWORD})
    assert status == 302


def test_two_nodes_share_sessions_writes_moderation_and_rate_limits(nodes, people):
    a, b = nodes
    writer, reader, moderator = Browser(), Browser(), Browser()

    # A session made on one node is valid on the other.
    log_in(writer, a, "writer")
    status, page = writer.get(f"{b}/accounts/me/")
    assert status == 200 and "작성자님" in page

    # A post through A is in B's list at once (no stale cached page).
    status, _ = writer.post(f"{a}/b/ainews/write/", {"title": "두 노드 시험 글", "body": "본문", "tags_text": ""})
    assert status == 302
    post = Post.objects.get(title="두 노드 시험 글")
    assert "두 노드 시험 글" in Browser().get(f"{b}/b/ainews/")[1]

    # A comment through B and a vote through A show on the other node.
    log_in(reader, b, "reader")
    article = f"/b/ainews/{post.pk}/"
    assert reader.post(f"{b}{article}comments/", {"body": "B에서 단 댓글"}, form_url=f"{b}{article}")[0] == 302
    assert "B에서 단 댓글" in Browser().get(f"{a}{article}")[1]
    assert reader.post(f"{a}{article}vote/", {"value": "up"}, form_url=f"{a}{article}")[0] == 302
    assert re.search(r"<strong>1</strong> 추천", Browser().get(f"{b}{article}")[1])

    # A moderator's hide through B: A no longer shows the post to the public.
    log_in(moderator, b, "mod")
    status, _ = moderator.post(f"{b}{article}moderate/", {"action": "hide"}, form_url=f"{b}{article}")
    assert status == 302
    assert Browser().get(f"{a}{article}")[0] == 404
    assert "두 노드 시험 글" not in Browser().get(f"{a}/b/ainews/")[1]

    # Rate limits count across both nodes: 3 comments a minute in this test, one already
    # made through B above, two more through A and B, and the next one, through A, refused.
    other = Post.objects.create(board=post.board, author=people[1]["writer"], title="댓글 받을 글", body="본문")
    target = f"/b/ainews/{other.pk}/"
    statuses = [
        reader.post(f"{base}{target}comments/", {"body": f"댓글 {i}"}, form_url=f"{base}{target}")[0]
        for i, base in enumerate([a, b, a])
    ]
    assert statuses == [302, 302, 429]
    assert Comment.objects.filter(author=people[1]["reader"]).count() == 3
