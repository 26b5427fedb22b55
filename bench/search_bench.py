"""Search speed at scale: median time of the first results page for typical queries.

Run against a database filled by `seed_demo --posts 100000`:

    DATABASE_URL=sqlite:///bench.sqlite3 python bench/search_bench.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ainews_bench python bench/search_bench.py

Two figures per query: the index work alone (one page of ids plus the count as far as
the first page's pager needs, 201) and the whole board-list view with that query, rendered, through
Django's test client (no network, no gunicorn: bench/run.py measures those).
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from board import search  # noqa: E402
from board.models import Board, Post  # noqa: E402

QUERIES = [
    ("2 syllables", "모델"),
    ("2 syllables, rare", "케보"),
    ("4 syllables", "강화학습"),
    ("English", "grpo"),
    ("two words", "강화학습 GRPO"),
    ("no match", "뉴로모픽컴퓨팅"),
]
RUNS = 7


def median_ms(fn):
    fn()  # warm the caches once
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main():
    settings.ALLOWED_HOSTS = ["*"]
    board = Board.objects.get(slug="ainews")
    client = Client()
    print(f"database: {connection.vendor}, posts: {Post.objects.count():,}, runs: {RUNS} (median)")
    print(f"{'query':22} {'text':16} {'matches':>8} {'index ms':>9} {'page ms':>8}")
    rows = []
    for label, text in QUERIES:
        query = search.parse_query(text)
        results = search.Results(query, "title_body", board=board)
        matches = results.count()
        limit = search.count_limit(1, board.page_size)

        def index_work(results=results, limit=limit):
            results.page(0, board.page_size)
            results.count(limit)

        def whole_page(text=text):
            response = client.get("/b/ainews/", {"q": text})
            assert response.status_code == 200

        index = median_ms(index_work)
        page = median_ms(whole_page)
        shown = f"{search.COUNT_CAP:,}+" if matches > search.COUNT_CAP else f"{matches:,}"
        print(f"{label:22} {text:16} {shown:>8} {index:9.1f} {page:8.1f}")
        rows.append((label, text, shown, index, page))
    return rows


if __name__ == "__main__":
    main()
