"""The page cache under gunicorn's several workers: a change made through one worker shows
through every other at once, with Redis (the production path) and without it (SQLite and
the file cache, as `make serve` runs)."""

import pytest

from .servers import Browser, django_json

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WORKERS = 3
READS = 5 * WORKERS  # enough for every worker to have served, and cached, the page


def test_a_comment_through_one_worker_shows_on_every_workers_cached_page(start_server):
    server = start_server(workers=WORKERS)
    site = django_json("prepare", server.env)
    article = server.base + site["posts"][0]["url"]
    board_list = f"{server.base}/b/{site['posts'][0]['board']}/"
    for url in (article, board_list):
        for _ in range(READS):
            assert Browser().get(url).status == 200
    assert Browser().get(article).headers.get("X-Page-Cache") == "hit"

    member = Browser()
    member.set_cookie("sessionid", site["members"][0]["session"])
    response = member.post(f"{article}comments/", {"body": "모든 워커에 보일 댓글"}, form_url=article)
    assert response.status == 302

    articles = [Browser().get(article).text for _ in range(READS)]
    lists = [Browser().get(board_list).text for _ in range(READS)]
    assert all("모든 워커에 보일 댓글" in page for page in articles)
    assert all('title="댓글 1개"' in page for page in lists)
