"""Every payload of the corpus, through the real post and comment forms: what is stored and
what is served contains only allowed elements, attributes and URL schemes."""

import re
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from board.markup import COMMENT_TAGS, POST_TAGS
from board.models import Comment, Post
from tests.board.xss_corpus import corpus

ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "rel"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"align"},
    "td": {"align"},
    "code": {"class"},
    "pre": {"class"},
    "ol": {"start"},
}
SAFE_SCHEMES = {"http", "https", "mailto", ""}


class Inspector(HTMLParser):
    def __init__(self, tags):
        super().__init__(convert_charrefs=True)
        self.tags, self.problems = tags, []

    def handle_starttag(self, tag, attrs):
        if tag not in self.tags:
            self.problems.append(f"element <{tag}>")
        for name, value in attrs:
            if name not in ALLOWED_ATTRIBUTES.get(tag, set()):
                self.problems.append(f"attribute {name} on <{tag}>")
            if name in {"href", "src"}:
                url = unescape(value or "").strip()
                scheme = urlsplit(url).scheme.lower()
                if scheme not in SAFE_SCHEMES or re.search(r"(java|vb)script|data:", url, re.I):
                    self.problems.append(f"{name}={value!r}")
                if tag == "img" and scheme == "" and not url.startswith("/media/"):
                    self.problems.append(f"img src={value!r}")

    handle_startendtag = handle_starttag


def problems(html, tags):
    inspector = Inspector(tags)
    inspector.feed(html)
    return inspector.problems


def served_prose(response):
    return re.findall(r'<div class="(?:comment-body )?prose">(.*?)</div>', response.content.decode(), re.S)


PAYLOADS = corpus()


def test_the_corpus_is_large_and_varied():
    assert len(PAYLOADS) >= 100
    assert len(set(PAYLOADS)) == len(PAYLOADS)


@pytest.fixture
def writer(client, make_user, board, settings):
    settings.BOARD_RATE_LIMITS = {"post": (10_000, 60), "comment": (10_000, 60), "vote": (10_000, 60)}
    client.force_login(make_user(username="xsswriter"))
    return client


@pytest.mark.parametrize("index", range(len(PAYLOADS)))
def test_payload_is_neutralised_in_posts_and_comments(writer, index):
    payload = PAYLOADS[index]

    response = writer.post("/b/ainews/write/", {"title": f"XSS {index}", "body": payload, "tags_text": ""})
    assert response.status_code == 302, response.content.decode()[:300]
    post = Post.objects.get(title=f"XSS {index}")
    writer.post(f"/b/ainews/{post.pk}/comments/", {"body": payload})
    comment = Comment.objects.get(post=post)

    assert problems(post.body_html, POST_TAGS) == [], post.body_html
    assert problems(comment.body_html, COMMENT_TAGS) == [], comment.body_html
    page = writer.get(post.get_absolute_url())
    post_html, comment_html = served_prose(page)
    assert problems(post_html, POST_TAGS) == []
    assert problems(comment_html, COMMENT_TAGS) == []
    assert "<script" not in page.content.decode().split('<div class="prose">', 1)[1].split("</main>")[0].replace(
        '<script src="', ""
    )
