"""Issue 14's journeys, one per group, each at 390×844 and 1366×900: writing (preview with
pictures, a duplicate 원문, the edit form's picture list), names (reserved names, the
운영진 badge, one 닉네임 change a month), phone navigation (the header's member state, the
전체메뉴 page, six list rows a screen, 목록/글쓰기 around the article) and long threads
(comment pages, links to a comment, delete that asks first, hidden comments, own-post
votes, reports). Each step says what a member saw before and checks what they see now."""

import json
import re
import subprocess
import sys

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import ADMIN, MEMBER_PASSWORD, ROOT, log_in
from tests.browser.test_journeys import loaded_width, sign_up

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE_HEIGHT = 844


def picture(path, colour, size=(640, 400)):
    Image.new("RGB", size, colour).save(path)
    return path


def on_site(site, code):
    """Run Django code against the site's database (`manage.py shell`), for what a journey
    needs ready-made (a thread of 120 comments); returns its printed JSON."""
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=site.env,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def in_viewport(locator):
    """Its top edge is on the screen (a pixel's rounding allowed)."""
    top = locator.evaluate("el => el.getBoundingClientRect().top")
    return -1 < top < locator.page.viewport_size["height"]


# --- Writing -----------------------------------------------------------------------------


def test_writing_preview_keeps_pictures_duplicate_source_and_edit_list(page, site, shoot, viewport, tmp_path):
    sign_up(page, site, f"writer14_{viewport}", f"글쓰는이{viewport}")
    page.goto(site.url("/b/ainews/write/"))
    title = f"미리보기로 다듬은 글 ({viewport})"
    page.get_by_label("제목", exact=True).fill(title)
    page.get_by_label("본문", exact=True).fill("첫 문단입니다.\n\n[이미지1]\n\n사진 아래 문단입니다.")
    # The same article as a demo post, copied from a share button.
    page.get_by_label("원문 URL").fill("http://nature.com/articles/s41586-025-09422-z/?utm_source=twitter")
    page.get_by_label("이미지 고르기").set_input_files([picture(tmp_path / "도표.png", (29, 95, 209))])

    page.get_by_role("button", name="미리보기").click()

    preview = page.locator("#preview")
    # Before: the picture was dropped (a note asked to upload it again), [이미지1] showed as
    # text, and the preview came ~1,300 px below the form on a phone.
    expect(preview).to_be_visible()
    assert in_viewport(preview), "the preview is not where the member looks"
    expect(preview.locator(".prose")).not_to_contain_text("[이미지1]")
    image = preview.locator(".prose img")
    expect(image).to_have_count(1)
    assert loaded_width(image) > 0
    expect(page.get_by_role("list", name="첨부한 이미지")).to_contain_text("[이미지1] 도표.png")
    shoot(page, "1-preview")

    page.get_by_role("button", name="등록하기").click()

    # Before: the second post of the same article went up without a word.
    notice = page.locator(".duplicate-notice")
    # (the newest post of that article: the demo's, or the one the other screen size wrote)
    expect(notice).to_contain_text(re.compile(r"이미 올라온 기사입니다: (딥시크 R1|미리보기로 다듬은 글)"))
    expect(notice.get_by_role("link")).to_have_attribute("href", re.compile(r"^/b/ainews/\d+/$"))
    expect(page.get_by_role("list", name="첨부한 이미지")).to_contain_text("도표.png")  # still kept
    notice.scroll_into_view_if_needed()
    shoot(page, "2-duplicate")
    page.get_by_label("같은 기사인 줄 알고, 그래도 올립니다").check()
    page.get_by_role("button", name="등록하기").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    body = page.locator(".article-body .prose")
    expect(body.locator("img")).to_have_count(1)
    assert loaded_width(body.locator("img")) > 0
    first_src = body.locator("img").get_attribute("src")

    # The edit form lists the picture; a second one joins and is moved to the first place.
    page.get_by_role("link", name="수정").click()
    expect(page.get_by_label("본문", exact=True)).to_have_value(re.compile(r"\[이미지1\]"))
    page.get_by_label("이미지 더 고르기").set_input_files([picture(tmp_path / "사진.png", (194, 65, 12))])
    page.get_by_role("button", name="미리보기").click()
    pictures = page.get_by_role("list", name="첨부한 이미지").locator("li")
    expect(pictures).to_have_count(2)
    pictures.nth(1).get_by_role("button", name=re.compile("^위로")).click()
    expect(pictures.nth(0)).to_contain_text("사진.png")
    expect(page.get_by_role("status")).to_contain_text("수정하기를 눌러야 저장됩니다.")
    shoot(page, "3-edit-list")
    page.get_by_role("button", name="수정하기").click()

    images = page.locator(".article-body .prose img")
    expect(images).to_have_count(2)
    # [이미지1] now shows the picture moved up; the first one follows the text.
    assert images.nth(0).get_attribute("src") != first_src
    assert images.nth(1).get_attribute("src") == first_src


# --- Names -------------------------------------------------------------------------------


def test_names_reserved_look_alikes_staff_badge_and_one_change_a_month(page, site, shoot, viewport, new_context):
    page.goto(site.url("/accounts/signup/"))
    page.get_by_label("아이디").fill(f"pretender_{viewport}")
    page.get_by_label("닉네임").fill("관\u200b리 자")
    page.get_by_label("이메일").fill(f"pretender_{viewport}@example.com")
    page.get_by_label("비밀번호", exact=True).fill("browser-pass-2025!")
    page.get_by_label("비밀번호 확인").fill("browser-pass-2025!")
    page.get_by_label("이용약관에 동의합니다 (필수)").check()
    page.get_by_label("개인정보 수집·이용에 동의합니다 (필수)").check()
    page.get_by_role("button", name="가입하기").click()

    # Before: anyone could be "관리자", and read as the site on every page.
    expect(page.locator(".errorlist")).to_contain_text("운영진과 헷갈릴 수 있어 쓸 수 없습니다.")
    shoot(page, "1-reserved")

    # A staff member comments; readers see the badge beside the name.
    staff = new_context(viewport).new_page()
    log_in(staff, site, *ADMIN, next_path="/b/qna/")
    staff.locator(".post-list > .post-row:not(.is-notice) .post-row-title a").first.click()
    staff.get_by_label("댓글 쓰기").fill(f"운영진이 남긴 안내 댓글입니다 ({viewport}).")
    staff.get_by_role("button", name="댓글 등록").click()
    article = staff.url.split("#")[0]

    page.goto(article)
    mine = page.locator(".comment").filter(has_text=f"운영진이 남긴 안내 댓글입니다 ({viewport}).")
    expect(mine.locator(".byline")).to_have_text(re.compile(r"^운영자\s*운영진$"))
    expect(mine.locator(".badge-staff")).to_be_visible()
    others = page.locator(".comment").filter(has_not=page.locator(".badge-staff"))
    expect(others.first.locator(".badge-staff")).to_have_count(0)
    mine.scroll_into_view_if_needed()
    shoot(page, "2-staff-badge")
    if viewport == "desktop":  # the sidebar sits beside the content
        expect(page.locator(".sidebar .byline").filter(has_text="운영자").first.locator(".badge-staff")).to_be_visible()

    # One 닉네임 change, then the date of the next.
    sign_up(page, site, f"renamer_{viewport}", f"첫이름{viewport}")
    page.goto(site.url("/accounts/me/"))
    page.get_by_label("닉네임").fill(f"새이름{viewport}")
    page.get_by_role("button", name="정보 저장").click()
    expect(page.locator(".messages")).to_contain_text("회원 정보를 바꿨습니다.")
    expect(page.locator("#id_nickname_helptext")).to_contain_text("다음 변경 가능일:")
    page.get_by_label("닉네임").fill(f"세번째{viewport}")
    page.get_by_role("button", name="정보 저장").click()
    expect(page.locator(".errorlist")).to_contain_text("닉네임은 30일에 한 번만 바꿀 수 있습니다. 다음 변경 가능일:")
    page.locator(".errorlist").scroll_into_view_if_needed()
    shoot(page, "3-nickname-wait")


# --- Phone navigation --------------------------------------------------------------------


def rows_on_screen(page):
    """List rows wholly on the first screen, above the bottom navigation."""
    return page.evaluate(
        """() => {
          const menu = document.querySelector('.footer-menu');
          const bottom = getComputedStyle(menu).position === 'fixed' ? menu.getBoundingClientRect().top : innerHeight;
          return [...document.querySelectorAll('.board-list .post-row')]
            .filter(row => { const b = row.getBoundingClientRect(); return b.top >= 0 && b.bottom <= bottom; }).length;
        }"""
    )


def test_phone_navigation_header_menu_dense_list_and_article_buttons(page, site, shoot, viewport, new_context):
    page.goto(site.url("/b/ainews/"))
    header = page.locator(".site-header")
    tools = page.get_by_role("navigation", name="검색과 회원")
    # Before: no 로그인 and no search in the header; 로그인 only below the whole sidebar.
    expect(tools.get_by_role("link", name="로그인")).to_be_in_viewport()
    expect(tools.get_by_role("link", name="전체 검색")).to_be_in_viewport()
    shoot(page, "1-header-logged-out", clip=header.bounding_box())
    if viewport == "phone":
        # Before: the first post ~435 px down and about three rows a screen.
        assert rows_on_screen(page) >= 6
        titles = page.locator(".board-list .post-row-title a")
        for i in range(6):
            line = float(titles.nth(i).evaluate("el => parseFloat(getComputedStyle(el).lineHeight)"))
            assert titles.nth(i).bounding_box()["height"] <= 2 * line + 8  # two lines at most
        # The list's search waits behind a button; opening it needs no JavaScript.
        expect(page.locator("#board-search")).to_be_hidden()
        page.get_by_role("link", name=re.compile("^검색 - AI 뉴스")).click()
        expect(page.locator("#board-search")).to_be_visible()
        page.goto(site.url("/b/ainews/"))
    shoot(page, "2-list")
    # Before: "RSS" 23×16 and "운영 기록" 55×16 px to tap, the bottom menu's text 12.5 px.
    for name in ("RSS", "운영 기록"):
        box = page.locator(".footer-links").get_by_role("link", name=name).bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, (name, box)
    sizes = page.locator(".footer-menu a").evaluate_all(
        "links => links.map(a => parseFloat(getComputedStyle(a).fontSize))"
    )
    assert min(sizes) >= 14, sizes

    # 전체메뉴 is a page with everything, reached from the bottom menu.
    page.get_by_role("navigation", name="하단 메뉴").get_by_role("link", name="전체메뉴").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("전체메뉴")
    menu = page.locator("main")
    for name in ["AI 뉴스", "자유게시판", "질문답변", "새글/새댓글", "전체 검색", "운영 기록", "로그인", "회원가입"]:
        expect(menu.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(menu.locator(".tag-cloud .tag").first).to_be_visible()
    shoot(page, "3-menu")

    # 목록 and 글쓰기 above and below the article.
    page.goto(site.url("/b/ainews/?page=2"))
    page.locator(".board-list .post-row-title a").first.click()
    for label in ("글 목록과 글쓰기", "글 목록과 글쓰기 (아래)"):
        tools_nav = page.get_by_role("navigation", name=label, exact=True)
        expect(tools_nav.get_by_role("link", name="목록")).to_have_attribute("href", "/b/ainews/?page=2")
        expect(tools_nav.get_by_role("link", name="글쓰기")).to_have_attribute("href", "/b/ainews/write/")
    expect(page.get_by_role("navigation", name="글 목록과 글쓰기", exact=True)).to_be_in_viewport()
    page.get_by_role("navigation", name="글 목록과 글쓰기 (아래)").get_by_role("link", name="목록").click()
    expect(page).to_have_url(site.url("/b/ainews/?page=2"))

    # Logged in: the 닉네임 (마이메뉴) and 로그아웃 in the header.
    log_in(page, site, "neuralcat", MEMBER_PASSWORD, next_path="/b/ainews/")
    tools = page.get_by_role("navigation", name="검색과 회원")
    expect(tools.get_by_role("link", name=re.compile("딥러닝고양이"))).to_have_attribute("href", "/accounts/me/")
    expect(tools.get_by_role("button", name="로그아웃")).to_be_in_viewport()
    shoot(page, "4-header-logged-in", clip=page.locator(".site-header").bounding_box())
    if viewport == "phone":
        shoot(page, "5-list-logged-in")
    tools.get_by_role("button", name="로그아웃").click()
    expect(page.get_by_role("navigation", name="검색과 회원").get_by_role("link", name="로그인")).to_be_visible()


def test_the_menu_and_the_list_search_work_without_javascript(site, new_context):
    page = new_context("phone", java_script_enabled=False).new_page()
    page.goto(site.url("/b/free/"))
    page.get_by_role("link", name=re.compile("^검색 - 자유게시판")).click()
    page.get_by_role("searchbox", name="검색어").fill("GPU")
    page.get_by_role("button", name="검색", exact=True).click()
    expect(page.locator(".list-summary")).to_contain_text("검색 결과")
    expect(page.locator("#board-search")).to_be_visible()  # still open on the results
    page.get_by_role("navigation", name="하단 메뉴").get_by_role("link", name="전체메뉴").click()
    page.locator("main").get_by_role("link", name="질문답변", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("질문답변")


# --- Long threads ------------------------------------------------------------------------

THREAD = """
import json
from accounts.models import User
from board import services
from board.models import Board, Post
author = User.objects.get(username="{author}")
others = list(User.objects.filter(username__in=["neuralcat", "gpumaster", "tokenizer"]))
admin = User.objects.get(username="admin")
free = Board.objects.get(slug="free")
post = services.create_post(board=free, author=author, title="{title}", body="긴 토론 글입니다.")
made = []
for i in range(120):
    who = others[i % len(others)]
    if i % 9 == 4:
        made.append(services.add_comment(post=post, author=who, body=f"답글 {{i:03}}번", parent=made[-1]))
    else:
        made.append(services.add_comment(post=post, author=who, body=f"댓글 {{i:03}}번"))
hidden = made[10]
services.set_comment_hidden(comment=hidden, moderator=admin, hidden=True)
services.add_comment(post=post, author=others[0], body="숨긴 댓글에 달린 답글", parent=hidden)
print(json.dumps({{"post": post.get_absolute_url(), "late": made[110].pk}}))
"""


def test_long_thread_pages_links_delete_hidden_votes_and_reports(page, site, shoot, viewport, new_context):
    thread = on_site(site, THREAD.format(author="xtalfi", title=f"댓글이 긴 토론 ({viewport})"))
    log_in(page, site, "neuralcat", MEMBER_PASSWORD, next_path=thread["post"])

    heading = page.get_by_role("heading", name=re.compile(r"^댓글 \d+$"))
    count = int(heading.inner_text().split()[1])
    comments = page.locator(".comment-list .comment")
    # Before: all of them on one page, 29,924 px tall at 200 on a phone.
    expect(comments).to_have_count(50 - 1)  # one of the 50 rows is the hidden comment's placeholder
    expect(page.get_by_role("navigation", name="댓글 페이지", exact=True)).to_be_visible()
    expect(page.get_by_role("navigation", name="댓글 페이지 (아래)")).to_be_attached()
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < (16_000 if viewport == "phone" else 12_000), height
    # Before: "삭제된 댓글입니다" for a comment 운영진 hid; the count left it out of the list.
    placeholder = page.locator(".comment-removed")
    expect(placeholder).to_have_text("운영진이 숨긴 댓글입니다")
    assert count == 121 - 1  # 121 written, one hidden
    # 답글 sits in the row of the other actions, not on a line below them.
    first = comments.filter(has=page.locator(".reply-box")).filter(has=page.get_by_role("link", name="신고")).first
    reply_y = first.locator(".reply-box > summary").bounding_box()["y"]
    report_y = first.get_by_role("link", name="신고").bounding_box()["y"]
    assert abs(reply_y - report_y) < 4
    placeholder.scroll_into_view_if_needed()
    shoot(page, "1-page-one")

    # A link to a comment far down lands on its page, at the comment.
    page.goto(site.url(f"/comments/{thread['late']}/"))
    expect(page).to_have_url(re.compile(rf"\?cpage=3#c{thread['late']}$"))
    expect(page.locator(f"#c{thread['late']}")).to_be_in_viewport()
    shoot(page, "2-link-to-page-3")

    # Deleting a comment asks first.
    page.get_by_label("댓글 쓰기").fill(f"곧 지울 댓글 ({viewport})")
    page.get_by_role("button", name="댓글 등록").click()
    mine = page.locator(".comment").filter(has_text=f"곧 지울 댓글 ({viewport})")
    expect(mine).to_be_in_viewport()
    mine.get_by_role("link", name="삭제").click()
    # Before: one tap deleted it.
    expect(page.get_by_role("heading", level=1)).to_have_text("댓글을 삭제할까요?")
    shoot(page, "3-delete-confirm")
    page.get_by_role("link", name="취소").click()
    expect(page.locator(".comment").filter(has_text=f"곧 지울 댓글 ({viewport})")).to_be_visible()
    page.locator(".comment").filter(has_text=f"곧 지울 댓글 ({viewport})").get_by_role("link", name="삭제").click()
    page.get_by_role("button", name="삭제").click()
    expect(page.locator(".messages")).to_contain_text("댓글을 삭제했습니다.")
    expect(page.locator("main")).not_to_contain_text(f"곧 지울 댓글 ({viewport})")

    # A report twice: told before the form.
    page.goto(site.url(thread["post"]))
    page.locator(".report-link").get_by_role("link", name="신고").click()
    page.get_by_label("스팸").check()
    page.get_by_role("button", name="신고하기").click()
    page.locator(".report-link").get_by_role("link", name="신고").click()
    # Before: the form again, and the refusal only after filling it in.
    expect(page.locator(".message-error")).to_have_text("이미 신고하셨습니다. 운영진이 확인하고 있습니다.")
    expect(page.get_by_role("button", name="신고하기")).to_have_count(0)

    # The author sees the counts of their own post, not buttons.
    author = new_context(viewport).new_page()
    log_in(author, site, "xtalfi", MEMBER_PASSWORD, next_path=thread["post"])
    votes = author.locator("#vote")
    # Before: buttons that answered with a red error.
    expect(votes.get_by_role("button")).to_have_count(0)
    expect(votes).to_contain_text("추천 0")
    expect(author.locator(".vote-note")).to_have_text("내 글에는 추천·비추천을 할 수 없습니다.")
