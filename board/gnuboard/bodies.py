"""Gnuboard5 bodies → this site's Markdown.

An HTML body (wr_option html1/html2) comes from a WYSIWYG editor and may hold anything a
member pasted, so it is treated as untrusted input: one pass over the parsed document
removes active content (scripts, event handlers, javascript: links, frames, forms) and
applies the posts' allow-list (board/markup.py) to attributes, counting what it took away
by kind; markdownify then writes Markdown, which board.markup renders and sanitises again
like every post. Markdown is our one stored format, so an imported post opens in the
editor like any other (docs/import.md says why not HTML). Tables, which Markdown cannot
express with merged cells or paragraphs inside, stay as (cleaned) HTML blocks, which the
renderer accepts and sanitises.

A plain-text body keeps its line breaks (the renderer's nl2br) and its characters: anything
Markdown would read as formatting is escaped.
"""

import re
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

from bs4 import BeautifulSoup, Comment, NavigableString
from markdownify import ATX, MarkdownConverter

from board import markup

# What a body lost, by kind, with the report's words for them.
CHANGE_LABELS = {
    "script": "스크립트(<script>)",
    "event": "이벤트 처리 속성(onclick 등)",
    "url": "위험한 주소(javascript: 등)",
    "embed": "삽입 콘텐츠(iframe·object·embed, https 주소는 링크로 남김)",
    "form": "입력 양식(form·input 등)",
    "style": "서식(style·font·색·정렬)",
    "image": "허용되지 않는 이미지 주소(http, data: 등)",
    "missing_image": "원본 파일이 없는 이미지",
}
DROP_WITH_CONTENT = {
    "script": "script",
    "style": "style",
    "noscript": "script",
    "template": "script",
    "form": "form",
    "input": "form",
    "button": "form",
    "select": "form",
    "textarea": "form",
    "iframe": "embed",
    "frame": "embed",
    "frameset": "embed",
    "object": "embed",
    "embed": "embed",
    "applet": "embed",
    "video": "embed",
    "audio": "embed",
    "svg": "embed",
    "math": "embed",
    "head": None,
    "title": None,
    "meta": None,
    "link": None,
    "base": "url",
}
STYLE_TAGS = {"font", "center", "u", "big", "small", "sub", "sup", "mark", "ins"}
STYLE_ATTRIBUTES = {"style", "color", "face", "size", "bgcolor", "background", "align", "class", "border"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "background", "poster", "xlink:href", "srcset"}
ACTIVE_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:", "mocha:")
# markdownify's names for our tags (b → **, i → *): the allow-list is checked on these.
TAG_AS = {"b": "strong", "i": "em", "strike": "del", "h1": "h2", "h5": "h4", "h6": "h4"}


@dataclass
class Body:
    markdown: str
    changes: set = field(default_factory=set)


def _compact(value):
    return re.sub(r"[\x00-\x20]+", "", value or "").lower()


class _Converter(MarkdownConverter):
    class Options(MarkdownConverter.DefaultOptions):
        heading_style = ATX
        bullets = "-"
        escape_asterisks = False  # escape() below does every character itself
        escape_underscores = False
        # Line ends inside HTML text are spaces (html1's were made <br> before parsing).
        wrap = True
        wrap_width = None

    def escape(self, text, parent_tags):
        return escape_text(text) if text else ""

    def convert_table(self, el, text, parent_tags):
        # Already cleaned by sanitise(); the renderer's allow-list runs over it again.
        return "\n\n" + re.sub(r"\n\s*\n", "\n", str(el)) + "\n\n"

    def convert_del(self, el, text, parent_tags):
        # Our Markdown has no ~~strikethrough~~; inline HTML that the allow-list keeps.
        return f"<del>{text}</del>" if text.strip() else text

    convert_s = convert_strike = convert_del

    def convert_a(self, el, text, parent_tags):
        href = el.get("href")
        if href:
            el["href"] = _markdown_url(href)
        el.attrs.pop("title", None)
        return super().convert_a(el, text, parent_tags)

    def convert_img(self, el, text, parent_tags):
        src = el.get("src") or ""
        if not src:
            return ""
        alt = re.sub(r"[\[\]\\\n\r]", " ", el.get("alt") or "").strip()
        return f"![{alt}]({_markdown_url(src)})"


_CONVERTER = _Converter()


def _markdown_url(url):
    """A URL that Markdown's (…) cannot cut short: spaces, parentheses and angle brackets encoded."""
    return quote(url.strip(), safe="/:?#[]@!$&'*+,;=%~.-_")


_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]])")
_LINE_START = re.compile(r"(^|\n)([ \t]*)(#{1,6}(?=\s|$)|>|[-+](?=\s|$)|\d{1,9}(?=[.)](?:\s|$)))")
_SETEXT = re.compile(r"(^|\n)([ \t]*)(=+|-{2,})([ \t]*)(?=\n|$)")


def escape_text(text):
    """Text that Markdown prints as it is: entities for & and <, backslashes before the
    characters that would start emphasis, code or links, and whatever would make a line a
    heading, a quote or a list item."""
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    text = _INLINE_SPECIAL.sub(r"\\\1", text)
    text = _SETEXT.sub(lambda m: m.group(1) + m.group(2) + "&#" + str(ord(m.group(3)[0])) + ";" + m.group(3)[1:], text)

    def line_start(match):
        lead, marker = match.group(1) + match.group(2), match.group(3)
        if marker[0].isdigit():
            return lead + marker + "\\"  # 1. → 1\.
        return lead + "\\" + marker

    return _LINE_START.sub(line_start, text)


def plain_to_markdown(text):
    """A plain-text body: each line escaped, leading spaces dropped (four would make a
    code block), line breaks kept (the renderer turns them into <br>)."""
    lines = [escape_text(line.strip()) for line in clean_text(text).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(text):
    """No NUL or control characters (PostgreSQL refuses NUL in text), \\n line ends."""
    return _CONTROL.sub("", (text or "").replace("\r\n", "\n").replace("\r", "\n"))


def image_sources(html):
    """Every <img src> of an HTML body, in order (for copying editor images first)."""
    return re.findall(r"""<img\b[^>]*?\ssrc\s*=\s*["']?([^"'\s>]+)""", html or "", re.IGNORECASE)


def html_to_markdown(html, *, image_urls=None, line_breaks=False, allowed_tags=None):
    """Convert an untrusted HTML body. `image_urls` maps an <img src> as written to the
    address of its copy here ("" when the file is missing: the image is dropped);
    `line_breaks` is Gnuboard's html1 (line ends become <br>)."""
    html = clean_text(html)
    if line_breaks:
        html = html.replace("\n", "<br>\n")
    soup = BeautifulSoup(html, "html.parser")
    changes = sanitise(soup, image_urls or {}, allowed_tags or markup.POST_TAGS)
    text = _CONVERTER.convert_soup(soup)
    # html1's line breaks between blocks leave lines of nothing but a hard break.
    text = re.sub(r"(?m)^[ \t]+$", "", text)
    return Body(re.sub(r"\n{3,}", "\n\n", text).strip(), changes)


def sanitise(soup, image_urls, allowed_tags):
    """Remove active content and apply the allow-list in place; return the kinds of change."""
    changes = set()
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    for tag in soup.find_all(True):
        if tag.decomposed or tag.parent is None:
            continue
        name = tag.name.lower()
        if name in DROP_WITH_CONTENT:
            _drop(tag, name, changes)
            continue
        if name in STYLE_TAGS or name.startswith("o:"):
            changes.add("style")
        as_name = TAG_AS.get(name, name)
        for attribute in list(tag.attrs):
            value = tag.attrs[attribute]
            value = " ".join(value) if isinstance(value, list) else str(value)
            lower = attribute.lower()
            if lower.startswith("on"):
                changes.add("event")
            elif lower in URL_ATTRIBUTES and _compact(value).startswith(ACTIVE_SCHEMES):
                changes.add("url")
            elif lower in STYLE_ATTRIBUTES:
                changes.add("style")
            elif name == "img" and lower == "src":
                continue  # decided below, once the copy's address is known
            elif as_name in allowed_tags and markup.allowed_attribute(as_name, lower, value):
                if lower == "href" and not _safe_href(value):
                    changes.add("url")
                else:
                    continue
            del tag.attrs[attribute]
        if name == "img":
            _image(tag, image_urls, changes)
    return changes


def _drop(tag, name, changes):
    kind = DROP_WITH_CONTENT[name]
    if kind:
        changes.add(kind)
    src = tag.get("src") or tag.get("data") or ""
    if kind == "embed" and urlsplit(src.strip()).scheme == "https":
        # A video or map from another site: a link to it keeps the content reachable.
        link = BeautifulSoup("", "html.parser").new_tag("a", href=src.strip())
        link.string = src.strip()
        paragraph = BeautifulSoup("", "html.parser").new_tag("p")
        paragraph.append(link)
        tag.replace_with(paragraph)
    else:
        tag.decompose()


def _safe_href(value):
    scheme = urlsplit(value.strip()).scheme.lower()
    return not scheme or scheme in markup.ALLOWED_PROTOCOLS


def _image(tag, image_urls, changes):
    src = (tag.get("src") or "").strip()
    if src in image_urls:
        new = image_urls[src]
        if not new:
            changes.add("missing_image")
            tag.decompose()
            return
        tag["src"] = new
    elif not markup.allowed_attribute("img", "src", src):
        changes.add("url" if _compact(src).startswith(ACTIVE_SCHEMES) else "image")
        alt = tag.get("alt")
        if alt:
            tag.replace_with(NavigableString(alt))
        else:
            tag.decompose()
