"""CPU time of the mixed logged-in load, in-process, by kind of request: the same mix as
bench/mixed.lua (50 members; 45 % articles, 35 % list pages 1–10, 10 % 홈, 5 % comments,
5 % 추천) replayed through Django's test client, so what each kind costs, and what a write
costs the reads after it, can be read apart from wrk and gunicorn. Run with the benchmark's
settings and database after bench/run.py has made its members:

    python bench/mixed_cpu.py [requests] [--profile kind]

Prints the mean and median CPU per kind and per request overall; with --profile, the top
functions of that kind's requests ("comment", "vote", "article", "list", "home").
"""

import argparse
import cProfile
import io
import os
import pstats
import random
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.models import User  # noqa: E402
from board.models import Post  # noqa: E402


def requests(count, posts, clients, seed=1):
    rng = random.Random(seed)
    for _ in range(count):
        client, post, roll = rng.choice(clients), rng.choice(posts), rng.randint(1, 100)
        if roll <= 5:
            yield "comment", client, "post", f"/b/ainews/{post}/comments/", {"body": "벤치마크 댓글"}
        elif roll <= 10:
            yield "vote", client, "post", f"/b/ainews/{post}/vote/", {"value": "up"}
        elif roll <= 55:
            yield "article", client, "get", f"/b/ainews/{post}/", None
        elif roll <= 90:
            yield "list", client, "get", f"/b/ainews/?page={rng.randint(1, 10)}", None
        else:
            yield "home", client, "get", "/", None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("count", type=int, nargs="?", default=2000)
    parser.add_argument("--profile", help="profile this kind of request")
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["*"]
    clients = []
    for user in User.objects.filter(username__startswith="bench").order_by("id")[:50]:
        client = Client()
        client.force_login(user)
        clients.append(client)
    posts = list(
        Post.objects.visible()
        .filter(board__slug="ainews")
        .exclude(author__username__startswith="bench")
        .order_by("-id")
        .values_list("pk", flat=True)[:20]
    )
    # Warm: templates compiled, every page cached once.
    for kind, client, method, path, data in requests(200, posts, clients, seed=0):
        getattr(client, method)(path, data, headers={"accept": "application/json"} if kind == "vote" else {})
    seconds = defaultdict(list)
    profiler = cProfile.Profile()
    for kind, client, method, path, data in requests(args.count, posts, clients):
        profiled = kind == args.profile
        started = time.process_time()
        if profiled:
            profiler.enable()
        response = getattr(client, method)(path, data, headers={"accept": "application/json"} if kind == "vote" else {})
        if profiled:
            profiler.disable()
        seconds[kind].append(time.process_time() - started)
        assert response.status_code in (200, 302), (path, response.status_code)
    total = sum(sum(values) for values in seconds.values())
    count = sum(len(values) for values in seconds.values())
    print(f"{'kind':10} {'count':>6} {'mean ms':>8} {'median':>8} {'share':>6}")
    for kind, values in sorted(seconds.items(), key=lambda item: -sum(item[1])):
        print(
            f"{kind:10} {len(values):6} {statistics.mean(values) * 1000:8.2f} "
            f"{statistics.median(values) * 1000:8.2f} {sum(values) / total:6.0%}"
        )
    print(f"{'all':10} {count:6} {total / count * 1000:8.2f}")
    if args.profile:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("tottime").print_stats(30)
        stats.sort_stats("cumulative").print_stats(45)
        if os.environ.get("CALLEES"):
            stats.print_callees(os.environ["CALLEES"])
        print(out.getvalue())


if __name__ == "__main__":
    main()
