"""공유와 인쇄 in a real browser (issue 16, point 9): 링크 복사 puts the article's address on
the clipboard and says so, and the article prints without menus, sidebar or buttons."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_copy_the_link_and_print_the_article(site, new_context, shoot):
    context = new_context("desktop")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.url("/").rstrip("/"))
    page = context.new_page()
    page.goto(site.url("/b/ainews/"))
    page.locator(".board-list .post-row-title a").first.click()
    address = page.url

    share = page.locator(".share-box")
    expect(share.get_by_label("링크")).to_have_value(address)
    share.get_by_role("button", name="링크 복사").click()
    expect(share.get_by_role("status")).to_have_text("링크를 복사했습니다.")
    assert page.evaluate("navigator.clipboard.readText()") == address
    expect(share.get_by_role("button", name="인쇄")).to_be_visible()
    # Chromium on a desktop has no share sheet: that button stays out of the way.
    expect(share.get_by_role("button", name="공유하기")).to_be_hidden()

    page.emulate_media(media="print")
    for hidden in (".site-header", ".sidebar", ".site-footer", ".vote-box", ".share-box", ".article-tools"):
        expect(page.locator(hidden).first).to_be_hidden()
    expect(page.locator(".article-title")).to_be_visible()
    expect(page.locator(".article-body")).to_be_visible()
    shoot(page, "print", full_page=True)
