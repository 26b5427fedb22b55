"""CPU time of one uncached render, in-process: the median of many renders of a list page
and an article: anonymous past the page cache with its parts cached; anonymous after a 추천
on another post of the same page, which retires the page and its rows but not its shell;
anonymous after a 추천 on the article itself, which retires the page and every part of it;
and as a logged-in member. Then a profile of the renders after a write. Run by
bench/run.py with the benchmark's settings and database:

    python bench/render_cpu.py <article id> [renders]

Prints a JSON object: {"<page>": {"median_ms": …, "p90_ms": …}, "profile": "<top functions>"}: the
profile is of the renders after a write, by own time and by cumulative time.
"""

import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.models import User  # noqa: E402
from board import invalidation  # noqa: E402
from board.models import Post  # noqa: E402


def timed(client, path, renders, headers, before=None):
    client.get(path, headers=headers)  # warm: templates compiled, menu and sidebar cached
    seconds = []
    for _ in range(renders):
        if before:
            before()  # not timed: what makes this render a first one
        started = time.process_time()
        response = client.get(path, headers=headers)
        seconds.append(time.process_time() - started)
        assert response.status_code == 200, (path, response.status_code)
    seconds.sort()
    return {
        "median_ms": round(statistics.median(seconds) * 1000, 2),
        "p90_ms": round(seconds[int(len(seconds) * 0.9)] * 1000, 2),
    }


def top_functions(profiler, order, count=25):
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(count)
    lines = [line for line in out.getvalue().splitlines() if line.strip()]
    return "\n".join(line.replace(str(Path(sys.prefix)), "<venv>") for line in lines)[-6000:]


def main():
    article, renders = int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 200
    settings.ALLOWED_HOSTS = ["*"]
    bypass = {settings.BOARD_PAGE_CACHE_BYPASS_HEADER: "1"} if settings.BOARD_PAGE_CACHE_BYPASS_HEADER else {}
    anonymous = Client()
    member = Client()
    member.force_login(User.objects.filter(username__startswith="bench").order_by("id").first())
    pages = {"list page 1": "/b/ainews/", "article (3 comments)": f"/b/ainews/{article}/"}

    def written():
        # What a 추천 on the article does to the caches: its post, its board, 홈 (a comment
        # besides makes the sidebar's 최근 댓글 again: one query and a small render).
        invalidation.post_counts_changed(article, "ainews")

    in_board = Post.objects.visible().filter(board__slug="ainews").order_by("-id")
    # A post on the same page of rows: the newest for list page 1, the next older one for the article.
    neighbours = {
        "list page 1": in_board.values_list("pk", flat=True).first(),
        "article (3 comments)": in_board.filter(pk__lt=article).values_list("pk", flat=True).first(),
    }
    results = {}
    for label, path in pages.items():
        # Past the page cache, as after a write elsewhere (another board): the page is made
        # again, its parts (board/fragments.py) still hold.
        results[f"anonymous uncached: {label}"] = timed(anonymous, path, renders, bypass)
        # After a 추천 on another post of the page: its row and the page are made again.
        results[f"anonymous after a write beside it: {label}"] = timed(
            anonymous,
            path,
            renders,
            {},
            before=lambda pk=neighbours[label]: invalidation.post_counts_changed(pk, "ainews"),
        )
        # After a write to this article: the page and every part of it are made again.
        results[f"anonymous after a write to it: {label}"] = timed(anonymous, path, renders, {}, before=written)
        results[f"member: {label}"] = timed(member, path, renders, {})
    # The profile is of the whole first render, the one a write to the article sends the
    # next reader to; the shared member pages and the partly cached renders are timed above.
    profiler = cProfile.Profile()
    for _ in range(50):
        for path in pages.values():
            written()
            profiler.enable()
            anonymous.get(path)
            profiler.disable()
    results["profile"] = top_functions(profiler, "tottime") + "\n\n" + top_functions(profiler, "cumulative")
    print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
