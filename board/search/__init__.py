"""Korean-aware search: substring matching through an index of character bigrams.

Korean particles attach to nouns (강화학습을, 모델의) and nouns form compounds (언어모델),
so readers expect substring matches, and two-syllable queries are the most common ones.
Each indexed text is normalised (case-folded, punctuation turned into spaces) and stored
as its character bigrams: "강화학습을" → "강화 화학 학습 습을". A query term of two or more
characters is the run of its bigrams, and a text contains the term exactly when the run
appears in it. One-character tokens separate words, so a run never spans two words.

A backend only: it takes a query and gives post ids, counts and match positions. Labels,
highlighting and paging belong to the pages (board/views/listing.py,
board/templatetags/highlight.py). One module per database (docs/search.md has the
measurements behind them): `sqlite.py` (FTS5) and `postgresql.py` (GIN + LIKE).
"""

from .index import index_comments, index_posts, optimise, rebuild, unindex
from .results import COUNT_CAP, DEFAULT_FIELD, FIELDS, Results
from .text import MAX_QUERY_LENGTH, Query, bigrams, match_spans, normalise, parse_query, plain_text

__all__ = [
    "COUNT_CAP",
    "DEFAULT_FIELD",
    "FIELDS",
    "MAX_QUERY_LENGTH",
    "Query",
    "Results",
    "bigrams",
    "index_comments",
    "index_posts",
    "match_spans",
    "normalise",
    "optimise",
    "parse_query",
    "plain_text",
    "rebuild",
    "unindex",
]
