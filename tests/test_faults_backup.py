"""Backup under a writing load and restore (issue 13, points 6 and 7), against real
processes: a site of its own (a SQLite file, or on the PostgreSQL pass a PostgreSQL
database named after the test database, plus Redis when REDIS_URL is set), a writer
process, `manage.py backup`/`restore` as the operator runs them, and gunicorn for what
readers see.
"""

import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings

from .servers import ROOT, Browser, Gunicorn, database_url, manage, production_env

pytestmark = [pytest.mark.faults, pytest.mark.slow]

PASSWORD = "faults-backup-pass-2025"


@dataclass
class Site:
    env: dict
    vendor: str
    name: str  # the database file or name

    def run(self, code):
        """Python run with the site's settings (manage.py shell); what it prints, as JSON."""
        return json.loads(manage(self.env, "shell", "-c", code).stdout.strip().splitlines()[-1])


def pg_args(database):
    return ["-h", database["HOST"] or "127.0.0.1", "-p", str(database["PORT"] or 5432), "-U", database["USER"]]


def new_site(folder, static_root, suffix, template=None):
    """A database of its own: a SQLite file in `folder`, or on PostgreSQL a database named
    after the test database (test_ainews_x → ainews_x_<suffix>); a copy of `template` if given."""
    database = settings.DATABASES["default"]
    vendor = "sqlite" if database["ENGINE"].endswith("sqlite3") else "postgresql"
    if vendor == "sqlite":
        name = str(folder / f"{suffix}.sqlite3")
        if template is not None:
            shutil.copyfile(template.name, name)
        url = f"sqlite:///{name}"
    else:
        name = database["NAME"].removeprefix("test_") + f"_{suffix}"
        drop_database(name)
        copy = ["-T", template.name] if template is not None else ["-T", "template0"]
        subprocess.run(["createdb", *pg_args(database), "-l", "C.UTF-8", *copy, name], check=True)
        url = database_url({**database, "NAME": name})
    env = production_env(
        database_url=url,
        static_root=static_root,
        media_root=folder / "media",
        CACHE_DIR=str(folder / "cache"),
        CACHE_KEY_PREFIX=f"{os.environ.get('CACHE_KEY_PREFIX', 'ainews')}-{suffix}",
        GUNICORN_WORKERS="1",
    )
    if template is None:
        manage(env, "migrate", "--noinput", "-v0")
    return Site(env, vendor, name)


def drop_database(name):
    if not settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        args = pg_args(settings.DATABASES["default"])
        subprocess.run(["dropdb", *args, "--if-exists", "--force", name], check=True, capture_output=True)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory, static_root):
    """The demo site plus 3,000 generated posts (43 MB on SQLite), made once and copied by
    each test that needs a database of some size."""
    site = new_site(tmp_path_factory.mktemp("seeded"), static_root, "seeded")
    manage(site.env, "seed_demo", "--posts", "3000", "--comments-per-post", "2", "--votes-per-post", "2")
    yield site
    drop_database(site.name)


@pytest.fixture
def site(tmp_path, static_root):
    """An empty migrated site of its own."""
    site = new_site(tmp_path, static_root, "scratch")
    yield site
    drop_database(site.name)


@pytest.fixture
def busy_site(tmp_path, static_root, seeded):
    """A copy of the seeded site."""
    site = new_site(tmp_path, static_root, "scratch", template=seeded)
    yield site
    drop_database(site.name)


class Writer:
    """`python -m tests.writer` against the site: every committed post and when, and how
    many views it counted in the database."""

    def __init__(self, site, posts, views):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.writer", str(posts), str(views)],
            cwd=ROOT,
            env=site.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout.readline().strip() == "ready", self.process.stderr.read()
        self.committed, self.errors, self.views = [], [], 0  # committed: (time, id, seconds it took)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.process.stdout:
            kind, *values = line.split()
            if kind == "post":
                self.committed.append((time.time(), int(values[0]), float(values[1])))
            elif kind == "views":
                self.views = int(values[0])
            else:
                self.errors.append(line.strip())

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)
        self.reader.join(timeout=10)


def post_ids_in_backup(site, path):
    """The post ids a backup file holds, read from the file itself."""
    if site.vendor == "sqlite":
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as copy:
            return {row[0] for row in copy.execute("SELECT id FROM board_post")}
    data = subprocess.run(
        ["pg_restore", "--data-only", "--table", "board_post", "-f", "-", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rows = data.split("COPY public.board_post ")[1].split("\n\\.\n")[0].splitlines()[1:]
    return {int(row.split("\t")[0]) for row in rows}


def leftovers(folder):
    return sorted(p.name for p in Path(folder).iterdir() if p.name.startswith("."))


# --- 6. Backup under a writing load ------------------------------------------------------


def test_backup_finishes_under_a_steady_writing_load_with_every_acknowledged_post(busy_site, tmp_path):
    site = busy_site
    # Posts at more than the issue's 2 writes a second, and readers' views counted in the
    # database: SQLite's stepwise online backup restarted on each and never finished.
    writer = Writer(site, posts=5, views=100)
    try:
        time.sleep(1.5)
        before = {post_id for _, post_id, _ in writer.committed}
        target = tmp_path / "backups" / "copy.bak"
        started = time.time()
        result = manage(site.env, "backup", str(target), timeout=60)
        finished = time.time()
        time.sleep(1)
    finally:
        writer.stop()

    assert "백업을 만들었습니다" in result.stdout
    took = finished - started
    during = [post_id for at, post_id, _ in writer.committed if started < at < finished]
    size = target.stat().st_size / 1e6
    print(f"\n{site.vendor}: backup of {size:.1f} MB in {took:.1f} s, {len(during)} posts written meanwhile")
    assert took < 30
    assert before and before <= post_ids_in_backup(site, target)  # every post acknowledged before it
    assert leftovers(target.parent) == []
    # The writers went on: nothing failed, nothing waited long.
    assert writer.errors == []
    assert max(seconds for _, _, seconds in writer.committed) < 2
    assert len(writer.committed) >= 5 * 2.5 * 0.8 and writer.views > 100


def test_a_killed_backup_leaves_no_file_at_the_target_and_the_old_backup_intact(busy_site, tmp_path):
    site = busy_site
    target = tmp_path / "backups" / "nightly.bak"
    manage(site.env, "backup", str(target))
    old = target.read_bytes()

    process = subprocess.Popen(
        [sys.executable, "manage.py", "backup", str(target)], cwd=ROOT, env=site.env, stdout=subprocess.DEVNULL
    )
    # Killed as soon as its temporary file is there, so in the middle of the copy.
    deadline = time.monotonic() + 60
    while not leftovers(target.parent) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.001)
    process.kill()
    process.wait()

    assert process.returncode == -signal.SIGKILL, "the backup finished before it could be killed"
    assert target.read_bytes() == old  # the target never held anything but a whole backup
    # What the killed run left is a hidden temporary file (and its journal); the next
    # backup removes it.
    assert leftovers(target.parent) and all(n.startswith(".nightly.bak.part") for n in leftovers(target.parent))
    manage(site.env, "backup", str(target))
    assert leftovers(target.parent) == []


@pytest.mark.tmpfs
def test_a_backup_that_fills_its_disk_fails_in_korean_and_leaves_nothing(busy_site, tiny_disk):
    site = busy_site
    disk = tiny_disk("backups", "256k")

    result = manage(site.env, "backup", str(disk / "copy.bak"), check=False)

    assert result.returncode == 1
    assert "백업을 만들지 못했습니다" in result.stderr or "실패" in result.stderr
    assert "Traceback" not in result.stderr
    assert list(disk.iterdir()) == []


# --- 7. Restore --------------------------------------------------------------------------

SETUP = f"""
import io, json
from PIL import Image
from django.core.files.uploadedfile import SimpleUploadedFile
from accounts.models import User
from board import images, services
from board.models import Board
board = services.save_board(board=Board(slug="ainews", name="AI 뉴스"))
writer = User(username="writer", nickname="글쓴이", email="writer@example.com")
writer.set_password("{PASSWORD}")
writer.save()
png = io.BytesIO()
Image.new("RGB", (300, 200), (200, 30, 30)).save(png, "PNG")
picture = images.prepare_upload(SimpleUploadedFile("사진.png", png.getvalue(), "image/png"))
first = services.create_post(board=board, author=writer, title="복원 전 글 가", body="사진 있는 글", images=[picture])
second = services.create_post(board=board, author=writer, title="복원 전 글 나", body="복원 시험 본문")
print(json.dumps([first.pk, second.pk, first.images.get().image.url]))
"""


def views_shown(page):
    return int(re.search(r"<strong>([\d,]+)</strong> 조회", page.text).group(1).replace(",", ""))


def view(base, path, readers):
    """`readers` different people open the article; what the last one saw."""
    pages = [Browser().get(f"{base}{path}") for _ in range(readers)]
    assert all(page.status == 200 for page in pages)
    return views_shown(pages[-1])


@pytest.mark.parametrize("uploads", ["folder", "bucket"])
def test_restore_brings_the_backup_back_and_forgets_cached_pages_and_view_totals(site, tmp_path, uploads, request):
    """The media are not in the backup: in a bucket or in the folder, a restored post's
    picture is where it was."""
    if uploads == "bucket":
        site.env.update(request.getfixturevalue("s3_bucket").env)
    first, _, picture = site.run(SETUP)
    # Totals stay in Redis (where REDIS_URL is set) until something writes them down.
    server = Gunicorn({**site.env, "BOARD_VIEW_FLUSH_SECONDS": "3600"}, tmp_path / "gunicorn.log")
    try:
        server.wait_until_healthy()
        base = server.base
        assert view(base, f"/b/ainews/{first}/", 3) == 3
        backup = tmp_path / "before.bak"
        manage(site.env, "backup", str(backup))

        # After the backup: a new post, read 34 times, and the first post retitled.
        writer = Browser()
        assert writer.post(f"{base}/accounts/login/", {"username": "writer", "password": PASSWORD}).status == 302
        made = writer.post(
            f"{base}/b/ainews/write/", {"title": "백업 뒤에 쓴 글", "body": "사라질 글", "tags_text": ""}
        )
        late_path = made.headers["Location"]
        late_id = int(late_path.rstrip("/").rsplit("/", 1)[1])
        assert view(base, late_path, 34) == 34
        retitled = writer.post(
            f"{base}/b/ainews/{first}/edit/", {"title": "백업 뒤에 고친 제목", "body": "고친 본문", "tags_text": ""}
        )
        assert retitled.status == 302
        # Anonymous pages now cached with what the backup does not have.
        for path in ["/", "/b/ainews/", late_path, f"/b/ainews/{first}/"]:
            assert Browser().get(f"{base}{path}").status == 200
        assert "백업 뒤에 쓴 글" in Browser().get(f"{base}/b/ainews/").text

        restored = manage(site.env, "restore", str(backup), "--noinput")  # while gunicorn serves
        assert "복원했습니다" in restored.stdout

        listing = Browser().get(f"{base}/b/ainews/").text
        assert "복원 전 글 가" in listing and "복원 전 글 나" in listing
        assert "백업 뒤에 쓴 글" not in listing and "백업 뒤에 고친 제목" not in listing
        assert "백업 뒤에 쓴 글" not in Browser().get(f"{base}/").text
        assert Browser().get(f"{base}{late_path}").status == 404
        article = Browser().get(f"{base}/b/ainews/{first}/")
        assert "복원 전 글 가" in article.text and views_shown(article) == 4  # 3 in the backup, and this one
        assert "백업 뒤에 쓴 글" not in Browser().get(f"{base}/search/?{urlencode({'q': '백업 뒤에'})}").text
        assert "복원 전 글 나" in Browser().get(f"{base}/search/?{urlencode({'q': '복원 전 글'})}").text

        # The next post gets the id of the one the restore removed, and none of its views.
        writer = Browser()
        assert writer.post(f"{base}/accounts/login/", {"username": "writer", "password": PASSWORD}).status == 302
        again = writer.post(f"{base}/b/ainews/write/", {"title": "복원 뒤에 쓴 글", "body": "새 글", "tags_text": ""})
        assert again.status == 302 and again.headers["Location"] == late_path
        assert view(base, late_path, 1) == 1
        assert "복원 뒤에 쓴 글" in Browser().get(f"{base}{late_path}").text
        assert f'src="{picture}"' in Browser().get(f"{base}/b/ainews/{first}/").text
        if uploads == "bucket":
            with urllib.request.urlopen(picture, timeout=10) as served:  # noqa: S310  (the local S3 server)
                assert served.status == 200 and served.headers["Content-Type"] == "image/png"
        else:
            assert (Path(site.env["MEDIA_ROOT"]) / picture.removeprefix("/media/")).is_file()
        assert "Traceback" not in server.log()
    finally:
        server.stop()
    assert late_id > first
