import itertools
import re
from html import unescape

import pytest
from django.core.cache import cache
from django.test import Client

from accounts.models import User
from board import services
from board.models import Board

_counter = itertools.count(1)


def pytest_collection_modifyitems(config, items):
    """Multi-node tests and the fault tests marked pg_redis need the production path
    (PostgreSQL and Redis), and the tests of Redis-kept view counts need Redis; the SQLite
    pass of `make test` leaves them out and says so, and .ci/run's second pass runs them."""
    from django.conf import settings

    postgresql = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    needs = {
        "multinode": (postgresql and settings.REDIS_URL, "DATABASE_URL=postgres… and REDIS_URL"),
        # Fault runs that kill Redis or stop PostgreSQL start their own redis-server and
        # PostgreSQL cluster (tests/test_faults.py); .ci/run's second pass. The other fault
        # tests (disk, backup, restore) run in both passes.
        "pg_redis": (postgresql and settings.REDIS_URL, "DATABASE_URL=postgres… and REDIS_URL"),
        "redis": (settings.REDIS_URL, "REDIS_URL"),
    }
    if any("tmpfs" in item.keywords for item in items):
        needs["tmpfs"] = (can_mount_tmpfs(), "root, where `mount -t tmpfs` works")
    for marker, (available, setting) in needs.items():
        left_out = [item for item in items if marker in item.keywords]
        if left_out and not available:
            config.hook.pytest_deselected(items=left_out)
            items[:] = [item for item in items if marker not in item.keywords]
            print(f"\n{len(left_out)} {marker} test(s) left out: they run with {setting}.")
    _leave_out_gnuboard_without_mariadb(config, items)


def _leave_out_gnuboard_without_mariadb(config, items):
    """The Gnuboard importer's tests need MariaDB (127.0.0.1:3306, root): left out with a
    message where it does not answer, unless GNUBOARD_TESTS=required (.ci/run), where
    that is an error."""
    import os

    left_out = [item for item in items if "gnuboard" in item.keywords]
    if not left_out:
        return
    from tests.gnuboard.site import available

    reachable, why = available()
    if reachable:
        return
    if os.environ.get("GNUBOARD_TESTS") == "required":
        raise pytest.UsageError(f"GNUBOARD_TESTS=required, but MariaDB does not answer: {why}")
    config.hook.pytest_deselected(items=left_out)
    items[:] = [item for item in items if "gnuboard" not in item.keywords]
    print(f"\n{len(left_out)} gnuboard test(s) left out: MariaDB does not answer ({why}).")


def can_mount_tmpfs():
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as probe:
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", probe], capture_output=True)
        if mounted.returncode == 0:
            subprocess.run(["umount", probe], check=True)
        return mounted.returncode == 0


@pytest.fixture
def tiny_disk(tmp_path):
    """tiny_disk(name, size) mounts a tmpfs of `size` (e.g. "1m") at tmp_path/name: a real
    disk that fills up (tests marked tmpfs; left out where mounting is not allowed)."""
    import subprocess

    mounted = []

    def mount(name, size):
        path = tmp_path / name
        path.mkdir(exist_ok=True)
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(path)], check=True)
        mounted.append(path)
        return path

    yield mount
    for path in mounted:
        subprocess.run(["umount", "--lazy", str(path)], check=False)


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    """One S3-compatible server (moto) for the session (tests/servers.py)."""
    from .servers import S3Server

    server = S3Server(tmp_path_factory.mktemp("s3") / "moto.log")
    yield server
    server.stop()


@pytest.fixture
def s3_bucket(s3_server, monkeypatch):
    """A new public-read bucket on the S3 server: .env (the MEDIA_S3_* and AWS_* variables
    of an app server), .storage and .media_url (what settings make of them), .objects()."""
    import json
    import secrets
    from types import SimpleNamespace

    import boto3

    from config.settings import object_storage

    credentials = {"AWS_ACCESS_KEY_ID": "test-key", "AWS_SECRET_ACCESS_KEY": "test-secret"}
    for name, value in credentials.items():
        monkeypatch.setenv(name, value)
    name = f"media-{secrets.token_hex(4)}"
    client = boto3.client("s3", endpoint_url=s3_server.endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=name)
    # Readable by anyone, as pages link the pictures (docs/deploy.md has the same policy).
    policy = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{name}/*"}
    client.put_bucket_policy(Bucket=name, Policy=json.dumps({"Version": "2012-10-17", "Statement": [policy]}))
    env = {
        "MEDIA_S3_BUCKET": name,
        "MEDIA_S3_ENDPOINT_URL": s3_server.endpoint,
        "MEDIA_S3_REGION": "us-east-1",
        **credentials,
    }
    storage, media_url = object_storage(name, endpoint_url=s3_server.endpoint, region="us-east-1")

    def objects():
        pages = client.get_paginator("list_objects_v2").paginate(Bucket=name)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", ()))

    return SimpleNamespace(name=name, env=env, storage=storage, media_url=media_url, client=client, objects=objects)


@pytest.fixture
def media_in_bucket(s3_bucket, settings):
    """This test's uploads go to a bucket of the S3 server instead of the media folder."""
    settings.STORAGES = {**settings.STORAGES, "default": s3_bucket.storage}
    settings.MEDIA_URL = s3_bucket.media_url
    return s3_bucket


@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    """Static files collected once for every test that starts gunicorn (tests/servers.py)."""
    from .servers import collect_static

    return collect_static(tmp_path_factory.mktemp("static"))


@pytest.fixture
def start_server(static_root, tmp_path):
    """start_server(**env) -> a running gunicorn (tests/servers.py) with the production
    settings. On SQLite it gets a database file of its own, migrated here (the test
    database is in memory); on PostgreSQL it shares the test database, so tests using it
    are marked django_db(transaction=True, serialized_rollback=True)."""
    import subprocess
    import sys

    from django.conf import settings

    from .servers import ROOT, Gunicorn, database_url, production_env

    started = []

    def start(workers=1, **overrides):
        database = settings.DATABASES["default"]
        sqlite = database["ENGINE"].endswith("sqlite3")
        url = f"sqlite:///{tmp_path / 'server.sqlite3'}" if sqlite else database_url(database)
        env = production_env(
            database_url=url,
            static_root=static_root,
            media_root=tmp_path / "media",
            GUNICORN_WORKERS=str(workers),
            **overrides,
        )
        if sqlite and not started:
            command = [sys.executable, "manage.py", "migrate", "--noinput", "-v0"]
            subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)
        server = Gunicorn(env, tmp_path / f"gunicorn{len(started)}.log")
        started.append(server)
        server.wait_until_healthy(workers=workers)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_email_confirmation(settings):
    """Members write at once, as in development, whatever DJANGO_DEBUG says; the tests of
    e-mail confirmation turn it on."""
    settings.ACCOUNTS_REQUIRE_EMAIL_CONFIRMATION = False


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The menu and sidebar are cached; each test starts from an empty cache, and with no
    # page of rows kept in the process (board/fragments.py) from another test.
    from board import fragments, pagecache

    cache.clear()
    fragments._kept_parts.clear()
    pagecache._reads_of_render.clear()
    yield
    cache.clear()


@pytest.fixture
def mid_window(monkeypatch):
    """The limits count in fixed windows; a test's few requests must not straddle the edge
    of one (the count would start again, and the refusal never come)."""
    monkeypatch.setattr("board.ratelimit.time.time", lambda: 1_800_000_030.0)


@pytest.fixture
def make_user(db):
    def make(username=None, nickname=None, **extra):
        n = next(_counter)
        username = username or f"member{n}"
        user = User(
            username=username, nickname=nickname or f"회원{n}", email=extra.pop("email", f"{username}@example.com")
        )
        for key, value in extra.items():
            setattr(user, key, value)
        user.set_password(extra.get("password", "correct-horse-battery"))
        user.save()
        return user

    return make


@pytest.fixture
def moderator(make_user):
    """A member of the 운영진 group (the data migration's moderator permissions)."""
    from django.contrib.auth.models import Group

    user = make_user(username="mod", nickname="운영자", is_staff=True)
    user.groups.add(Group.objects.get(name="운영진"))
    return user


@pytest.fixture
def make_board(db):
    def make(slug="ainews", name="AI 뉴스", **extra):
        board = Board.objects.filter(slug=slug).first()
        return board or services.save_board(board=Board(slug=slug, name=name, **extra))

    return make


@pytest.fixture
def board(make_board):
    return make_board()


@pytest.fixture
def author(make_user):
    return make_user(username="xtalfi", nickname="크리스탈피")


@pytest.fixture
def make_post(db, board, author):
    def make(title=None, body="본문입니다.", board=board, author=author, hidden=False, **extra):
        post = services.create_post(
            board=board, author=author, title=title or f"테스트 글 {next(_counter)}", body=body, **extra
        )
        if hidden:
            services.hide_post(post=post)
        return post

    return make


@pytest.fixture
def make_comment(db, make_user, django_capture_on_commit_callbacks):
    def make(post, body="댓글입니다.", author=None, parent=None):
        # Committed, as a comment is: what the writer does at the commit (최근 댓글) is done.
        with django_capture_on_commit_callbacks(execute=True):
            return services.add_comment(post=post, author=author or make_user(), body=body, parent=parent)

    return make


def page_text(response):
    """The page as a reader sees it: tags removed, entities decoded, whitespace folded."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    text = unescape(re.sub(r"<[^>]+>", " ", html))
    return re.sub(r"\s+", " ", text).strip()


def member_client(user, **kwargs):
    """A test client logged in as this member (kwargs go to Client: enforce_csrf_checks)."""
    client = Client(**kwargs)
    client.force_login(user)
    return client


def shared_page(client, url):
    """Read a page twice; the second time it must come from the cache members share."""
    client.get(url)
    response = client.get(url)
    assert response["X-Page-Cache"] == "hit", url
    return response


def main_text(response):
    """Only the page's own content, without header, sidebar and footer."""
    html = response.content.decode()
    main = re.search(r"<main\b.*?</main>", html, re.S)
    return page_text(type("Page", (), {"content": main.group(0).encode()})) if main else ""


def assert_in_order(text, items):
    """Each item appears in the text after the one before it."""
    position = 0
    for item in items:
        found = text.find(item, position)
        assert found != -1, f"{item!r} not found after position {position} in: {text[position : position + 300]!r}"
        position = found + len(item)


def image_file(name="사진.png", size=(320, 200), fmt="PNG", colour=(30, 90, 200), **save_args):
    """An in-memory upload of a real picture drawn with Pillow."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, fmt, **save_args)
    content_type = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}[fmt]
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)
