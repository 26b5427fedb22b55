"""Issue 16's member toolkit in a real browser, at 390×844 and 1366×900: two members
exchange 쪽지 from the name menu and the header's unread badge follows what was read, and a
@닉네임 mention in a comment reaches the mentioned member as an 알림."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_journeys import sign_up

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def write_post(page, site, title):
    page.goto(site.url("/b/ainews/write/"))
    page.get_by_label("제목", exact=True).fill(title)
    page.get_by_label("본문", exact=True).fill("쪽지와 알림을 시험하는 글입니다.")
    page.get_by_role("button", name="등록하기").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    return page.url


def messages_badge(page):
    return page.locator(".site-header .header-messages .count-badge")


def test_two_members_exchange_messages_and_the_badge_follows(new_context, site, shoot, viewport):
    sender = new_context(viewport).new_page()
    recipient = new_context(viewport).new_page()
    sign_up(sender, site, f"msg_from_{viewport}", f"보내는이{viewport}")
    sign_up(recipient, site, f"msg_to_{viewport}", f"받는이{viewport}")
    article = write_post(recipient, site, f"받는이의 글 ({viewport})")
    expect(messages_badge(recipient)).to_have_count(0)

    # The sender opens the recipient's name on the article: 작성글 보기, 쪽지 보내기.
    sender.goto(article)
    menu = sender.locator(".info-author .name-menu")
    menu.locator("summary").click()
    expect(menu.get_by_role("link", name="작성글 보기")).to_be_visible()
    shoot(sender, "1-name-menu")
    menu.get_by_role("link", name="쪽지 보내기").click()
    expect(sender.get_by_label("받는 회원")).to_have_value(f"받는이{viewport}")
    sender.get_by_label("내용").fill("안녕하세요. 글 잘 읽었습니다. https://example.com/paper 도 보세요.")
    sender.get_by_role("button", name="보내기").click()
    expect(sender.locator(".messages")).to_contain_text(f"받는이{viewport}님에게 쪽지를 보냈습니다.")
    sent_row = sender.locator(".message-row").first
    expect(sent_row).to_contain_text("안 읽음")

    # The recipient's header (a page members share) shows one unread 쪽지.
    recipient.goto(site.url("/"))
    expect(messages_badge(recipient)).to_contain_text("1")
    shoot(recipient, "2-badge")
    recipient.locator(".site-header .header-messages").click()
    row = recipient.locator(".message-row").first
    expect(row).to_contain_text(f"보내는이{viewport}")
    expect(row).to_contain_text("안 읽음")
    row.locator("a").click()
    expect(recipient.locator(".message-body")).to_contain_text("글 잘 읽었습니다")
    expect(recipient.locator(".message-body a")).to_have_attribute("href", "https://example.com/paper")
    shoot(recipient, "3-read")

    # Read: the badge is gone from every page, and the sender sees when it was read.
    recipient.goto(site.url("/"))
    expect(messages_badge(recipient)).to_have_count(0)
    # The 쪽지 link stays on a desktop; a phone's header shows it only while one is unread.
    link = recipient.locator(".site-header .header-messages")
    expect(link).to_be_visible() if viewport == "desktop" else expect(link).to_be_hidden()
    shoot(recipient, "4-badge-gone", clip=recipient.locator(".site-header").bounding_box())
    recipient.goto(article)
    expect(messages_badge(recipient)).to_have_count(0)
    sender.reload()
    expect(sender.locator(".message-row").first).to_contain_text(re.compile(r"읽음 \d{4}\.\d{2}\.\d{2}"))

    # A reply goes back the other way.
    recipient.goto(site.url("/accounts/me/messages/"))
    recipient.locator(".message-row a").first.click()
    recipient.get_by_role("link", name="답장").click()
    expect(recipient.get_by_label("받는 회원")).to_have_value(f"보내는이{viewport}")
    recipient.get_by_label("내용").fill("감사합니다!")
    recipient.get_by_role("button", name="보내기").click()
    sender.goto(site.url("/"))
    expect(messages_badge(sender)).to_contain_text("1")


def test_a_mention_in_a_comment_notifies_the_mentioned_member(new_context, site, shoot, viewport):
    writer = new_context(viewport).new_page()
    mentioned = new_context(viewport).new_page()
    sign_up(writer, site, f"mention_by_{viewport}", f"언급하는이{viewport}")
    sign_up(mentioned, site, f"mention_to_{viewport}", f"언급된이{viewport}")
    article = write_post(writer, site, f"언급 시험 글 ({viewport})")

    writer.get_by_label("댓글 쓰기").fill(f"@언급된이{viewport}님 이 글 어떻게 보세요?")
    writer.get_by_role("button", name="댓글 등록").click()
    comment = writer.locator(".comment").filter(has_text="이 글 어떻게 보세요")
    link = comment.locator(".comment-body a")
    expect(link).to_have_text(f"@언급된이{viewport}")
    expect(link).to_have_attribute("href", f"/u/mention_to_{viewport}/")

    mentioned.goto(site.url("/"))
    badge = mentioned.locator(".site-header .header-notifications .count-badge")
    expect(badge).to_contain_text("1")
    mentioned.locator(".site-header .header-notifications").click()
    row = mentioned.locator(".notification-row").first
    expect(row).to_contain_text("새 알림")
    expect(row).to_contain_text(f"언급하는이{viewport}")
    shoot(mentioned, "1-notifications")
    row.get_by_role("button").click()
    expect(mentioned).to_have_url(re.compile(re.escape(article) + r"(\?cpage=\d+)?#c\d+$"))
    expect(mentioned.locator(".comment-body").filter(has_text="이 글 어떻게 보세요")).to_be_visible()
    expect(badge).to_have_count(0)
