"""Marking a search's words in what a page shows: `{{ post.title|highlight:query }}`,
`{{ post.excerpt|snippet:query }}`, `{{ body_html|highlight_html:query }}`.

The positions come from the search backend (search.match_spans); every piece of text is
escaped here before <mark> is put around a match, so the result is safe to show.
"""

import html
import re

from django import template
from django.utils.safestring import mark_safe

from board.search import match_spans, plain_text

register = template.Library()

_TAG_SPLIT_RE = re.compile(r"(<[^>]+>)")


@register.filter
def highlight(text, query):
    """Escaped text with each match in <mark>."""
    text = str(text or "")
    out, last = [], 0
    for start, end in match_spans(text, query):
        out.append(html.escape(text[last:start]))
        out.append(f"<mark>{html.escape(text[start:end])}</mark>")
        last = end
    out.append(html.escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308  (every piece escaped above)


@register.filter
def snippet(text, query, width=120):
    """Escaped text around the first match, with every match wrapped in <mark>."""
    text = " ".join(plain_text(text).split())
    spans = match_spans(text, query)
    start = max(0, (spans[0][0] if spans else 0) - width // 3)
    piece = text[start : start + width]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + width < len(text) else ""
    return mark_safe(html.escape(prefix) + highlight(piece, query) + html.escape(suffix))  # noqa: S308


@register.filter
def highlight_html(body_html, query):
    """Stored, sanitised HTML with each match in its text wrapped in <mark>: tags are kept
    as they are, and each piece of text between them is unescaped, then escaped again by
    highlight(), so nothing new but <mark> can appear."""
    if not query:
        return mark_safe(body_html)  # noqa: S308  (stored HTML, sanitised on save)
    pieces = _TAG_SPLIT_RE.split(body_html or "")
    out = [piece if index % 2 else highlight(html.unescape(piece), query) for index, piece in enumerate(pieces)]
    return mark_safe("".join(out))  # noqa: S308
