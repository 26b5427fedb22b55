"""Querying: which visible posts match, as ids, counts and positions.

Results are newest first by id, which is creation order (posts are inserted as they are
written), so both backends can walk their index backwards and stop after one page instead
of collecting every match of a common word first.
"""

from django.db import connection

from ..models import Post
from . import postgresql, sqlite

COUNT_CAP = 1000
FIELDS = ("title_body", "title", "body", "author", "comment")
DEFAULT_FIELD = "title_body"


class Results:
    """The posts matching a query in one field, optionally in one board.

    `ids(offset, limit)` gives one page of post ids, newest first (or title matches first
    for "relevance"), `count(limit)` counts up to `limit`, `newer_than(post)` counts
    matches listed above a post (for the page an article sits on).
    """

    def __init__(self, query, field, *, board=None, order="new", category=None):
        self.query, self.field, self.board, self.order = query, field, board, order
        self.category = category  # a search within one 말머리 (of `board`)

    def ids(self, offset, limit):
        if self.field == "author":
            return list(self._author_matches().order_by("-id").values_list("id", flat=True)[offset : offset + limit])
        sql, params = self._select(ordered=True)
        with connection.cursor() as cursor:
            cursor.execute(f"{sql} LIMIT %s OFFSET %s", [*params, limit, offset])
            return [row[0] for row in cursor.fetchall()]

    def count(self, limit=COUNT_CAP + 1):
        if self.field == "author":
            return self._author_matches()[:limit].count()
        sql, params = self._select()
        return _scalar(f"SELECT COUNT(*) FROM ({sql} LIMIT {int(limit)}) AS capped", params)

    def newer_than(self, post):
        if self.field == "author":
            return self._author_matches().filter(id__gt=post.pk).count()
        sql, params = self._select(above_id=post.pk)
        return _scalar(f"SELECT COUNT(*) FROM ({sql}) AS newer", params)

    def _author_matches(self):
        # Withdrawn members are "탈퇴한 회원" everywhere; their old 닉네임 finds nothing.
        matches = Post.objects.visible().filter(author__withdrawn_at__isnull=True)
        matches = matches.in_board(self.board) if self.board is not None else matches.open_to_all()
        if self.category is not None:
            matches = matches.in_category(self.category)
        for term in self.query.terms:
            matches = matches.filter(author__nickname__icontains=term)
        return matches

    def _select(self, *, ordered=False, above_id=None):
        backend = sqlite if connection.vendor == "sqlite" else postgresql
        return backend.select(self, ordered=ordered, above_id=above_id)


def _scalar(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]
