"""User text: Markdown rendered once on save, sanitised with bleach against an allow-list.

Pages show only the stored result. Anything not on the lists below is removed (tags keep
their text, attributes and URLs vanish), so a new Markdown extension cannot widen what a
member may publish without a change here.
"""

import html
import ipaddress
import re
import socket
from functools import partial
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import bleach
import markdown
from bleach.html5lib_shim import Filter
from bleach.linkifier import LinkifyFilter
from django.conf import settings
from django.http.request import validate_host

from .images import STORED_NAME

POST_TAGS = {
    "p", "br", "hr", "strong", "em", "del", "s", "blockquote", "code", "pre",
    "ul", "ol", "li", "h2", "h3", "h4", "a", "img",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
COMMENT_TAGS = POST_TAGS - {"h2", "h3", "h4", "img", "table", "thead", "tbody", "tr", "th", "td", "hr"}
ALLOWED_PROTOCOLS = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"

# C0 and C1 control characters and DEL: invisible, refused by XML 1.0 (so by every feed
# reader), and never typed on purpose. A browser sends a textarea's line ends as CR LF and
# a pasted tab is text, so multi-line text keeps tab, LF and CR; single-line text keeps none.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
CONTROL_CHARACTERS_BUT_LINE_BREAKS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def find_control_character(text, *, multiline=False):
    """The first control character the text may not hold, or None."""
    pattern = CONTROL_CHARACTERS_BUT_LINE_BREAKS if multiline else CONTROL_CHARACTERS
    match = pattern.search(text or "")
    return match.group(0) if match else None


def strip_control_characters(text, *, multiline=True):
    """The text without them; in single-line text a tab or a line break becomes a space."""
    if not multiline:
        text = re.sub(r"[\t\n\r]", " ", text or "")
    return CONTROL_CHARACTERS_BUT_LINE_BREAKS.sub("", text or "")


_HEADING_SHIFT = {"h1": "h2", "h5": "h4", "h6": "h4"}
_HEADING_RE = re.compile(r"<(/?)(h1|h5|h6)(?=[\s>])", re.IGNORECASE)
_WHITESPACE_RE = re.compile(r"\s+")


def _allowed_attribute(tag, name, value):
    if tag == "a":
        return name in {"href", "title"}
    if tag == "img":
        if name in {"alt", "title", "width", "height"}:
            return True
        return name == "src" and is_allowed_image_src(value)
    if tag in {"th", "td"}:
        return name == "align" and value in {"left", "right", "center"}
    if tag == "code" or tag == "pre":
        return name == "class" and value.startswith("language-") and value.replace("-", "").isalnum()
    if tag == "ol":
        return name == "start" and value.isdigit()
    return False


def is_allowed_image_src(value):
    """Images are pictures we stored or come over https from another host; never plain
    http, data:, or any other address on this site: an <img> pointing at /search/?q=…
    would make every reader's browser run that search (and count it for 인기검색어)."""
    value = html.unescape(value).strip()  # the sanitiser hands values over with entities
    return _names_stored_picture(value) or _is_https_elsewhere(value)


def _names_stored_picture(value):
    """A local src must name a file of ours (images.STORED_NAME under MEDIA_URL) once
    escapes are undone and dot segments resolved, and must be written that way, so what a
    browser requests is exactly what was checked: /media/%2e%2e/search/ resolves to
    /search/ and /media/posts/…/%61b.png is not written plainly; both are dropped."""
    resolved = resolve_path(value)
    return resolved == value and bool(_stored_media_path().fullmatch(resolved))


def _stored_media_path():
    return re.compile(re.escape(settings.MEDIA_URL) + STORED_NAME.pattern)


_MAX_UNESCAPES = 4


def unescape_repeatedly(text):
    """%252e → %2e → .: undone until nothing changes, as a chain of decoding proxies and
    servers might."""
    for _ in range(_MAX_UNESCAPES):
        decoded = unquote(text)
        if decoded == text:
            break
        text = decoded
    return text


def resolve_path(value):
    """The path a browser and the server behind it would end up at: escapes undone,
    backslashes read as slashes (browsers do in http(s) URLs), "." and ".." resolved."""
    path = _BROWSER_DROPS.sub("", unescape_repeatedly(value)).replace("\\", "/")
    segments = path.split("/")
    resolved = []
    for segment in segments:
        if segment == "..":
            if len(resolved) > 1:
                resolved.pop()
        elif segment != ".":
            resolved.append(segment)
    if segments[-1] in {".", ".."}:
        resolved.append("")
    return "/".join(resolved)


# Browsers drop tabs and line breaks anywhere in a URL.
_BROWSER_DROPS = re.compile(r"[\t\n\r]")


def _is_https_elsewhere(value):
    try:
        parts = urlsplit(_BROWSER_DROPS.sub("", value).replace("\\", "/"))
        host = _browser_host(parts.hostname or "")
    except (ValueError, UnicodeError):
        return False
    own = [pattern for pattern in settings.ALLOWED_HOSTS if pattern != "*"]
    return parts.scheme.lower() == "https" and bool(host) and not validate_host(host, own)


def _browser_host(host):
    """The host a browser would connect to: escapes undone, Unicode folded (IDNA), a
    trailing dot dropped, and IPv4 written the usual way (2130706433 and 0x7f.1 are
    127.0.0.1 to a browser)."""
    host = unquote(host).rstrip(".").lower()
    if not host:
        return ""
    if ":" in host:
        return f"[{ipaddress.ip_address(host).compressed}]"
    host = host.encode("idna").decode("ascii")
    if re.fullmatch(r"[0-9a-fx.]+", host):
        try:
            return socket.inet_ntoa(socket.inet_aton(host))
        except OSError:
            return host
    return host


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


# @닉네임 as the text holds it (accounts/notifying.py looks the names up with the same rule).
MENTION = re.compile(r"(?<![\w@])@(\w[\w.\-]{0,19})")


class Mentions:
    """The members a text may mention, {lower-cased 닉네임: profile address}, looked up by
    the saving service; after rendering, `linked` holds the names that became links (a
    mention inside code or a link is text, and notifies no one)."""

    def __init__(self, links):
        self.links, self.linked = dict(links), set()

    def split(self, text):
        """[(text, None) | ("@닉네임", address)]: each mention as the longest known name
        it starts with, so a Korean particle after it (@철수님, @영희에게) stays text."""
        pieces, start = [], 0
        for match in MENTION.finditer(text):
            word = match.group(1)
            prefixes = (word[:end].lower() for end in range(len(word), 1, -1))
            key = next((prefix for prefix in prefixes if prefix in self.links), None)
            if key is None:
                continue
            end = match.start(1) + len(key)
            pieces += [(text[start : match.start()], None), (text[match.start() : end], self.links[key])]
            self.linked.add(key)
            start = end
        pieces.append((text[start:], None))
        return [piece for piece in pieces if piece[0]]


class MentionFilter(Filter):
    """After the sanitiser and linkify: @닉네임 in plain text becomes a link to the member's
    profile, `<a href>` only, which is on the allow-list, so the stored HTML cleans to
    itself. Text inside a link, code or pre is left alone."""

    SKIP = {"a", "code", "pre"}

    def __init__(self, source, mentions):
        super().__init__(source)
        self.mentions = mentions

    def __iter__(self):
        inside = 0
        for token in super().__iter__():
            kind = token["type"]
            if kind == "StartTag" and token["name"] in self.SKIP:
                inside += 1
            elif kind == "EndTag" and token["name"] in self.SKIP:
                inside = max(0, inside - 1)
            if kind != "Characters" or inside or "@" not in token["data"]:
                yield token
                continue
            for text, address in self.mentions.split(token["data"]):
                if address is None:
                    yield {"type": "Characters", "data": text}
                else:
                    namespace = token.get("namespace")
                    yield {"type": "StartTag", "name": "a", "namespace": namespace, "data": {(None, "href"): address}}
                    yield {"type": "Characters", "data": text}
                    yield {"type": "EndTag", "name": "a", "namespace": namespace}


def _clean(rendered, tags, mentions=None):
    rendered = _HEADING_RE.sub(lambda m: f"<{m.group(1)}{_HEADING_SHIFT[m.group(2).lower()]}", rendered)
    filters = [partial(LinkifyFilter, callbacks=[_set_link_rel], skip_tags={"pre", "code"})]
    if mentions is not None and mentions.links:
        filters.append(partial(MentionFilter, mentions=mentions))
    cleaner = bleach.Cleaner(
        tags=tags,
        attributes=_allowed_attribute,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
        filters=filters,
    )
    # Entities and old rows can still carry control characters; stored HTML never does.
    return strip_control_characters(cleaner.clean(rendered)).strip()


def render_post(text, mentions=None):
    return _clean(_markdown(text or ""), POST_TAGS, mentions)


def render_comment(text, mentions=None):
    return _clean(_markdown(text or ""), COMMENT_TAGS, mentions)


def excerpt_from_html(body_html, length):
    # Paragraph ends become spaces so that words of adjacent paragraphs do not fuse.
    spaced = re.sub(r"</(p|li|h[2-4]|blockquote|tr|pre)>|<br\s*/?>", " ", body_html)
    return excerpt_from_text(html.unescape(bleach.clean(spaced, tags=set(), strip=True)), length)


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pieces = []

    def handle_data(self, data):
        self.pieces.append(data)


def excerpt_from_stored_html(body_html, length):
    """excerpt_from_html of HTML this site stored (sanitised on save: well-formed, on the
    allow-list) with the standard library's parser instead of bleach's, about ten times
    faster: 최근 댓글 takes five on every comment. HTML from elsewhere (an import) still
    goes through excerpt_from_html."""
    spaced = re.sub(r"</(p|li|h[2-4]|blockquote|tr|pre)>|<br\s*/?>", " ", body_html)
    parser = _Text()
    parser.feed(spaced)
    parser.close()
    return excerpt_from_text("".join(parser.pieces), length)


def excerpt_from_text(text, length):
    text = _WHITESPACE_RE.sub(" ", strip_control_characters(text)).strip()
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


def images_to_placeholders(body, urls):
    """The reverse of place_images for the edit form: each Markdown picture whose address is
    the N-th of `urls` (the post's pictures in order) becomes [이미지N] again, so the member
    edits the same text they wrote and the image list can move or remove pictures."""
    numbers = {url: n for n, url in enumerate(urls, 1)}
    if not numbers:
        return body

    def substitute(match):
        number = numbers.get(match.group(1))
        return f"[이미지{number}]" if number else match.group(0)

    return _MARKDOWN_IMAGE_RE.sub(substitute, body)


_MARKDOWN_IMAGE_RE = re.compile(r"!\[[^\]\n]*\]\(([^)\s]+)\)")


def renumber_placeholders(body, removed):
    """The body once the `removed`-th picture (1-based) is taken out of the list: its
    [이미지N] goes, and the numbers after it move up one, so they still name the same
    pictures."""

    def substitute(match):
        number = int(match.group(1))
        if number == removed:
            return ""
        return f"[이미지{number - 1}]" if number > removed else match.group(0)

    return _PLACEHOLDER_RE.sub(substitute, body)


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
