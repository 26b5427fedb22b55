"""Text as the index sees it: normalised, cut into character bigrams; what a reader typed,
cleaned into a query; and where a query's words occur in a text (for highlighting)."""

import html
import re
import unicodedata
from dataclasses import dataclass
from operator import add

from ..markup import CONTROL_CHARACTERS

WORD_BREAK = "w"  # one character: never equal to a bigram, so phrases cannot cross it
MAX_QUERY_LENGTH = 100
MAX_TERMS = 8
_NOT_WORD = re.compile(r"[^\w]|_", re.UNICODE)
_TAG_RE = re.compile(r"<[^>]+>")


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
    too_short: bool = False  # typed something, but no word of two or more characters

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
        return Query(text="", terms=())
    words = []
    for word in normalise(text).split():
        if len(word) > 1 and word not in words:
            words.append(word)
    if not words:
        return Query(text=text, terms=(), too_short=True)
    return Query(text=text, terms=tuple(words[:MAX_TERMS]))


def plain_text(body_html):
    """Text of stored, sanitised HTML (well-formed by construction, so a regex suffices)."""
    return html.unescape(_TAG_RE.sub(" ", body_html or ""))


def match_spans(text, query):
    """(start, end) of every match of the query's words in `text`, longest word first
    where two overlap, left to right."""
    pattern = _term_pattern(query)
    return [match.span() for match in pattern.finditer(text)] if pattern else []


def _term_pattern(query):
    if not query:
        return None
    terms = sorted(query.terms, key=len, reverse=True)
    return re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
