"""Issue 16's 댓글 추천, 스크랩 and 말머리 as a member uses them, at 390×844 and 1366×900:
a 추천 pressed and taken back on someone else's comment (without a reload, and still
pressed after one), a post kept with a memo and found in 마이메뉴 → 스크랩, and a board's
list narrowed to one 말머리."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.test_member_journeys import on_site

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# A demo member per viewport, so the two runs never see each other's votes and scraps.
MEMBERS = {"phone": "seoulml", "desktop": "agentkim"}

FIND_COMMENT = """
import json
from accounts.models import User
from board.models import Comment
me = User.objects.get(username="{username}")
comment = (
    Comment.objects.visible().exclude(author=me).exclude(votes__user=me)
    .filter(post__is_hidden=False, post__is_deleted=False, parent__isnull=True)
    .select_related("post__board").order_by("-post__comment_count", "id").first()
)
print(json.dumps({{"url": comment.post.get_absolute_url(), "id": comment.pk, "count": comment.upvote_count}}))
"""


def test_comment_vote_scrap_and_category(page, site, shoot, viewport):
    username = MEMBERS[viewport]
    found = on_site(site, FIND_COMMENT.format(username=username))
    log_in(page, site, username, next_path=found["url"])

    button = page.locator(f"#c{found['id']} button.comment-vote")
    # Before: a comment had no 추천 at all.
    expect(button).to_have_attribute("aria-pressed", "false")
    expect(button).to_contain_text(f"추천 {found['count']:,}")
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(button).to_contain_text(f"추천 {found['count'] + 1:,}")
    shoot(page, "1-comment-voted")
    page.reload()
    expect(page.locator(f"#c{found['id']} button.comment-vote")).to_have_attribute("aria-pressed", "true")
    page.locator(f"#c{found['id']} button.comment-vote").click()
    expect(page.locator(f"#c{found['id']} button.comment-vote")).to_have_attribute("aria-pressed", "false")

    # 스크랩 with a memo, then 마이메뉴 → 스크랩.
    title = page.locator("#article-title").inner_text()
    page.get_by_role("link", name="스크랩", exact=True).click()
    page.get_by_label("메모").fill("주말에 다시 읽기")
    page.get_by_role("button", name="스크랩하기").click()
    page.wait_for_url(site.url("/scraps/"))
    expect(page.get_by_role("status")).to_contain_text("스크랩했습니다.")
    row = page.locator(".scrap-row").first
    expect(row).to_contain_text("메모: 주말에 다시 읽기")
    expect(row).to_contain_text(title.split("]")[-1].strip())
    shoot(page, "2-scraps")

    # A board's list narrowed to one 말머리: every row carries it.
    page.goto(site.url("/b/ainews/"))
    page.get_by_role("navigation", name="말머리").get_by_role("link", name="해외").click()
    rows = page.locator(".board-list .post-row")
    expect(rows.first).to_be_visible()
    for text in rows.all_inner_texts():
        assert "[해외]" in text
    shoot(page, "3-category")
