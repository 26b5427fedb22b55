"""The main journeys of a reader and a member, in headless Chromium at a phone-sized
(390×844) and a desktop-sized (1366×900) screen, against gunicorn over the demo data."""

import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import ADMIN, log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "browser-pass-2025!"


def sign_up(page, site, username, nickname):
    page.goto(site.url("/accounts/signup/"))
    page.get_by_label("아이디").fill(username)
    page.get_by_label("닉네임").fill(nickname)
    page.get_by_label("이메일").fill(f"{username}@example.com")
    page.get_by_label("비밀번호", exact=True).fill(PASSWORD)
    page.get_by_label("비밀번호 확인").fill(PASSWORD)
    page.get_by_label("이용약관에 동의합니다 (필수)").check()
    page.get_by_label("개인정보 수집·이용에 동의합니다 (필수)").check()
    page.get_by_role("button", name="가입하기").click()
    expect(page.locator(".member-box")).to_contain_text(f"{nickname}님, 반갑습니다.")


def loaded_width(image):
    """The picture's natural width once the browser has loaded it (0 if it failed)."""
    image.scroll_into_view_if_needed()
    return image.evaluate(
        """img => img.complete ? img.naturalWidth : new Promise(done => {
            img.addEventListener("load", () => done(img.naturalWidth));
            img.addEventListener("error", () => done(0));
        })"""
    )


def test_newcomer_reads_the_news(page, site, shoot):
    page.goto(site.url("/"))
    expect(page).to_have_title("AI 뉴스 보드")
    shoot(page, "1-home")

    page.get_by_role("navigation", name="게시판").get_by_role("link", name="AI 뉴스").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("AI 뉴스")
    expect(page.locator(".list-summary")).to_contain_text("전체 44건")
    shoot(page, "2-list")

    pager = page.get_by_role("navigation", name="페이지")
    pager.get_by_role("link", name="2", exact=True).click()
    expect(page).to_have_url(re.compile(r"/b/ainews/\?page=2$"))
    expect(pager.locator("[aria-current=page]")).to_have_text("2")
    first_on_page_2 = page.locator(".post-list .post-row-title a").first
    title = first_on_page_2.inner_text()
    first_on_page_2.click()

    # The heading carries the post's 말머리 before its title ([해외] …).
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    # The headings a Korean board hides visually are there for screen readers.
    expect(page.get_by_role("heading", name="페이지 정보")).to_be_attached()
    expect(page.get_by_role("heading", name="본문")).to_be_attached()
    expect(page.locator(".info-list")).to_contain_text("작성자")
    expect(page.locator(".info-list")).to_contain_text("조회")
    expect(page.get_by_role("heading", name=re.compile(r"^댓글 \d+$"))).to_be_visible()
    comments = page.locator(".comment-list .comment")
    expect(comments.first).to_be_visible()
    # The list under the article is the page the article is on, with it marked 열람중.
    expect(page.locator(".post-row.is-current")).to_contain_text(title)
    shoot(page, "3-article")
    shoot(page, "3-article-full", full_page=True)

    nav = page.get_by_role("navigation", name="이전글/다음글")
    older = nav.locator("a[rel=next]")
    older_title = older.inner_text()
    older.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(older_title)
    newer = page.get_by_role("navigation", name="이전글/다음글").locator("a[rel=prev]")
    expect(newer).to_have_text(title)
    newer.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)


def picture(path, colour):
    Image.new("RGB", (640, 400), colour).save(path)
    return path


def test_member_signs_up_and_writes_with_markdown_images_and_tags(page, site, shoot, viewport, tmp_path):
    nickname = f"새내기{viewport}"
    sign_up(page, site, f"newbie_{viewport}", nickname)
    shoot(page, "1-signed-up")
    expect(page.get_by_role("navigation", name="하단 메뉴").get_by_role("link", name="회원가입")).to_have_count(0)

    page.goto(site.url("/b/ainews/"))
    page.get_by_role("link", name="글쓰기").click()
    title = f"브라우저에서 쓴 글 ({viewport})"
    page.get_by_label("제목", exact=True).fill(title)
    page.get_by_label("본문", exact=True).fill(
        "## 요약\n\n**굵은 글씨**와 [링크](https://example.com/news)가 있는 글입니다.\n\n"
        "- 첫째 항목\n- 둘째 항목\n\n[이미지1]\n\n중간 문단입니다.\n\n[이미지2]\n"
    )
    page.get_by_label("이미지 고르기").set_input_files(
        [picture(tmp_path / "첫째.png", (29, 95, 209)), picture(tmp_path / "둘째.png", (194, 65, 12))]
    )
    page.get_by_label("태그", exact=True).fill("브라우저, 테스트")
    shoot(page, "2-form", full_page=True)
    page.get_by_role("button", name="등록하기").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    expect(page.locator(".messages")).to_contain_text("글을 등록했습니다.")
    prose = page.locator(".article-body .prose")
    expect(prose.get_by_role("heading", name="요약", level=2)).to_be_visible()
    expect(prose.locator("strong")).to_have_text("굵은 글씨")
    expect(prose.locator("li")).to_have_text(["첫째 항목", "둘째 항목"])
    images = prose.locator("img")
    expect(images).to_have_count(2)
    for index in range(2):
        assert loaded_width(images.nth(index)) > 0, images.nth(index).get_attribute("src")
    expect(page.get_by_role("list", name="태그").get_by_role("link")).to_have_text(["#브라우저", "#테스트"])
    expect(page.locator(".info-author")).to_contain_text(nickname)
    shoot(page, "3-article", full_page=True)

    page.get_by_role("link", name="AI 뉴스", exact=True).first.click()
    first = page.locator(".post-list > .post-row:not(.is-notice)").first
    expect(first.locator(".post-row-title a")).to_have_text(title)
    thumb = first.locator("img.post-thumb")
    expect(thumb).to_be_visible()
    assert loaded_width(thumb) > 0, thumb.get_attribute("src")
    shoot(page, "4-list")


def test_member_votes_without_a_reload_and_cancels(page, site, shoot, viewport):
    sign_up(page, site, f"voter_{viewport}", f"추천러{viewport}")
    page.goto(site.url("/b/ainews/"))
    page.locator(".post-list > .post-row:not(.is-notice) .post-row-title a").nth(3).click()
    button = page.locator(".vote-box").get_by_role("button", name=re.compile("^추천"))
    count = button.locator("[data-count=up]")
    before = int(count.inner_text().replace(",", ""))
    expect(button).to_have_attribute("aria-pressed", "false")
    page.evaluate("window.__sameDocument = true")

    button.click()
    expect(count).to_have_text(f"{before + 1:,}")
    expect(button).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("window.__sameDocument === true"), "the page reloaded"
    shoot(page, "1-voted")

    button.click()
    expect(count).to_have_text(f"{before:,}")
    expect(button).to_have_attribute("aria-pressed", "false")
    assert page.evaluate("window.__sameDocument === true"), "the page reloaded"

    # The server agrees: after a reload the vote is still cancelled.
    page.reload()
    expect(page.locator(".vote-box").get_by_role("button", name=re.compile("^추천"))).to_have_attribute(
        "aria-pressed", "false"
    )
    expect(page.locator("[data-count=up]")).to_have_text(f"{before:,}")


def test_member_comments_replies_edits_and_deletes(page, site, shoot, viewport):
    sign_up(page, site, f"talker_{viewport}", f"댓글러{viewport}")
    page.goto(site.url("/b/free/"))
    page.locator(".post-list > .post-row:not(.is-notice) .post-row-title a").nth(1).click()
    heading = page.get_by_role("heading", name=re.compile(r"^댓글 \d+$"))
    before = int(heading.inner_text().split()[1])

    page.get_by_label("댓글 쓰기").fill(f"브라우저에서 남긴 댓글입니다 ({viewport}).")
    page.get_by_role("button", name="댓글 등록").click()
    expect(heading).to_have_text(f"댓글 {before + 1}")
    mine = page.locator(".comment-list > li").filter(has_text=f"브라우저에서 남긴 댓글입니다 ({viewport}).")
    expect(mine).to_have_count(1)
    expect(mine.locator(".comment-meta .author").first).to_have_text(f"댓글러{viewport}")

    mine.locator("summary", has_text="답글").click()
    mine.get_by_label("답글 쓰기").fill("스스로 다는 답글입니다.")
    mine.get_by_role("button", name="답글 등록").click()
    reply = mine.locator(".reply-list .comment")
    expect(reply).to_have_count(1)
    expect(reply.locator(".comment-body")).to_have_text("스스로 다는 답글입니다.")
    expect(heading).to_have_text(f"댓글 {before + 2}")
    shoot(page, "1-replied")

    reply.get_by_role("link", name="수정").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("댓글 수정")
    page.get_by_label("댓글", exact=True).fill("고쳐 쓴 답글입니다.")
    page.get_by_role("button", name="수정하기").click()
    reply = page.locator(".reply-list .comment").filter(has_text="고쳐 쓴 답글입니다.")
    expect(reply).to_have_count(1)
    expect(reply.locator(".edited")).to_have_text("수정됨")

    reply.get_by_role("link", name="삭제").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("댓글을 삭제할까요?")
    page.get_by_role("button", name="삭제").click()
    expect(page.locator(".messages")).to_contain_text("댓글을 삭제했습니다.")
    expect(page.locator("main")).not_to_contain_text("고쳐 쓴 답글입니다.")
    expect(heading).to_have_text(f"댓글 {before + 1}")
    shoot(page, "2-deleted")


def test_reader_searches_from_the_footer_and_sees_the_word_highlighted(page, site, shoot):
    page.goto(site.url("/"))
    page.get_by_role("navigation", name="하단 메뉴").get_by_role("link", name="전체 검색").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("전체 검색")
    page.get_by_role("searchbox", name="검색어").fill("강화학습")
    page.get_by_role("button", name="검색").click()

    expect(page.locator(".list-summary")).to_contain_text('"강화학습" 검색 결과')
    results = page.locator(".search-results .post-row")
    expect(results.first).to_be_visible()
    expect(results.first.locator("mark").first).to_have_text("강화학습")
    shoot(page, "1-results")

    results.first.locator(".post-row-title a").click()
    marks = page.locator(".article-body mark")
    expect(marks.first).to_have_text("강화학습")
    expect(marks.first).to_be_visible()
    # Marked text keeps its colour against the highlight (the contrast check covers it too).
    marks.first.scroll_into_view_if_needed()
    shoot(page, "2-article")


def test_moderator_hides_a_post_and_the_public_no_longer_sees_it(page, site, shoot, new_context, viewport):
    public = new_context(viewport).new_page()
    public.goto(site.url("/b/free/"))
    row = public.locator(".post-list > .post-row:not(.is-notice)").nth(2 if viewport == "phone" else 3)
    title = row.locator(".post-row-title a").inner_text()
    row.locator(".post-row-title a").click()
    article_url = public.url
    expect(public.get_by_role("heading", level=1)).to_contain_text(title)  # and now cached for the public

    log_in(page, site, *ADMIN, next_path=article_url.removeprefix(site.base))
    moderation = page.get_by_role("form", name="운영")
    moderation.get_by_label("운영 사유").fill("브라우저 시험: 광고성 글")
    moderation.get_by_role("button", name="숨기기").click()
    expect(page.locator(".messages")).to_contain_text("글을 숨겼습니다.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("숨김")
    shoot(page, "1-hidden")

    response = public.goto(article_url)
    assert response.status == 404
    expect(public.get_by_role("heading", level=1)).to_have_text("페이지를 찾을 수 없습니다")
    public.goto(site.url("/b/free/"))
    expect(public.locator(".post-list")).not_to_contain_text(title)
    public.goto(site.url("/modlog/"))
    expect(public.locator("main")).to_contain_text("브라우저 시험: 광고성 글")
    shoot(public, "2-public")
