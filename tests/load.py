"""The load of tests/test_concurrency.py: the site it starts from, the clients that drive it,
and the rows it is judged by.

`python -m tests.load prepare` and `python -m tests.load report` run with the servers'
environment (so against the same database on SQLite and on PostgreSQL) and print JSON;
`run_client` runs in client processes and imports no Django.
"""

import http.client
import itertools
import json
import sys
import time
import urllib.error

from .servers import Browser

BOARDS = [("ainews", "AI 뉴스"), ("free", "자유게시판")]
POSTS_PER_BOARD = 10
MEMBERS = 50
SESSION_COOKIE = "sessionid"

_progress = None


# --- The site before the load (runs with the servers' settings) --------------------------


def prepare():
    """Two boards with ten posts each by one writer, and fifty members already logged in.

    Members' sessions are made as Client.force_login makes them: fifty logins through the
    form would cost fifty production password hashes, more than the load itself."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import login
    from django.http import HttpRequest

    from accounts.models import User
    from board import services
    from board.models import Board

    writer = User(username="writer", nickname="글쓴이", email="writer@example.com")
    writer.set_unusable_password()
    writer.save()
    posts = []
    for slug, name in BOARDS:
        board = Board.objects.create(slug=slug, name=name, use_downvote=True)
        for n in range(POSTS_PER_BOARD):
            post = services.create_post(board=board, author=writer, title=f"{name} 부하 시험 글 {n}", body="본문")
            posts.append({"id": post.pk, "url": post.get_absolute_url(), "board": slug})
    engine = import_module(settings.SESSION_ENGINE)
    members = []
    for n in range(MEMBERS):
        user = User(username=f"load{n}", nickname=f"부하회원{n}", email=f"load{n}@example.com")
        user.set_unusable_password()
        user.save()
        request = HttpRequest()
        request.session = engine.SessionStore()
        login(request, user, backend="accounts.backends.MemberBackend")
        request.session.save()
        members.append({"id": user.pk, "session": request.session.session_key})
    return {"posts": posts, "members": members}


def report():
    """Every counter next to the truth recomputed from rows, and the rows the clients'
    acknowledged writes are checked against."""
    from django.db.models import Count, Q

    from board import viewcounts
    from board.models import Board, Comment, Post, PostVote

    viewcounts.flush()  # with Redis the view totals reach the database in batches

    posts = Post.objects.annotate(
        true_up=Count("votes", filter=Q(votes__value=PostVote.UP)),
        true_down=Count("votes", filter=Q(votes__value=PostVote.DOWN)),
    ).values(
        "id", "board__slug", "view_count", "upvote_count", "downvote_count", "comment_count", "true_up", "true_down"
    )
    visible_comments = dict(
        Comment.objects.visible().order_by().values_list("post").annotate(n=Count("id")).values_list("post", "n")
    )
    return {
        "posts": {row["id"]: {**row, "true_comments": visible_comments.get(row["id"], 0)} for row in posts},
        "boards": {
            board.slug: {"post_count": board.post_count, "true_posts": Post.objects.visible().in_board(board).count()}
            for board in Board.objects.all()
        },
        "comments": {c.pk: [c.post_id, c.author_id, c.body, c.parent_id] for c in Comment.objects.all()},
        "titles": dict(Post.objects.values_list("id", "title")),
        "votes": [[v.user_id, v.post_id, v.value] for v in PostVote.objects.all()],
    }


# --- The clients -------------------------------------------------------------------------


def share_progress(counter):
    """Pool initializer: a shared count of finished requests, so the test can act mid-load."""
    global _progress
    _progress = counter


def run_client(plan):
    """Drive the site with several browser sessions, one request of each in turn, and
    return what every request got.

    plan: {"base": url, "sessions": [{"name", "session" (or None), "actions": [...]}]}
    Each record: [session name, action kind, target, outcome, detail, milliseconds], where
    outcome is the HTTP status or "lost" (the connection broke: the worker serving it was
    killed).
    """
    base = plan["base"]
    browsers = {}
    for session in plan["sessions"]:
        browser = Browser(timeout=60)
        if session["session"]:
            browser.set_cookie(SESSION_COOKIE, session["session"])
        browsers[session["name"]] = browser
    last_comment = {}  # (session, post) -> id of the last acknowledged top-level comment
    records = []
    queues = [[(session["name"], action) for action in session["actions"]] for session in plan["sessions"]]
    for step in itertools.zip_longest(*queues):
        for item in step:
            if item is None:
                continue
            name, action = item
            started = time.monotonic()
            record = perform(base, browsers[name], name, action, last_comment)
            records.append([*record, round((time.monotonic() - started) * 1000, 1)])
            if _progress is not None:
                with _progress.get_lock():
                    _progress.value += 1
    return records


def perform(base, browser, name, action, last_comment):
    kind = action[0]
    try:
        if kind == "token":  # a member opens the write form, as before writing anything
            response = browser.get(f"{base}/b/{action[1]}/write/")
            return [name, kind, action[1], response.status, browser.cookie("csrftoken") is not None]
        if kind == "view":
            _, post_id, url = action
            return [name, kind, post_id, browser.get(f"{base}{url}").status, None]
        if kind == "vote":
            _, post_id, url, value = action
            response = browser.send(f"{base}{url}vote/", {"value": value}, headers={"Accept": "application/json"})
            my_vote = response.json().get("my_vote") if response.status == 200 else None
            return [name, kind, post_id, response.status, my_vote]
        if kind == "comment":
            _, post_id, url, body, reply = action
            parent = last_comment.get((name, post_id)) if reply else None
            response = browser.send(f"{base}{url}comments/", {"body": body, "parent": parent or ""})
            comment_id = None
            if response.status == 302:
                comment_id = int(response.headers["Location"].rsplit("#c", 1)[1])
                if parent is None:  # replies are one level deep: answer top-level comments
                    last_comment[(name, post_id)] = comment_id
            return [name, kind, post_id, response.status, [comment_id, body, parent]]
        if kind == "write":
            _, slug, title = action
            response = browser.send(
                f"{base}/b/{slug}/write/", {"title": title, "body": f"{title} 본문", "tags_text": ""}
            )
            post_id = None
            if response.status == 302:
                post_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
            return [name, kind, slug, response.status, [post_id, title]]
    except (urllib.error.URLError, ConnectionError, OSError, http.client.HTTPException) as error:
        # The killed worker's request: refused, reset, or cut off in the middle of its body.
        return [name, kind, action[1], "lost", repr(error)]
    raise ValueError(f"unknown action {action!r}")


if __name__ == "__main__":
    import django

    django.setup()
    command = {"prepare": prepare, "report": report}[sys.argv[1]]
    print(json.dumps(command()))
