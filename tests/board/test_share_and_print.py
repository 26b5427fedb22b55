"""공유와 인쇄 (issue 16, point 9): the article's address to copy, buttons that JavaScript
turns on, and a print stylesheet that leaves only the article and its comments."""

import re
from pathlib import Path

from django.conf import settings

CSS = Path(settings.BASE_DIR, "static", "css", "site.css").read_text()


def test_the_article_offers_its_full_address_to_copy_without_javascript(client, make_post):
    post = make_post(title="공유할 글")

    html = client.get(post.get_absolute_url()).content.decode()

    box = html.split('<section class="share-box"', 1)[1].split("</section>", 1)[0]
    assert f'value="http://testserver{post.get_absolute_url()}" readonly' in box
    # The buttons need JavaScript: hidden until board.js shows them, never dead buttons.
    for label in ("링크 복사", "공유하기", "인쇄"):
        assert re.search(rf"<button [^>]*hidden>{label}</button>", box), label
    assert 'data-title="공유할 글"' in box


def test_the_share_box_escapes_a_title_that_looks_like_markup(client, make_post):
    post = make_post(title='"><script>alert(1)</script>')

    html = client.get(post.get_absolute_url()).content.decode()

    box = html.split('<section class="share-box"', 1)[1].split("</section>", 1)[0]
    assert "<script>" not in box and 'data-title="&quot;&gt;&lt;script&gt;' in box


def test_the_print_stylesheet_hides_menus_sidebar_and_buttons():
    rules = CSS.split("@media print", 1)[1]
    hidden = rules.split("{ display: none !important; }", 1)[0]
    for selector in (".site-header", ".sidebar", ".site-footer", ".vote-box", ".share-box", ".comment-form", ".pager"):
        assert selector in hidden, selector
    assert ".article-title" in rules and ".article-body" not in hidden and ".comments" not in hidden


def test_share_script_comes_from_the_site_itself(client, make_post):
    response = client.get(make_post().get_absolute_url())

    assert re.search(r'<script src="/static/js/board\.([0-9a-f]+\.)?js" defer>', response.content.decode())
    assert "script-src 'self'" in response["Content-Security-Policy"]
