"""A real browser against the real server: headless Chromium (Debian's package, driven by
Playwright) and gunicorn with the production settings over a fresh database holding the
demo data. One server and one browser for the whole session; each test gets its own
browser context (cookies, viewport) so journeys never share a login.
"""

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
OUTPUT = Path(__file__).resolve().parent / "output"  # screenshots and validator reports (git-ignored)
SCREENSHOTS = OUTPUT / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # Nothing leaves the machine: every host but the loopback site fails to resolve at once
    # (an image link in a post, say), without routing each request through Python, which
    # would also switch off the browser's cache.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
VIEWPORTS = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1366, "height": 900}},
}
# The demo logins printed by seed_demo (admin is the superuser, so a moderator).
ADMIN = ("admin", "admin-pass-1234")
MEMBER_PASSWORD = "demo-pass-1234"


def pytest_collection_modifyitems(config, items):
    """Browser tests need Chromium (and axe-core from npm); without them they are left out,
    and the run says so."""
    missing = [str(path) for path in (CHROMIUM, AXE) if not path.exists()]
    if not missing:
        return
    if os.environ.get("BROWSER_TESTS") == "required":  # .ci/run: never leave them out
        raise pytest.UsageError(f"browser tests required but {', '.join(missing)} not found")
    left_out = [item for item in items if "browser" in item.keywords]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if "browser" not in item.keywords]
        print(
            f"\n{len(left_out)} browser test(s) left out: {', '.join(missing)} not found. "
            "Install them with: apt-get install -y chromium fonts-nanum && npm ci"
        )


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Site:
    base: str
    env: dict

    def url(self, path):
        return self.base + path


class Database:
    """A fresh database for the site: a temporary SQLite file, or, when the suite runs on
    PostgreSQL (.ci/run's second pass), a new database `ainews_browser_<random>` in the
    UTF-8 locale, dropped afterwards."""

    def __init__(self, tmp):
        from django.conf import settings

        self.settings = settings.DATABASES["default"]
        self.name = None
        if self.settings["ENGINE"].endswith("postgresql"):
            self.name = f"ainews_browser_{secrets.token_hex(4)}"
            self._admin(f"CREATE DATABASE \"{self.name}\" LOCALE 'C.UTF-8' TEMPLATE template0 ENCODING 'UTF8'")
            s = self.settings
            auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
            self.url = f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{self.name}"
        else:
            self.url = f"sqlite:///{tmp / 'site.sqlite3'}"

    def _admin(self, sql):
        import psycopg

        s = self.settings
        with psycopg.connect(
            dbname="postgres",
            user=s["USER"],
            password=s.get("PASSWORD") or None,
            host=s["HOST"] or "127.0.0.1",
            port=s["PORT"] or 5432,
            autocommit=True,
        ) as connection:
            connection.execute(sql)

    def drop(self):
        if self.name:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("site")
    database = Database(tmp)
    env = {
        **os.environ,
        "DATABASE_URL": database.url,
        "DJANGO_DEBUG": "0",
        "DJANGO_HTTPS": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(tmp / "static"),
        "MEDIA_ROOT": str(tmp / "media"),
        # Its own key space when the suite shares a Redis database with other runs.
        "CACHE_KEY_PREFIX": f"browser-{os.getpid()}",
        # The XSS journey writes one post and one comment per payload as one member; the
        # limits themselves are tested in tests/board.
        "BOARD_POST_RATE": "100000",
        "BOARD_COMMENT_RATE": "100000",
        # Low enough for the quality checks to reach the 429 page with a few votes.
        "BOARD_VOTE_RATE": "10",
        # The journeys sign up and write at once; confirmation is tested in tests/accounts.
        "ACCOUNTS_REQUIRE_EMAIL_CONFIRMATION": "0",
        "GUNICORN_ACCESS_LOG": "",
        # Without Redis each worker has its own local-memory cache, and a page cached by one
        # worker would not see another worker's invalidation: one worker then.
        "GUNICORN_WORKERS": "2" if os.environ.get("REDIS_URL") else "1",
        "GUNICORN_TIMEOUT": "60",
    }
    server = None
    try:
        collect = subprocess.Popen(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env
        )
        for command in (["migrate", "--noinput", "-v0"], ["seed_demo"]):
            subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True)
        assert collect.wait(timeout=120) == 0
        port = free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                "config/gunicorn.py",
                "-b",
                f"127.0.0.1:{port}",
                "tests.browser.wsgi",
            ],
            cwd=ROOT,
            env=env,
        )
        base = f"http://127.0.0.1:{port}"
        wait_until_healthy(base, server)
        yield Site(base=base, env=env)
    finally:
        if server:
            server.terminate()
            server.wait(timeout=30)
        database.drop()


def wait_until_healthy(base, process):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, "gunicorn exited"
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{base} did not become healthy")


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_context(chromium, site):
    """Browser contexts for this test: `new_context("phone")`, closed afterwards."""
    contexts = []

    def make(viewport, **options):
        context = chromium.new_context(**VIEWPORTS[viewport], locale="ko-KR", timezone_id="Asia/Seoul", **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request):
    return request.param


@pytest.fixture
def page(new_context, viewport):
    return new_context(viewport).new_page()


@pytest.fixture
def shoot(request):
    """Save a screenshot of this journey's step to tests/browser/screenshots/<viewport>/."""
    callspec = getattr(request.node, "callspec", None)
    viewport = callspec.params.get("viewport", "desktop") if callspec else "desktop"

    def take(page, step, **options):
        folder = SCREENSHOTS / viewport
        folder.mkdir(parents=True, exist_ok=True)
        name = request.node.originalname.removeprefix("test_")
        page.screenshot(path=folder / f"{name}-{step}.png", **options)

    return take


def log_in(page, site, username, password=MEMBER_PASSWORD, next_path="/"):
    page.goto(site.url(f"/accounts/login/?next={next_path}"))
    page.get_by_label("아이디").fill(username)
    page.get_by_label("비밀번호").fill(password)
    page.get_by_role("button", name="로그인").click()
    page.wait_for_url(site.url(next_path))


# The rules fail at any impact axe gives them (heading-order, for one, is "moderate").
NAMED_RULES = {"label", "image-alt", "color-contrast", "bypass", "skip-link", "heading-order", "page-has-heading-one"}


def axe_violations(page, rules=None):
    """axe-core's serious and critical violations, and those of NAMED_RULES at any impact,
    on the page as it is now, for every rule or only the given ones (needs a context
    created with bypass_csp=True: the page's CSP forbids the injected script)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    options = {"resultTypes": ["violations"], **({"runOnly": rules} if rules else {})}
    result = page.evaluate("async options => JSON.stringify(await axe.run(document, options))", options)
    violations = json.loads(result)["violations"]
    return [v for v in violations if v["impact"] in ("serious", "critical") or v["id"] in NAMED_RULES]


def describe(violations):
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(n["target"][0] for n in v["nodes"][:5])
        for v in violations
    )
