"""Every payload of tests/board/xss_corpus.py, put into the real 글쓰기 and 댓글 forms and
shown on the article page in Chromium, runs nothing.

The payloads call alert(1) (and msgbox(1), for the VBScript ones). alert, confirm, prompt,
print and msgbox are wrapped before any page script runs, so a call sets the
window.__xss marker (and still opens its dialog); every dialog is recorded too. The
browser context ignores the page's Content-Security-Policy, so what is proven is the
sanitiser alone: with the CSP (script-src 'self', no inline script) a browser refuses
even more.

One payload after another, each through the forms as a member submits them: the fields
are filled and the form's own submit button pressed in one step, then the article page
the form lands on is inspected. Two browsers share the corpus, so 204 posts and 204
comments fit in about a minute.
"""

from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import sync_playwright

from tests.board.xss_corpus import corpus
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, VIEWPORTS
from tests.browser.test_journeys import sign_up

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAYLOADS = corpus()

WATCH = """
window.__xss = [];
for (const name of ["alert", "confirm", "prompt", "print", "msgbox"]) {
  const original = window[name];
  window[name] = function (...args) {
    window.__xss.push(name + "(" + args.join(",") + ")");
    return original ? original.apply(window, args) : undefined;
  };
}
"""

# Fill a form's fields and press its submit button, as one step in the page.
SUBMIT = """
([selector, fields, button]) => {
  const form = document.querySelector(selector);
  for (const [name, value] of Object.entries(fields)) form.elements[name].value = value;
  form.querySelector(button).click();
}
"""

# What the browser made of the user's text: no handler attributes, and every link or
# source resolves (after the browser's own decoding) to http, https or mailto. Then every
# element is hovered, focused, clicked and toggled (events only: links are not followed).
INSPECT = """
() => {
  const problems = [];
  for (const element of document.querySelectorAll(".prose, .prose *")) {
    for (const attribute of element.attributes) {
      if (/^on/i.test(attribute.name) || ["style", "srcdoc", "srcset"].includes(attribute.name)) {
        problems.push(element.tagName + " " + attribute.name);
      }
    }
    for (const name of ["href", "src", "action", "formaction", "data", "xlink:href", "background", "cite"]) {
      const value = element.getAttribute(name);
      if (value === null) continue;
      let protocol;
      try { protocol = new URL(value, document.baseURI).protocol; } catch (e) { protocol = "invalid:"; }
      if (!["http:", "https:", "mailto:"].includes(protocol)) problems.push(element.tagName + " " + name + "=" + value);
    }
    const active = /^(script|iframe|frame|object|embed|svg|math|style|base|meta|link|form|input|button|template)$/i;
    if (active.test(element.tagName)) {
      problems.push("element " + element.tagName);
    }
  }
  for (const element of document.querySelectorAll(".prose *")) {
    for (const type of ["mouseover", "focus", "click", "toggle", "load", "error", "begin"]) {
      element.dispatchEvent(new Event(type, { bubbles: false, cancelable: true }));
    }
  }
  return {
    problems,
    xss: window.__xss,
    proses: document.querySelectorAll(".article-body .prose").length,
    comments: document.querySelectorAll(".comment-list .comment-body").length,
  };
}
"""


WORKERS = 2  # browsers side by side, one member each: the machine has two cores


def test_no_payload_of_the_xss_corpus_runs_in_the_browser(site):
    numbered = list(enumerate(PAYLOADS))
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        futures = [pool.submit(post_and_show, site, worker, numbered[worker::WORKERS]) for worker in range(WORKERS)]
        shown = sum(future.result() for future in futures)
    assert shown == len(PAYLOADS) >= 200


def post_and_show(site, worker, payloads):
    """One member's share of the corpus, in a browser of its own (Playwright's sync API
    is per thread)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(**VIEWPORTS["desktop"], locale="ko-KR", bypass_csp=True)
        context.set_default_timeout(15_000)
        context.add_init_script(WATCH)
        page = context.new_page()
        dialogs = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        sign_up(page, site, f"xss_tester_{worker}", f"시험용회원{worker}")

        shown = 0
        for index, payload in payloads:
            label = f"payload {index}: {payload!r}"
            page.goto(site.url("/b/free/write/"))
            with page.expect_navigation(url=site.url("/b/free/*/")):
                page.evaluate(SUBMIT, [".post-form", {"title": f"XSS {index}", "body": payload}, "button:not([name])"])
            assert page.evaluate(INSPECT) == {"problems": [], "xss": [], "proses": 1, "comments": 0}, label
            assert dialogs == [], label

            article = page.url
            with page.expect_navigation(url=f"{article}#c*"):
                page.evaluate(SUBMIT, ["#comment-form", {"body": payload}, "button"])
            assert page.evaluate(INSPECT) == {"problems": [], "xss": [], "proses": 1, "comments": 1}, label
            assert dialogs == [], label
            shown += 1
        if worker == 0:
            SCREENSHOTS.joinpath("desktop").mkdir(parents=True, exist_ok=True)
            page.screenshot(path=SCREENSHOTS / "desktop" / "no_payload_of_the_xss_corpus-last.png", full_page=True)
        browser.close()
        return shown
