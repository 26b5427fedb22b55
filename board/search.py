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
- PostgreSQL: GIN indexes on stored to_tsvector('simple', bigrams) columns find the posts
  holding all the bigrams; `LIKE '%run%'` on the bigram text then keeps the exact ones.
"""

import html
import re
import unicodedata
from dataclasses import dataclass
from operator import add

from django.db import connection, transaction
from django.utils.safestring import mark_safe

from .markup import CONTROL_CHARACTERS

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
    # Control characters are spaces here (a search is forgiving, never refused), so none
    # reaches the search box, its links or 인기검색어.
    text = " ".join(CONTROL_CHARACTERS.sub(" ", raw or "").split())[:MAX_QUERY_LENGTH]
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
    with transaction.atomic(), connection.cursor() as cursor:
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
    from .models import Comment, CommentSearch, Post, PostSearch

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
    from . import pagecache

    pagecache.bump_everything()  # cached search results were made from the old index


def optimise():
    """Merge SQLite's FTS segments after bulk writes; PostgreSQL needs nothing."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for table in ("board_post_fts", "board_comment_fts"):
                cursor.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")
                cursor.execute(f"INSERT INTO {table}({table}, rank) VALUES ('automerge', 4)")


_TAG_RE = re.compile(r"<[^>]+>")


def plain_text(body_html):
    """Text of stored, sanitised HTML (well-formed by construction, so a regex suffices)."""
    return html.unescape(_TAG_RE.sub(" ", body_html or ""))


# --- Querying ----------------------------------------------------------------------------
#
# Results are newest first by id, which is creation order (posts are inserted as they are
# written), so both backends can walk their index backwards and stop after one page
# instead of collecting every match of a common word first.


def count_limit(page, per_page):
    """How far to count for a results page: enough to draw its window of ten page numbers
    and the 다음 link, never past COUNT_CAP. Counting every match of a common word costs
    more than the page itself (docs/search.md)."""
    from .pagination import PAGER_WINDOW

    window_end = ((page - 1) // PAGER_WINDOW + 1) * PAGER_WINDOW
    return min(window_end * per_page, COUNT_CAP) + 1


def count_label(count, limit):
    """ "37" or, when counting stopped at the limit, "200+"."""
    return f"{limit - 1:,}+" if count >= limit else f"{count:,}"


class Results:
    """The posts matching a query in one field, optionally in one board.

    `page()` fetches one page, `count(limit)` counts up to `limit`, `newer_than(post)`
    counts matches listed above a post (for the page an article sits on).
    """

    def __init__(self, query, field, *, board=None, order="new"):
        self.query, self.field, self.board, self.order = query, field, board, order

    def page(self, offset, limit):
        from .models import Post

        if self.field == "author":
            ids = list(self._author_matches().order_by("-id").values_list("id", flat=True)[offset : offset + limit])
        else:
            ids = self._ids(limit=limit, offset=offset)
        found = Post.objects.visible().for_list().select_related("board").in_bulk(ids)
        return [found[pk] for pk in ids if pk in found]

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
        from .models import Post

        # Withdrawn members are "탈퇴한 회원" everywhere; their old 닉네임 finds nothing.
        matches = Post.objects.visible().filter(author__withdrawn_at__isnull=True)
        if self.board is not None:
            matches = matches.in_board(self.board)
        for term in self.query.terms:
            matches = matches.filter(author__nickname__icontains=term)
        return matches

    def _ids(self, *, limit, offset):
        sql, params = self._select(ordered=True)
        with connection.cursor() as cursor:
            cursor.execute(f"{sql} LIMIT %s OFFSET %s", [*params, limit, offset])
            return [row[0] for row in cursor.fetchall()]

    def _select(self, *, ordered=False, above_id=None):
        backend = _sqlite_select if connection.vendor == "sqlite" else _postgres_select
        return backend(self, ordered=ordered, above_id=above_id)


def _scalar(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


POST_COLUMNS = {"title": ["title_grams"], "body": ["body_grams"], "title_body": ["title_grams", "body_grams"]}


def _sqlite_match(columns, runs):
    # Only letters, digits and spaces reach the MATCH string, so nothing in it is FTS syntax.
    return " AND ".join(f'{{{" ".join(columns)}}} : "{run}"' for run in runs)


def _narrow(where, params, results, *, board_column, key, above_id):
    """One board only, and/or only the posts listed above a given one (both backends)."""
    if results.board is not None:
        where.append(f"{board_column} = %s")
        params.append(results.board.pk)
    if above_id is not None:
        where.append(f"{key} > %s")
        params.append(above_id)


def _sqlite_select(results, *, ordered, above_id):
    runs = results.query.runs
    if results.field == "comment":
        where, params = ["board_comment_fts MATCH %s"], [_sqlite_match(["grams"], runs)]
        key = "s.post_id"
        source = (
            "board_comment_fts JOIN board_commentsearch s ON s.comment_id = board_comment_fts.rowid "
            "JOIN board_post p ON p.id = s.post_id AND NOT p.is_hidden AND NOT p.is_deleted"
        )
        board_column = "p.board_id"
    else:
        where, params = ["board_post_fts MATCH %s"], [_sqlite_match(POST_COLUMNS[results.field], runs)]
        key, source, board_column = "board_post_fts.rowid", "board_post_fts", "board_post_fts.board_id"
    _narrow(where, params, results, board_column=board_column, key=key, above_id=above_id)
    distinct = "DISTINCT " if results.field == "comment" else ""  # a post has many comments
    sql = f"SELECT {distinct}{key} FROM {source} WHERE {' AND '.join(where)}"
    if ordered:
        if results.order == "relevance" and results.field == "title_body":
            title_match = _sqlite_match(POST_COLUMNS["title"], runs)
            sql += f" ORDER BY {key} IN (SELECT rowid FROM board_post_fts WHERE board_post_fts MATCH %s) DESC,"
            params.append(title_match)
            sql += f" {key} DESC"
        else:
            sql += f" ORDER BY {key} DESC"
    return sql, params


POSTGRES_VECTOR = {"title": "title_vector", "body": "body_vector", "title_body": "document_vector", "comment": "vector"}


def _postgres_conditions(field, columns, runs, alias=""):
    """(index condition, exact condition) for a field and the query's runs.

    One GIN lookup finds the rows holding every bigram of every run, which is exact for
    runs of one bigram; longer runs also need LIKE on the bigram text to check the order.
    That text is long and TOASTed, so LIKE is applied in an outer step, row by row in page
    order, and stops when the page is full.
    """
    index_condition = f"{alias}{POSTGRES_VECTOR[field]} @@ plainto_tsquery('simple'::regconfig, %s)"
    exact_parts, exact_params = [], []
    for run in runs:
        if " " not in run:
            continue
        exact_parts.append("(" + " OR ".join(f"x.{column} LIKE %s" for column in columns) + ")")
        exact_params += [f"%{run}%"] * len(columns)
    return index_condition, [" ".join(runs)], " AND ".join(exact_parts), exact_params


def _postgres_select(results, *, ordered, above_id):
    runs = results.query.runs
    if results.field == "comment":
        columns, alias, table, table_key = ["grams"], "s.", "board_commentsearch", "comment_id"
        key, row_key, board_column = "s.post_id", "s.comment_id", "p.board_id"
        source = "board_commentsearch s JOIN board_post p ON p.id = s.post_id AND NOT p.is_hidden AND NOT p.is_deleted"
    else:
        columns, alias, table, table_key = POST_COLUMNS[results.field], "", "board_postsearch", "post_id"
        key, row_key, source, board_column = "post_id", "post_id", "board_postsearch", "board_id"
    index_condition, params, exact_condition, exact_params = _postgres_conditions(results.field, columns, runs, alias)
    where = [index_condition]
    _narrow(where, params, results, board_column=board_column, key=key, above_id=above_id)
    relevance = ordered and results.order == "relevance" and results.field == "title_body"
    candidates = f"SELECT {key} AS id, {row_key} AS row_id FROM {source} WHERE {' AND '.join(where)}"
    if ordered and not relevance:
        candidates += f" ORDER BY {key} DESC, {row_key} DESC"
    sql = f"SELECT id, row_id FROM ({candidates} OFFSET 0) AS candidates"
    if exact_condition:
        # A scalar subquery per candidate: the planner cannot turn it into a join that
        # would read every candidate's text before the first page is out.
        exact = f"SELECT {exact_condition} FROM {table} x WHERE x.{table_key} = candidates.row_id"
        sql += f" WHERE ({exact})"
        params += exact_params
    if results.field == "comment":
        # A post with several matching comments once; DISTINCT ON keeps the order.
        sql = f"SELECT DISTINCT ON (id) id FROM ({sql}) AS matches" + (" ORDER BY id DESC" if ordered else "")
    else:
        sql = f"SELECT id FROM ({sql}) AS matches"
    if relevance:
        title_match = " AND ".join("x.title_grams LIKE %s" for _ in runs)
        sql += f" ORDER BY (SELECT {title_match} FROM board_postsearch x WHERE x.post_id = matches.id) DESC, id DESC"
        params += [f"%{run}%" for run in runs]
    return sql, params


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


_TAG_SPLIT_RE = re.compile(r"(<[^>]+>)")


def highlight_html(body_html, query):
    """Stored, sanitised HTML with each match in its text wrapped in <mark>: tags are kept
    as they are, and each piece of text between them is unescaped, then escaped again by
    highlight(), so nothing new but <mark> can appear."""
    if not _term_pattern(query):
        return mark_safe(body_html)  # noqa: S308
    pieces = _TAG_SPLIT_RE.split(body_html or "")
    out = [piece if index % 2 else highlight(html.unescape(piece), query) for index, piece in enumerate(pieces)]
    return mark_safe("".join(out))  # noqa: S308


def _term_pattern(query):
    if not query:
        return None
    terms = sorted(query.terms, key=len, reverse=True)
    return re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
