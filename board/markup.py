"""User text: Markdown rendered once on save, sanitised with bleach against an allow-list.

Pages show only the stored result. Anything not on the lists below is removed (tags keep
their text, attributes and URLs vanish), so a new Markdown extension cannot widen what a
member may publish without a change here.
"""

import html
import re
from functools import partial
from urllib.parse import urlsplit

import bleach
import markdown
from bleach.linkifier import LinkifyFilter
from django.conf import settings

POST_TAGS = {
    "p", "br", "hr", "strong", "em", "del", "s", "blockquote", "code", "pre",
    "ul", "ol", "li", "h2", "h3", "h4", "a", "img",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
COMMENT_TAGS = POST_TAGS - {"h2", "h3", "h4", "img", "table", "thead", "tbody", "tr", "th", "td", "hr"}
ALLOWED_PROTOCOLS = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"

_HEADING_SHIFT = {"h1": "h2", "h5": "h4", "h6": "h4"}
_HEADING_RE = re.compile(r"<(/?)(h1|h5|h6)(?=[\s>])", re.IGNORECASE)
_WHITESPACE_RE = re.compile(r"\s+")


def _allowed_attribute(tag, name, value):
    if tag == "a":
        return name in {"href", "title"}
    if tag == "img":
        if name in {"alt", "title", "width", "height"}:
            return True
        return name == "src" and _is_allowed_image_src(value)
    if tag in {"th", "td"}:
        return name == "align" and value in {"left", "right", "center"}
    if tag == "code" or tag == "pre":
        return name == "class" and value.startswith("language-") and value.replace("-", "").isalnum()
    if tag == "ol":
        return name == "start" and value.isdigit()
    return False


def _is_allowed_image_src(value):
    """Images come from this site's media or over https, never from plain http or data:."""
    value = value.strip()
    if value.startswith(settings.MEDIA_URL) and "//" not in value and ".." not in value:
        return True
    parts = urlsplit(value)
    # Not this site's own pages: an <img> pointing at /search/?q=… would make every
    # reader's browser run that search (and count it for 인기검색어).
    own_hosts = {host.lower() for host in settings.ALLOWED_HOSTS if not host.startswith(".") and host != "*"}
    return parts.scheme == "https" and bool(parts.hostname) and parts.hostname.lower() not in own_hosts


def _set_link_rel(attrs, new=False):
    href_key = (None, "href")
    href = attrs.get(href_key, "")
    if not href:
        return attrs
    # Angle brackets, quotes or control characters belong in no URL a member would write
    # ("<data:…>" from a Markdown autolink is harmless but never intended): drop the link.
    raw = html.unescape(href)  # the sanitiser hands values over with entities
    if any(ch in raw for ch in '<>"`') or any(ord(ch) < 32 for ch in raw):
        return None
    scheme = urlsplit(href.strip()).scheme.lower()
    if scheme and scheme not in ALLOWED_PROTOCOLS:
        return None
    attrs[(None, "rel")] = LINK_REL
    return attrs


def _markdown(text):
    return markdown.markdown(
        text,
        extensions=["fenced_code", "tables", "nl2br", "sane_lists"],
        output_format="html",
    )


def _clean(rendered, tags):
    rendered = _HEADING_RE.sub(lambda m: f"<{m.group(1)}{_HEADING_SHIFT[m.group(2).lower()]}", rendered)
    cleaner = bleach.Cleaner(
        tags=tags,
        attributes=_allowed_attribute,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
        filters=[partial(LinkifyFilter, callbacks=[_set_link_rel], skip_tags={"pre", "code"})],
    )
    return cleaner.clean(rendered).strip()


def render_post(text):
    return _clean(_markdown(text or ""), POST_TAGS)


def render_comment(text):
    return _clean(_markdown(text or ""), COMMENT_TAGS)


def excerpt_from_html(body_html, length):
    # Paragraph ends become spaces so that words of adjacent paragraphs do not fuse.
    spaced = re.sub(r"</(p|li|h[2-4]|blockquote|tr|pre)>|<br\s*/?>", " ", body_html)
    return excerpt_from_text(html.unescape(bleach.clean(spaced, tags=set(), strip=True)), length)


def excerpt_from_text(text, length):
    text = _WHITESPACE_RE.sub(" ", text).strip()
    if len(text) <= length:
        return text
    return text[:length].rstrip() + "…"


_PLACEHOLDER_RE = re.compile(r"\[이미지\s*(\d{1,2})\]")
_MARKDOWN_ALT_UNSAFE = re.compile(r"[\[\]\\\n\r]")


def place_images(body, images):
    """Replace [이미지N] with the N-th picture as Markdown; pictures without a placeholder
    follow the text in upload order. `images` is a list of (name, url)."""
    placed = set()

    def substitute(match):
        index = int(match.group(1)) - 1
        if 0 <= index < len(images):
            placed.add(index)
            name, url = images[index]
            return f"![{_MARKDOWN_ALT_UNSAFE.sub(' ', name)}]({url})"
        return match.group(0)

    body = _PLACEHOLDER_RE.sub(substitute, body)
    rest = [
        f"![{_MARKDOWN_ALT_UNSAFE.sub(' ', name)}]({url})" for i, (name, url) in enumerate(images) if i not in placed
    ]
    if rest:
        body = body.rstrip() + "\n\n" + "\n\n".join(rest)
    return body


def escape_text(text):
    """Plain text as Markdown would print it inside a paragraph."""
    return html.escape(text, quote=False)


_FIRST_IMG_RE = re.compile(r'<img\b[^>]*\ssrc="([^"]+)"')


def first_image_src(body_html):
    match = _FIRST_IMG_RE.search(body_html or "")
    return html.unescape(match.group(1)) if match else ""


def domain_of(url):
    if not url:
        return ""
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


def allowed_attribute(tag, name, value):
    """The posts' attribute allow-list, for code that cleans HTML written elsewhere (the
    Gnuboard5 importer applies it before converting to Markdown)."""
    return _allowed_attribute(tag, name, value)
