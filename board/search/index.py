"""Keeping the search index in step with the posts and comments."""

from django.db import connection, transaction

from ..models import Comment, CommentSearch, Post, PostSearch
from .text import bigrams, plain_text


def index_posts(posts, *, fresh=False):
    """(Re)index these posts; hidden and deleted ones are taken out of the index.

    `fresh` skips the delete for rows that were never indexed (bulk generation). Plain
    executemany rather than model instances: bulk generation indexes 100,000 posts.
    """
    posts = list(posts)
    rows = [
        (p.pk, p.board_id, bigrams(p.title), bigrams(plain_text(p.body_html)))
        for p in posts
        if not (p.is_hidden or p.is_deleted)
    ]
    _replace(
        "board_postsearch", "post_id", ["board_id", "title_grams", "body_grams"], [p.pk for p in posts], rows, fresh
    )


def index_comments(comments, *, fresh=False):
    comments = list(comments)
    rows = [(c.pk, c.post_id, bigrams(plain_text(c.body_html))) for c in comments if c.is_visible]
    _replace("board_commentsearch", "comment_id", ["post_id", "grams"], [c.pk for c in comments], rows, fresh)


def unindex(*, post_ids=(), comment_ids=()):
    """Take posts and comments out of the index (a ban hides them in bulk)."""
    _replace("board_postsearch", "post_id", [], list(post_ids), [], False)
    _replace("board_commentsearch", "comment_id", [], list(comment_ids), [], False)


def _replace(table, key, columns, keys, rows, fresh):
    if not keys:
        return
    # Inside the writer's transaction, without a savepoint: the index stands or falls with it.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        if not fresh:
            for start in range(0, len(keys), 900):  # SQLite caps the number of parameters
                chunk = keys[start : start + 900]
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(f"DELETE FROM {table} WHERE {key} IN ({marks})", chunk)
        if rows:
            values = ", ".join(["%s"] * (len(columns) + 1))
            cursor.executemany(
                f"INSERT INTO {table} ({key}, {', '.join(columns)}) VALUES ({values})",
                rows,
            )


def rebuild(batch_size=2000, progress=None):
    """Rebuild both indexes from the posts and comments themselves."""
    PostSearch.objects.all().delete()
    CommentSearch.objects.all().delete()
    fields = ("id", "body_html", "is_hidden", "is_deleted")
    jobs = [
        ("글", Post.objects.only("title", "board_id", *fields), index_posts),
        ("댓글", Comment.objects.only("post_id", *fields), index_comments),
    ]
    for label, queryset, indexer in jobs:
        ids = list(queryset.order_by("id").values_list("id", flat=True))
        for start in range(0, len(ids), batch_size):
            indexer(queryset.filter(id__in=ids[start : start + batch_size]))
            if progress:
                progress(label, min(start + batch_size, len(ids)), len(ids))
    optimise()


def optimise():
    """Merge SQLite's FTS segments after bulk writes; PostgreSQL needs nothing."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for table in ("board_post_fts", "board_comment_fts"):
                cursor.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")
                cursor.execute(f"INSERT INTO {table}({table}, rank) VALUES ('automerge', 4)")
