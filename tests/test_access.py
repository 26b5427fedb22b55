"""Who may open what.

Every URL that edits, deletes or moderates refuses anonymous readers (the login page) and
other members (a Korean 403); the list of URLs comes from the URLconf, so a new one cannot
be forgotten. Hidden and deleted posts appear nowhere a reader looks; ids guessed in URLs
get the 404 of an id that never existed; `next` never leaves the site; uploads are stored
as pictures under names the server chose.
"""

import io
import re

import feedparser
import pytest
from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from PIL import Image
from taggit.models import Tag

from accounts import services as member_services
from board import services
from board.models import Comment, CommentVote, ModerationLog, Post, PostImage, PostVote, Report, Scrap
from tests.conftest import image_file, main_text, page_text

# Every named URL of the site (admin aside: see the admin test below), by who may use it.
EDIT_BY_OWNER = {"board:post_edit", "board:post_delete", "board:comment_edit", "board:comment_delete"}
MODERATORS_ONLY = {"board:post_moderate", "board:comment_moderate"}
MEMBERS_ONLY = {
    "board:post_write",
    "board:comment_create",
    "board:vote",
    "board:report_post",
    "board:report_comment",
    "board:comment_vote",
    "board:scrap",
    "board:scraps",
    "board:scrap_delete",
    "accounts:index",
    "accounts:me",
    "accounts:points",
    "accounts:update_profile",
    "accounts:change_password",
    "accounts:withdraw",
    # 쪽지 and 알림: each member's own (another member's id is a 404, tests/accounts/).
    "accounts:messages",
    "accounts:messages_sent",
    "accounts:message_compose",
    "accounts:message_detail",
    "accounts:message_delete",
    "accounts:message_report",
    "accounts:message_block",
    "accounts:blocks",
    "accounts:unblock",
    "accounts:notifications",
    "accounts:notifications_read_all",
    "accounts:notification_settings",
    "accounts:notification_open",
    "accounts:marketing_consent",
    "accounts:resend_confirmation",
}
EVERYONE = {
    "board:home",
    "board:search",
    "board:menu",
    "board:new",
    "board:tag",
    "board:feed",
    "board:feed_atom",
    "board:board_feed",
    "board:board_feed_atom",
    "board:tag_feed",
    "board:tag_feed_atom",
    "board:sitemap",
    "board:sitemap_section",
    "board:robots",
    "board:favicon",
    "board:manifest",
    "board:healthz",
    "board:post_list",
    "board:post_detail",
    "board:comment",
    "board:attachment_download",
    "board:modlog",
    "profile",
    "accounts:signup",
    "accounts:login",
    "accounts:logout",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    "accounts:find_username",
    "accounts:find_username_done",
    "accounts:confirm_email",  # the signed token is the permission (tests/accounts)
    "accounts:terms",
    "accounts:privacy",
    # An imported Gnuboard5 site's old addresses: redirects only (board/legacy.py).
    "legacy_board_php",
    "legacy_rss_php",
    "legacy_search_php",
    "legacy_data_file",
    "legacy_data_editor",
    "legacy_short_post",
    "legacy_short_board",
}
RESTRICTED = EDIT_BY_OWNER | MODERATORS_ONLY | MEMBERS_ONLY

# What a form would send to each, so a refusal is for the person, not for the input.
FORM_DATA = {
    "board:post_edit": {"title": "가로챈 제목", "body": "가로챈 본문", "tags_text": ""},
    "board:post_write": {"title": "새 글", "body": "본문", "tags_text": ""},
    "board:comment_edit": {"body": "가로챈 댓글"},
    "board:comment_create": {"body": "댓글"},
    "board:post_moderate": {"action": "hide"},
    "board:comment_moderate": {"action": "hide"},
    "board:vote": {"value": "up"},
    "board:report_post": {"reason": "spam"},
    "board:report_comment": {"reason": "spam"},
    "board:scrap": {"memo": "가로챈 스크랩"},
}


def site_urls(patterns=None, namespace=""):
    """(name, URLPattern) of every URL outside the admin."""
    found = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found += site_urls(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            found.append((namespace + (entry.name or str(entry.pattern)), entry))  # unnamed: by route
    return found


def url_for(name, entry, post, comment):
    values = {
        "slug": post.board.slug,
        "post_id": post.pk,
        "comment_id": comment.pk,
        "pk": comment.pk,  # a 쪽지 or 알림 id: anyone's, the login comes first
        "user_id": post.author_id,
        "scrap_id": 1,
    }
    return reverse(name, kwargs={key: values[key] for key in entry.pattern.converters})


@pytest.fixture
def owned(make_post, make_comment, make_user):
    """A post and a comment on it, each by its own author (neither is the visitor)."""
    post = make_post(title="남의 글", body="남의 본문")
    return post, make_comment(post, body="남의 댓글", author=make_user(nickname="댓글쓴이"))


def snapshot():
    """Everything a refused request might have changed."""
    return (
        list(Post.objects.order_by("pk").values_list("title", "body", "is_hidden", "is_deleted", "is_notice")),
        list(Comment.objects.order_by("pk").values_list("body", "is_hidden", "is_deleted")),
        PostVote.objects.count(),
        CommentVote.objects.count(),
        Scrap.objects.count(),
        Report.objects.count(),
        ModerationLog.objects.count(),
    )


def test_every_url_is_classified_by_who_may_use_it():
    names = {name for name, _ in site_urls()}

    assert names == RESTRICTED | EVERYONE, "classify the new URL in tests/test_access.py"
    assert not RESTRICTED & EVERYONE


@pytest.mark.parametrize("name", sorted(RESTRICTED))
def test_anonymous_readers_are_sent_to_login_by_every_restricted_url(client, owned, name):
    entry = dict(site_urls())[name]
    url = url_for(name, entry, *owned)
    before = snapshot()

    got = client.get(url)
    posted = client.post(url, FORM_DATA.get(name, {}))

    login = f"/accounts/login/?next={url}"
    assert got.status_code == 405 or (got.status_code, got["Location"]) == (302, login)
    assert (posted.status_code, posted["Location"]) == (302, login)
    assert snapshot() == before


@pytest.mark.parametrize("name", sorted(EDIT_BY_OWNER | MODERATORS_ONLY))
def test_other_members_get_a_korean_403_from_every_edit_delete_and_moderation_url(client, owned, make_user, name):
    client.force_login(make_user(nickname="지나가던회원"))
    entry = dict(site_urls())[name]
    url = url_for(name, entry, *owned)
    before = snapshot()

    got = client.get(url)
    posted = client.post(url, FORM_DATA.get(name, {}))

    assert got.status_code in (403, 405)
    assert posted.status_code == 403
    assert "권한이 없습니다" in page_text(posted)
    assert re.search(r"(글쓴이|댓글을 쓴 회원|운영진)만", page_text(posted))
    assert snapshot() == before


@pytest.mark.parametrize("state", ["hidden", "deleted", "banned"])
def test_hidden_and_deleted_posts_appear_nowhere(client, make_post, make_comment, make_user, moderator, state):
    author = make_user(username="writer", nickname="글쓴이")
    commenter = make_user(username="commenter", nickname="댓글러")
    visible = make_post(title="공개된 글", author=author, tags=["공통태그"])
    secret = make_post(title="감춰질 제목", body="감춰질 본문", author=author, tags=["공통태그", "감춰질태그"])
    make_comment(secret, body="감춰질 댓글", author=commenter)
    # The most viewed and voted post of the week, so every ranking would want to show it.
    Post.objects.filter(pk=secret.pk).update(view_count=10_000, upvote_count=500)
    if state == "hidden":
        services.hide_post(post=secret, moderator=moderator, reason="개인정보")
    elif state == "deleted":
        services.delete_post(post=secret)
    else:
        member_services.ban_member(user=author, moderator=moderator)
        services.restore_post(post=visible, moderator=moderator)
    shared_tag = Tag.objects.get(name="공통태그").slug
    secret_tag = Tag.objects.get(name="감춰질태그").slug
    pages = [
        "/",
        "/b/ainews/",
        "/b/ainews/?sort=views",
        "/b/ainews/?sort=popular&period=month",
        "/b/ainews/?q=감춰질",
        "/b/ainews/?q=감춰질&field=comment",
        "/search/?q=감춰질",
        "/search/?q=댓글러&field=author",
        "/new/",
        "/new/?kind=comments",
        f"/tags/{shared_tag}/",
        f"/tags/{secret_tag}/",
        "/feed/",
        "/feed/atom/",
        "/b/ainews/feed/",
        "/b/ainews/feed/atom/",
        f"/tags/{shared_tag}/feed/",
        f"/tags/{shared_tag}/feed/atom/",
        "/sitemap.xml",
        "/sitemap-posts.xml",
        "/u/writer/",
        "/u/commenter/",
    ]

    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        content = response.content.decode()
        for secret_text in ["감춰질 제목", "감춰질 본문", "감춰질 댓글", f"/b/ainews/{secret.pk}/"]:
            assert secret_text not in content, (url, secret_text)
        if url != f"/tags/{secret_tag}/":  # there the reader typed the tag
            assert "감춰질태그" not in content, url
    assert "공개된 글" in page_text(client.get("/b/ainews/"))
    for feed in ["/feed/", f"/tags/{shared_tag}/feed/atom/"]:
        assert [entry.title for entry in feedparser.parse(client.get(feed).content).entries] == ["공개된 글"]
    # The members' own pages too.
    for member, tab in [(author, "posts"), (commenter, "comments")]:
        member.is_active = True
        member.save()
        client.force_login(member)
        assert "감춰질" not in main_text(client.get(f"/accounts/me/?tab={tab}"))


def not_found_text(client, url):
    response = client.get(url) if not url.endswith(("vote/", "comments/")) else client.post(url, {"body": "x"})
    assert response.status_code == 404, url
    return main_text(response)


@pytest.mark.parametrize("who", ["anonymous", "member", "author"])
def test_guessed_post_ids_get_the_404_of_an_id_that_never_existed(client, make_board, make_post, make_user, who):
    author = make_user(nickname="글쓴이")
    make_board(slug="free", name="자유게시판")
    hidden = make_post(title="숨은 글", author=author, hidden=True)
    deleted = make_post(title="지운 글", author=author)
    services.delete_post(post=deleted)
    elsewhere = make_post(title="다른 게시판 글", author=author)  # asked for under /b/free/
    if who != "anonymous":
        client.force_login(author if who == "author" else make_user())
    never = Post.objects.order_by("-pk").first().pk + 1000

    for suffix in ["", "edit/", "delete/", "report/", "vote/", "comments/"]:
        if who == "anonymous" and suffix:
            continue  # the login page comes first, for any id (see above)
        expected = not_found_text(client, f"/b/ainews/{never}/{suffix}")
        for url in [
            f"/b/ainews/{hidden.pk}/{suffix}",
            f"/b/ainews/{deleted.pk}/{suffix}",
            f"/b/free/{elsewhere.pk}/{suffix}",
            f"/b/nope/{elsewhere.pk}/{suffix}",
        ]:
            assert not_found_text(client, url) == expected, url
            assert "숨은 글" not in expected and "지운 글" not in expected


@pytest.mark.parametrize("who", ["member", "author"])
def test_guessed_comment_ids_get_the_404_of_an_id_that_never_existed(client, make_post, make_comment, make_user, who):
    author = make_user(nickname="댓글쓴이")
    on_hidden = make_comment(make_post(hidden=True), body="숨은 글의 댓글", author=author)
    post = make_post()
    deleted = make_comment(post, body="지운 댓글", author=author)
    services.delete_comment(comment=deleted)
    hidden = make_comment(post, body="가려진 댓글", author=author)
    services.set_comment_hidden(comment=hidden, moderator=None, hidden=True)
    on_deleted_post = make_comment(post_to_delete := make_post(), body="지운 글의 댓글", author=author)
    services.delete_post(post=post_to_delete)
    client.force_login(author if who == "author" else make_user())
    never = Comment.objects.order_by("-pk").first().pk + 1000

    for suffix in ["edit/", "report/"]:
        expected = not_found_text(client, f"/comments/{never}/{suffix}")
        for comment in [on_hidden, deleted, hidden, on_deleted_post]:
            assert not_found_text(client, f"/comments/{comment.pk}/{suffix}") == expected, (suffix, comment.body)
    for comment in [on_hidden, deleted, hidden, on_deleted_post]:
        response = client.post(f"/comments/{comment.pk}/delete/")
        assert response.status_code == 404
    assert Comment.objects.filter(is_deleted=True).count() == 1


HOSTILE_NEXT = [
    "https://evil.example/",
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "https:evil.example",
    "http://testserver@evil.example/",
    "javascript:alert(1)",
    " //evil.example",
    "/\t/evil.example",
]


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_next_never_leaves_the_site(client, make_user, target):
    from tests.accounts.test_accounts import signup_data

    make_user(username="reader")
    login_page = client.get("/accounts/login/", {"next": target}).content.decode()
    signup_page = client.get("/accounts/signup/", {"next": target}).content.decode()
    logged_in = client.post(
        f"/accounts/login/?next={target}", {"username": "reader", "password": "correct-horse-battery"}
    )
    again_login = client.get("/accounts/login/", {"next": target})
    again_signup = client.get("/accounts/signup/", {"next": target})
    logged_out = client.post("/accounts/logout/", {"next": target})
    signed_up = client.post("/accounts/signup/", {**signup_data(), "next": target})

    assert "evil" not in login_page and "evil" not in signup_page and "javascript" not in login_page
    for response in [logged_in, again_login, again_signup, logged_out, signed_up]:
        assert response.status_code == 302
        assert response["Location"].startswith("/") and not response["Location"].startswith(("//", "/\\"))
        assert "evil" not in response["Location"] and "javascript" not in response["Location"]


def test_members_and_anonymous_readers_never_reach_the_admin(client, make_user):
    urls = ["/admin/"]
    for model in admin.site._registry:
        info = model._meta.app_label, model._meta.model_name
        urls += [reverse("admin:{}_{}_changelist".format(*info)), reverse("admin:{}_{}_add".format(*info))]

    for who in ["anonymous", "member"]:
        if who == "member":
            client.force_login(make_user())
        for url in urls:
            response = client.get(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith("/admin/login/"), url


# --- Uploads -----------------------------------------------------------------------------

HOSTILE_NAMES = ["evil.html.png", "shell.php.jpg", "<script>.gif", "../../../etc/passwd.webp", "x.svg"]


def upload(client, name, fmt):
    picture = image_file(name, fmt=fmt)
    response = client.post(
        "/b/ainews/write/", {"title": f"그림 {name}", "body": "[이미지1]", "tags_text": "", "images": [picture]}
    )
    assert response.status_code == 302, page_text(response)
    return PostImage.objects.latest("pk")


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_uploads_are_stored_under_names_and_formats_the_server_chose(client, board, make_user, name):
    client.force_login(make_user())
    fmt = {"png": "PNG", "jpg": "JPEG", "gif": "GIF", "webp": "WEBP"}.get(name.rsplit(".", 1)[-1], "PNG")

    stored = upload(client, name, fmt)

    for field, expected_format in [(stored.image, fmt), (stored.thumbnail, "JPEG")]:
        filename = field.name.rsplit("/", 1)[-1]
        assert re.fullmatch(r"[0-9a-f]{16}\.(jpg|png|gif|webp)", filename), field.name
        assert field.path.startswith(str(settings.MEDIA_ROOT))
        with Image.open(io.BytesIO(field.read())) as picture:
            assert picture.format == expected_format
        assert {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}[expected_format] == filename[-4:].strip(".")


def test_django_serves_no_uploads_in_production(client, board, make_user):
    client.force_login(make_user())
    stored = upload(client, "사진.png", "PNG")

    assert not settings.DEBUG
    assert client.get(stored.image.url).status_code == 404  # nginx serves /media/ (docs/deploy.md)


@pytest.mark.urls("tests.media_urls")
@pytest.mark.parametrize("name, fmt, content_type", [("a.html.png", "PNG", "image/png"), ("b.gif", "GIF", "image/gif")])
def test_the_development_server_serves_uploads_as_images_never_sniffed(
    client, board, make_user, name, fmt, content_type
):
    client.force_login(make_user())
    stored = upload(client, name, fmt)

    response = client.get(stored.image.url)

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
