"""Korean-aware search: substring matching through an index of character bigrams.

Korean particles attach to nouns (강화학습을, 모델의) and nouns form compounds (언어모델),
so readers expect substring matches, and two-syllable queries are the most common ones.
Each indexed text is normalised (case-folded, punctuation turned into spaces) and stored
as its character bigrams: "강화학습을" → "강화 화학 학습 습을". A query term of two or more
characters is the run of its bigrams, and a text contains the term exactly when the run
appears in it. One-character tokens separate words, so a run never spans two words.

Backends (docs/search.md has the measurements behind them):
- SQLite: an FTS5 table over the bigram columns (kept in sync by triggers) answers the
  run as a phrase query, which is exact on its own.
- PostgreSQL: a GIN index on to_tsvector('simple', bigrams) finds the posts holding all
  the bigrams; `LIKE '%run%'` on the same column then keeps the exact ones.
"""

import html
import re
import unicodedata
from operator import add
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models.expressions import RawSQL
from django.utils.safestring import mark_safe

WORD_BREAK = "w"  # one character: never equal to a bigram, so phrases cannot cross it
MAX_QUERY_LENGTH = 100
MAX_TERMS = 8
COUNT_CAP = 1000
FIELDS = {
    "title_body": "제목+내용",
    "title": "제목",
    "body": "내용",
    "author": "글쓴이",
    "comment": "댓글",
}
DEFAULT_FIELD = "title_body"
_NOT_WORD = re.compile(r"[^\w]|_", re.UNICODE)


def normalise(text):
    """Case-folded text with everything but letters and digits turned into spaces."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return _NOT_WORD.sub(" ", text)


def bigrams(text):
    """The index form of a text: each word's bigrams, words separated by WORD_BREAK."""
    return _BREAK_JOIN.join(" ".join(map(add, word, word[1:])) for word in normalise(text).split() if len(word) > 1)


_BREAK_JOIN = f" {WORD_BREAK} "


@dataclass(frozen=True)
class Query:
    text: str  # what the reader typed, cleaned, for the search box and links
    terms: tuple  # normalised words of two or more characters
    error: str = ""

    def __bool__(self):
        return bool(self.terms)

    @property
    def runs(self):
        return [bigrams(term) for term in self.terms]


def parse_query(raw):
    """Clean what the reader typed. Any input is safe: operators and quotes are not syntax
    here, only letters and digits are searched for."""
    text = " ".join((raw or "").replace("\x00", " ").split())[:MAX_QUERY_LENGTH]
    if not text:
        return Query(text="", terms=(), error="")
    words = []
    for word in normalise(text).split():
        if len(word) > 1 and word not in words:
            words.append(word)
    if not words:
        return Query(text=text, terms=(), error="검색어는 두 글자 이상 입력해 주세요.")
    return Query(text=text, terms=tuple(words[:MAX_TERMS]))


# --- Keeping the index in sync -----------------------------------------------------------


def index_posts(posts, *, fresh=False):
    """(Re)index these posts; hidden and deleted ones are taken out of the index.

    `fresh` skips the delete for rows that were never indexed (bulk generation). Plain
    executemany rather than model instances: bulk generation indexes 100,000 posts.
    """
    posts = list(posts)
    rows = [
        (p.pk, bigrams(p.title), bigrams(plain_text(p.body_html))) for p in posts if not (p.is_hidden or p.is_deleted)
    ]
    _replace("board_postsearch", "post_id", ["title_grams", "body_grams"], [p.pk for p in posts], rows, fresh)


def index_comments(comments, *, fresh=False):
    comments = list(comments)
    rows = [(c.pk, c.post_id, bigrams(plain_text(c.body_html))) for c in comments if c.is_visible]
    _replace("board_commentsearch", "comment_id", ["post_id", "grams"], [c.pk for c in comments], rows, fresh)


def _replace(table, key, columns, keys, rows, fresh):
    if not keys:
        return
    with transaction.atomic(), connection.cursor() as cursor:
        if not fresh:
            marks = ", ".join(["%s"] * len(keys))
            cursor.execute(f"DELETE FROM {table} WHERE {key} IN ({marks})", keys)  # noqa: S608
        if rows:
            values = ", ".join(["%s"] * (len(columns) + 1))
            cursor.executemany(
                f"INSERT INTO {table} ({key}, {', '.join(columns)}) VALUES ({values})",  # noqa: S608
                rows,
            )


def rebuild(batch_size=2000, progress=None):
    """Rebuild both indexes from the posts and comments themselves."""
    from .models import Comment, CommentSearch, Post, PostSearch

    PostSearch.objects.all().delete()
    CommentSearch.objects.all().delete()
    fields = ("id", "body_html", "is_hidden", "is_deleted")
    jobs = [
        ("글", Post.objects.only("title", *fields), index_posts),
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
            cursor.execute("INSERT INTO board_post_fts(board_post_fts) VALUES ('optimize')")
            cursor.execute("INSERT INTO board_comment_fts(board_comment_fts) VALUES ('optimize')")


_TAG_RE = re.compile(r"<[^>]+>")


def plain_text(body_html):
    """Text of stored, sanitised HTML (well-formed by construction, so a regex suffices)."""
    return html.unescape(_TAG_RE.sub(" ", body_html or ""))


# --- Querying ----------------------------------------------------------------------------


def _sqlite_match(columns, runs):
    # Only letters, digits and spaces reach the MATCH string, so nothing can be FTS syntax.
    return " AND ".join(f'{{{" ".join(columns)}}} : "{run}"' for run in runs)


def matching_post_ids(query, field):
    """An `id__in` subquery of posts whose `field` contains every term."""
    runs = query.runs
    if connection.vendor == "sqlite":
        if field == "comment":
            sql = "SELECT post_id FROM board_commentsearch WHERE comment_id IN " \
                  "(SELECT rowid FROM board_comment_fts WHERE board_comment_fts MATCH %s)"  # fmt: skip
            return RawSQL(sql, [_sqlite_match(["grams"], runs)])
        columns = {"title": ["title_grams"], "body": ["body_grams"]}.get(field, ["title_grams", "body_grams"])
        return RawSQL("SELECT rowid FROM board_post_fts WHERE board_post_fts MATCH %s", [_sqlite_match(columns, runs)])
    if field == "comment":
        conditions, params = _pg_conditions(["grams"], runs)
        return RawSQL(f"SELECT post_id FROM board_commentsearch WHERE {conditions}", params)  # noqa: S608
    columns = {"title": ["title_grams"], "body": ["body_grams"]}.get(field, ["title_grams", "body_grams"])
    conditions, params = _pg_conditions(columns, runs)
    return RawSQL(f"SELECT post_id FROM board_postsearch WHERE {conditions}", params)  # noqa: S608


def _pg_conditions(columns, runs):
    """Every run in one of the columns: the GIN index narrows, LIKE makes it exact."""
    parts, params = [], []
    for run in runs:
        alternatives = []
        for column in columns:
            condition = f"to_tsvector('simple'::regconfig, {column}) @@ plainto_tsquery('simple'::regconfig, %s)"
            params.append(run)
            if " " in run:  # one bigram is exact already; a longer run needs the order checked
                condition += f" AND {column} LIKE %s"
                params.append(f"%{run}%")
            alternatives.append(f"({condition})")
        parts.append("(" + " OR ".join(alternatives) + ")")
    return " AND ".join(parts), params


def capped_count(queryset):
    """How many, but stop counting past COUNT_CAP (then COUNT_CAP + 1): counting every
    match of a common word costs more than the page itself (docs/search.md)."""
    return queryset.order_by()[: COUNT_CAP + 1].count()


# --- Showing results ---------------------------------------------------------------------


def snippet(text, query, width=120):
    """Escaped text around the first match, with every match wrapped in <mark>."""
    text = " ".join(plain_text(text).split())
    pattern = _term_pattern(query)
    first = pattern.search(text) if pattern else None
    start = max(0, (first.start() if first else 0) - width // 3)
    piece = text[start : start + width]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + width < len(text) else ""
    return mark_safe(html.escape(prefix) + highlight(piece, query) + html.escape(suffix))  # noqa: S308


def highlight(text, query):
    """Escaped text with each match in <mark>; safe because every piece is escaped here."""
    pattern = _term_pattern(query)
    if not pattern:
        return mark_safe(html.escape(text))  # noqa: S308
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(html.escape(text[last : match.start()]))
        out.append(f"<mark>{html.escape(match.group(0))}</mark>")
        last = match.end()
    out.append(html.escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308


def _term_pattern(query):
    if not query:
        return None
    terms = sorted(query.terms, key=len, reverse=True)
    return re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
