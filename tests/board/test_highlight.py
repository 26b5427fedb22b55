"""Marking a search's words in titles, excerpts and stored HTML (board/templatetags/highlight.py)."""

from board import search
from board.templatetags.highlight import highlight_html, snippet


def test_highlight_html_changes_only_text_between_tags():
    query = search.parse_query("href 강화")
    html = '<p><a href="https://example.com/href">href &amp; 강화</a> &lt;강화&gt;</p>'

    assert highlight_html(html, query) == (
        '<p><a href="https://example.com/href"><mark>href</mark> &amp; <mark>강화</mark></a>'
        " &lt;<mark>강화</mark>&gt;</p>"
    )


def test_snippet_centres_on_the_first_match():
    text = "앞부분 " * 60 + "핵심 강화학습 문장" + " 뒷부분" * 60
    marked = snippet(text, search.parse_query("강화학습"))

    assert marked.startswith("…") and marked.endswith("…")
    assert "<mark>강화학습</mark>" in marked
