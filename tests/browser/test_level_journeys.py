"""Issue 16's levels and attachments, at 390×844 and 1366×900: a new member (Lv.1) opens
글쓰기 on 자료실 (글쓰기 and 다운로드 from Lv.2) and is told, in Korean, which level it takes
and what they have; the same member's click on an attachment says the same for downloads;
a member at the level downloads the file under its Korean name, and 마이메뉴 → 포인트
shows the day's login."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import MEMBER_PASSWORD, log_in
from tests.browser.test_journeys import sign_up

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LIBRARY_TITLE = "2025 AI 인덱스 보고서 핵심 요약 (PDF)"
LIBRARY_FILE = "2025 AI 인덱스 요약.pdf"


def test_a_member_below_the_boards_level_is_refused_in_korean(page, site, shoot, viewport, new_context):
    sign_up(page, site, f"climber16_{viewport}", f"레벨도전{viewport}")
    page.goto(site.url("/b/data/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("자료실")
    # 글쓰기 is offered on the list every member shares; the form itself says why not.
    with page.expect_navigation() as opened:
        page.get_by_role("link", name="글쓰기").first.click()

    assert opened.value.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("권한이 없습니다")
    main = page.locator("main")
    expect(main).to_contain_text("이 게시판은 Lv.2 이상 회원만 글을 쓸 수 있습니다. 지금 레벨은 Lv.1입니다.")
    expect(main).to_contain_text("포인트가 쌓여 레벨이 오릅니다")
    expect(main.get_by_role("link", name="홈으로 가기")).to_be_visible()
    shoot(page, "1-write-refused")

    # The demo post's attachment: shown with its size and the level a download takes.
    page.goto(site.url("/b/data/"))
    page.get_by_role("link", name=LIBRARY_TITLE).click()
    files = page.get_by_role("region", name=re.compile("첨부파일"))
    expect(files).to_contain_text("첨부파일 1개")
    expect(files).to_contain_text("Lv.2 이상 다운로드")
    expect(page.locator(".info-author .badge-level")).to_have_text(re.compile(r"Lv\.\d+"))
    with page.expect_navigation() as refused:
        files.get_by_role("link", name=LIBRARY_FILE).click()
    assert refused.value.status == 403
    expect(page.locator("main")).to_contain_text("Lv.2 이상 회원만 첨부파일을 내려받을 수 있습니다")
    shoot(page, "2-download-refused")

    # A member at the level gets the file under its Korean name.
    veteran = new_context(viewport).new_page()
    log_in(veteran, site, "xtalfi", MEMBER_PASSWORD, next_path="/b/data/")
    veteran.get_by_role("link", name=LIBRARY_TITLE).click()
    with veteran.expect_download() as downloading:
        veteran.get_by_role("region", name=re.compile("첨부파일")).get_by_role("link", name=LIBRARY_FILE).click()
    download = downloading.value
    assert download.suggested_filename == LIBRARY_FILE
    assert open(download.path(), "rb").read(5) == b"%PDF-"

    # 마이메뉴 → 포인트: the level, the balance and today's login at the top of the history.
    veteran.goto(site.url("/accounts/me/"))
    veteran.get_by_role("navigation", name="내 활동").get_by_role("link", name="포인트").click()
    expect(veteran.locator(".point-summary")).to_contain_text(re.compile(r"Lv\.\d+ · 보유 포인트 [\d,]+점"))
    expect(veteran.locator(".point-table tbody tr").first).to_contain_text("오늘 첫 로그인")
    shoot(veteran, "3-points")
