"""Page speed at 100,000 posts: gunicorn with the production settings, wrk as the load.

    python bench/run.py                      # SQLite file under bench/data/
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ainews_bench REDIS_URL=redis://127.0.0.1:6379/11 \
        python bench/run.py                  # SQLite, then PostgreSQL + Redis
    python bench/run.py --reuse              # keep the databases built by an earlier run

Builds a fresh database with `seed_demo --posts N` (timed), adds an article with 200
comments, starts gunicorn on a free loopback port and drives each page with wrk at 16
connections (after one uncounted second), then a mixed logged-in load (bench/mixed.lua: 50 members, one request in ten
a comment or a 추천). Two baselines come from the same run: a Django view that touches no database
(/robots.txt, through every middleware: the framework's floor) and a static file through
WhiteNoise. Each page is reported as requests/s, p50/p99 latency, errors and its ratio to
the floor; the table goes to bench/results/<date>-<database>.md.
"""

import argparse
import datetime
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable


def run(command, env, **kwargs):
    return subprocess.run(command, cwd=ROOT, env=env, check=True, **kwargs)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def build_database(env, posts, reuse):
    url = env["DATABASE_URL"]
    if url.startswith("sqlite") and not reuse:
        path = Path(url.split("sqlite:///", 1)[1])
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    elif url.startswith("postgres") and not reuse:
        parts = urllib.parse.urlsplit(url)
        name, admin = parts.path.lstrip("/"), f"{parts.scheme}://{parts.netloc}/postgres"
        run(["psql", admin, "-qc", f'DROP DATABASE IF EXISTS "{name}"'], env)
        run(["psql", admin, "-qc", f"CREATE DATABASE \"{name}\" TEMPLATE template0 LC_COLLATE 'C.UTF-8' "
             "LC_CTYPE 'C.UTF-8' ENCODING 'UTF8'"], env)  # fmt: skip
    run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env)
    # Pages, versions and view totals cached for an earlier database must not be served.
    run([PYTHON, "manage.py", "shell", "-v0", "-c", "from django.core.cache import cache; cache.clear()"], env)
    seconds = None
    if not reuse:
        started = time.monotonic()
        run([PYTHON, "manage.py", "seed_demo", "--posts", str(posts)], env, stdout=subprocess.DEVNULL)
        seconds = time.monotonic() - started
        if url.startswith("postgres"):
            # The load leaves the server with dirty buffers and autovacuum work that would
            # otherwise run during the first pages' measurements.
            run(["psql", url, "-qc", "VACUUM ANALYZE"], env)
            run(["psql", url, "-qc", "CHECKPOINT"], env)
    return seconds


def prepare_pages(env):
    """The ids the URLs need, and an article with 200 comments (made once)."""
    script = (
        "from board.models import Post, Comment; from board import services; from accounts.models import User\n"
        "quiet = Post.objects.visible().filter(board__slug='ainews', comment_count=0).order_by('-id').first()\n"
        "three = Post.objects.visible().filter(board__slug='ainews', comment_count=3).order_by('-id').first()\n"
        "busy = Post.objects.visible().filter(board__slug='ainews', comment_count__gte=200).first()\n"
        "if busy is None:\n"
        "    busy = Post.objects.visible().filter(board__slug='ainews').order_by('-id')[5]\n"
        "    members = list(User.objects.filter(is_superuser=False)[:8])\n"
        "    for i in range(200 - busy.comment_count):\n"
        "        services.add_comment(post=busy, author=members[i % len(members)], body=f'벤치마크 댓글 {i}')\n"
        "print(quiet.pk, three.pk, busy.pk)\n"
    )
    output = run([PYTHON, "manage.py", "shell", "-c", script], env, capture_output=True, text=True).stdout
    quiet, three, busy = output.split()[-3:]
    return int(quiet), int(three), int(busy)


MEMBERS_SCRIPT = """
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.middleware.csrf import _get_new_csrf_string
from django.utils.module_loading import import_string
from accounts.models import User
from board.models import Post
store = import_string(settings.SESSION_ENGINE + ".SessionStore")
lines = []
for n in range(1, {members} + 1):
    name = f"bench{{n:02d}}"
    user = User.objects.filter(username=name).first()
    if user is None:
        user = User.objects.create_user(name, f"{{name}}@example.com", None, nickname=f"벤치{{n:02d}}")
    session = store()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "accounts.backends.MemberBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    csrf = _get_new_csrf_string()
    lines.append(f"{{settings.SESSION_COOKIE_NAME}} {{settings.CSRF_COOKIE_NAME}} {{session.session_key}} {{csrf}}")
posts = Post.objects.visible().filter(board__slug="ainews").exclude(author__username__startswith="bench")
lines.append("posts " + " ".join(str(pk) for pk in posts.order_by("-id").values_list("pk", flat=True)[:20]))
print("\\n".join(lines))
"""


def prepare_members(env, count=50):
    """Logged-in sessions for the mixed load (members bench01..), and the 20 posts they
    read, comment on and vote on; written where bench/mixed.lua reads them."""
    output = run(
        [PYTHON, "manage.py", "shell", "-v0", "-c", MEMBERS_SCRIPT.format(members=count)],
        env,
        capture_output=True,
        text=True,
    ).stdout
    path = DATA / "members.txt"
    path.write_text(output)
    return path


def start_gunicorn(env, port):
    command = [PYTHON, "-m", "gunicorn", "-c", "config/gunicorn.py", "-b", f"127.0.0.1:{port}", "config.wsgi"]
    process = subprocess.Popen(command, cwd=ROOT, env={**env, "GUNICORN_ACCESS_LOG": ""}, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):  # noqa: S310
                return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit("gunicorn did not start")


UNCACHED_HEADER = "X-Bench-Uncached"


def wrk(url, duration, connections, kind="reader", members=None):
    """wrk against one URL as a kind of visitor: "reader" (anonymous, page cache as in
    production), "uncached" (anonymous, past the page cache: the first render after a write),
    "member" (logged in, one session per connection) or "mixed" (bench/mixed.lua)."""
    threads, extra = 2, []
    if kind == "uncached":
        extra = ["-H", f"{UNCACHED_HEADER}: 1"]
    elif kind == "member":
        threads, extra = connections, ["-s", str(ROOT / "bench" / "member.lua")]
    elif kind == "mixed":
        extra = ["-s", str(ROOT / "bench" / "mixed.lua")]
    script_args = ["--", str(members)] if kind in ("member", "mixed") else []
    output = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", *extra, url, *script_args],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    latency = dict(re.findall(r"\s+(50|99)%\s+([\d.]+\w+)", output))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_line = re.search(r"Socket errors:(.*)", output)
    # "0", or what went wrong: "3 non-2xx/3xx, 16 timeout" (wrk gives up on a request after 2 s)
    kinds = [(int(non_2xx.group(1)), "non-2xx/3xx")] if non_2xx else []
    kinds += [(int(n), kind) for kind, n in re.findall(r"(\w+) (\d+)", socket_line.group(1) if socket_line else "")]
    errors = ", ".join(f"{n} {kind}" for n, kind in kinds if n) or "0"
    return rps, latency.get("50", "?"), latency.get("99", "?"), errors


def worker_memory_mb(master_pid):
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children")
    sizes = []
    for pid in children.read_text().split() if children.exists() else []:
        status = Path(f"/proc/{pid}/status").read_text()
        sizes.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)
    return max(sizes) if sizes else 0.0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--reuse", action="store_true", help="keep the database of an earlier run")
    parser.add_argument("--only", help="measure only the pages whose label contains this (plus the floor)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk (make bench does it)")
    # SQLite with the local-memory cache always; the production path (PostgreSQL, and Redis
    # when REDIS_URL is set) when DATABASE_URL is given.
    bench_database(args, f"sqlite:///{DATA / 'bench.sqlite3'}", redis_url="")
    if os.environ.get("DATABASE_URL"):
        bench_database(args, os.environ["DATABASE_URL"], redis_url=os.environ.get("REDIS_URL", ""))


def bench_database(args, database_url, redis_url):
    DATA.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DJANGO_DEBUG": "0",
        "DJANGO_HTTPS": "0",
        "DJANGO_SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFG",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(DATA / "static"),
        "MEDIA_ROOT": str(DATA / "media"),
        # 50 members writing 10% of several hundred requests a second would meet the
        # per-member limits at once; the benchmark measures the pages, not the limiter.
        "BOARD_COMMENT_RATE": "1000000",
        "BOARD_VOTE_RATE": "1000000",
        "BOARD_BENCH_BYPASS_HEADER": UNCACHED_HEADER,
    }
    database = "postgresql" if env["DATABASE_URL"].startswith("postgres") else "sqlite"
    seed_seconds = build_database(env, args.posts, args.reuse)
    run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env)
    quiet, three, busy = prepare_pages(env)
    members = prepare_members(env)
    port = free_port()
    server = start_gunicorn(env, port)
    base = f"http://127.0.0.1:{port}"
    try:
        css = re.search(r"/static/css/site\.[0-9a-f]+\.css", urllib.request.urlopen(base + "/").read().decode())  # noqa: S310
        quote = urllib.parse.quote
        pages = [
            ("trivial view (robots.txt, no database)", "/robots.txt"),
            ("static file (WhiteNoise)", css.group(0)),
            ("홈", "/"),
            ("list page 1", "/b/ainews/"),
            ("list page 3,000", "/b/ainews/?page=3000"),
            ("article (counts a view)", f"/b/ainews/{quiet}/"),
            ("article with 200 comments", f"/b/ainews/{busy}/"),
            ("search 2 syllables (모델)", f"/b/ainews/?q={quote('모델')}"),
            ("search 4 syllables (강화학습)", f"/b/ainews/?q={quote('강화학습')}"),
            ("search English (grpo)", "/b/ainews/?q=grpo"),
            ("새글/새댓글", "/new/"),
            ("anonymous uncached: list page 1", "/b/ainews/", "uncached"),
            ("anonymous uncached: article", f"/b/ainews/{three}/", "uncached"),
            ("member: 홈", "/", "member"),
            ("member: list page 1", "/b/ainews/", "member"),
            ("member: list page 3,000", "/b/ainews/?page=3000", "member"),
            ("member: article (3 comments)", f"/b/ainews/{three}/", "member"),
            ("member: article with 200 comments", f"/b/ainews/{busy}/", "member"),
            ("mixed, 50 members (10% comments and votes)", "/", "mixed"),
        ]
        if args.only:
            pages = [pages[0], *(page for page in pages[1:] if args.only in page[0])]
        rows = []
        for label, path, *kind in pages:
            kind = kind[0] if kind else "reader"
            # One second first, not counted: every worker has then served (and the cache
            # holds) the page, so the figures are the steady state, not the first render.
            wrk(base + path, 1, args.connections, kind, members)
            rps, p50, p99, errors = wrk(base + path, args.duration, args.connections, kind, members)
            rows.append((label, path, rps, p50, p99, errors))
            print(f"{label:40} {rps:9.1f} req/s  p50 {p50:>8}  p99 {p99:>8}  errors: {errors}", flush=True)
        memory = worker_memory_mb(server.pid)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    if args.only:
        return  # a partial run leaves the last full report alone
    cpu = json.loads(
        run([PYTHON, "bench/render_cpu.py", str(three)], env, capture_output=True, text=True).stdout.splitlines()[-1]
    )
    profile = cpu.pop("profile")
    for label, figures in cpu.items():
        print(f"{label:40} CPU per render: median {figures['median_ms']} ms, p90 {figures['p90_ms']} ms", flush=True)
    floor = rows[0][2]
    today = datetime.date.today().isoformat()
    lines = [
        f"# Benchmark {today}, {database}, {os.cpu_count()} cores",
        "",
        f"`python bench/run.py` — {args.posts:,} generated posts, gunicorn "
        f"({os.environ.get('GUNICORN_WORKERS', '2 × cores + 1')} workers, production settings), "
        f"wrk -t2 -c{args.connections} -d{args.duration}s per page, client and server on the same machine; "
        f"cache: {'Redis' if redis_url else 'files beside the SQLite database (shared by the workers)'}.",
        "",
        f"- `seed_demo --posts {args.posts}`: "
        + (f"{seed_seconds:.0f} s" if seed_seconds is not None else "reused an earlier database"),
        f"- largest gunicorn worker after the run: {memory:.0f} MB",
        "",
        "| page | requests/s | p50 | p99 | errors | × trivial view |",
        "|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {label} | {rps:,.1f} | {p50} | {p99} | {errors} | {rps / floor:.2f} |"
        for label, _, rps, p50, p99, errors in rows
    ]
    lines += [
        "",
        "CPU time of one render in-process (`bench/render_cpu.py`, 200 renders each, `time.process_time`):",
        "",
        "| page | median | p90 |",
        "|---|---|---|",
        *(f"| {label} | {f['median_ms']} ms | {f['p90_ms']} ms |" for label, f in cpu.items()),
        "",
        "What a first render of the list page and the article costs (anonymous past the page cache), "
        "by function: cProfile, 50 renders of each, top 25 by own time, then by cumulative time:",
        "",
        "```",
        profile,
        "```",
    ]
    report = RESULTS / f"{today}-{database}.md"
    report.write_text("\n".join(lines) + "\n")
    print(f"\nwritten to {report.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
