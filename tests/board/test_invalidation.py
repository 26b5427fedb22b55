"""Every kind of write shows on the cached pages at once (board/invalidation.py), for
anonymous readers and for members (who share pages of their own, pagecache.py).

Each test first makes the pages a reader would have cached (홈, the board list, the
article) and checks they are served from the cache, then makes the change the way a
member, a moderator or the admin makes it, then reads the pages as a reader again: a new
anonymous one, or a member who took no part in the change.
"""

import pytest
from django.test import Client

from tests.conftest import main_text, page_text

READER = {"client": Client}


@pytest.fixture(autouse=True, params=["anonymous", "member"])
def reader(request, make_user):
    """Who reads the pages: every test runs once for each."""
    if request.param == "member":
        member = make_user("reader", nickname="지켜보는회원")

        def member_client():
            client = Client()
            client.force_login(member)
            return client

        READER["client"] = member_client
    else:
        READER["client"] = Client
    yield request.param
    READER["client"] = Client


@pytest.fixture
def mod_client(moderator):
    client = Client()
    client.force_login(moderator)
    return client


def warm(*urls):
    """Cache these pages for the reader, and prove they are being served cached."""
    for url in urls:
        READER["client"]().get(url)
        READER["client"]().get(url)  # a version started by the first request is in place now
        assert READER["client"]().get(url)["X-Page-Cache"] == "hit", url


def fresh(url):
    return READER["client"]().get(url)


@pytest.fixture
def published(make_post, make_comment):
    post = make_post(title="원래 제목", body="원래 본문")
    make_comment(post, body="첫 댓글")
    warm("/", "/b/ainews/", post.get_absolute_url(), "/new/")
    return post


def test_new_post(published, make_post):
    new = make_post(title="방금 올린 글")
    assert "방금 올린 글" in main_text(fresh("/"))
    assert "방금 올린 글" in main_text(fresh("/b/ainews/"))
    assert "방금 올린 글" in main_text(fresh("/new/"))
    assert "방금 올린 글" in main_text(fresh(published.get_absolute_url()))  # the list under the article
    assert fresh(new.get_absolute_url()).status_code == 200


def test_edit_by_the_author_through_the_form(published, author):
    client = Client()
    client.force_login(author)
    edit = f"{published.get_absolute_url()}edit/"
    response = client.post(edit, {"title": "고친 제목", "body": "고친 본문", "tags_text": "", "source_url": ""})
    assert response.status_code == 302
    article = main_text(fresh(published.get_absolute_url()))
    assert "고친 제목" in article and "고친 본문" in article and "원래 본문" not in article
    assert "고친 제목" in main_text(fresh("/b/ainews/"))
    assert "고친 제목" in main_text(fresh("/"))


def test_delete_by_the_author(published, author):
    client = Client()
    client.force_login(author)
    client.post(f"{published.get_absolute_url()}delete/")
    assert fresh(published.get_absolute_url()).status_code == 404
    for url in ["/", "/b/ainews/", "/new/"]:
        # Nor in the sidebar: 인기글, and its comment in 최근 댓글.
        assert "원래 제목" not in page_text(fresh(url)), url
        assert "첫 댓글" not in page_text(fresh(url)), url


def test_hide_by_a_moderator_on_the_article(published, mod_client):
    mod_client.post(f"{published.get_absolute_url()}moderate/", {"action": "hide"})
    assert fresh(published.get_absolute_url()).status_code == 404
    for url in ["/", "/b/ainews/", "/new/"]:
        assert "원래 제목" not in page_text(fresh(url)), url


def test_comment(published, make_user, django_capture_on_commit_callbacks):
    client = Client()
    client.force_login(make_user())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{published.get_absolute_url()}comments/", {"body": "새로 단 댓글"})
    assert "새로 단 댓글" in main_text(fresh(published.get_absolute_url()))
    assert "댓글 2" in main_text(fresh(published.get_absolute_url()))
    assert "새로 단 댓글" in main_text(fresh("/new/"))
    assert "새로 단 댓글" in page_text(fresh("/"))  # the sidebar's 최근 댓글


def test_vote(published, make_user):
    client = Client()
    client.force_login(make_user())
    client.post(f"{published.get_absolute_url()}vote/", {"value": "up"})
    assert "1 추천" in main_text(fresh(published.get_absolute_url()))
    assert "1 추천" in main_text(fresh("/b/ainews/"))


def test_nickname_change_through_my_menu(published, author):
    client = Client()
    client.force_login(author)
    client.post("/accounts/me/profile/", {"nickname": "새이름", "email": author.email})
    for url in ["/", "/b/ainews/", published.get_absolute_url()]:
        text = main_text(fresh(url))
        assert "새이름" in text and "크리스탈피" not in text, url


def test_withdrawal_through_my_menu(published, author):
    client = Client()
    client.force_login(author)
    client.post("/accounts/me/withdraw/", {"password": "correct-horse-battery"})
    for url in ["/", "/b/ainews/", published.get_absolute_url()]:
        text = main_text(fresh(url))
        assert "탈퇴한 회원" in text and "크리스탈피" not in text, url


def test_ban_through_admin(published, author, mod_client):
    mod_client.post("/admin/accounts/user/", {"action": "ban_members", "_selected_action": [author.pk]})
    assert fresh(published.get_absolute_url()).status_code == 404
    for url in ["/", "/b/ainews/", "/new/"]:
        assert "원래 제목" not in page_text(fresh(url)), url


def test_nickname_change_in_admin(published, author, admin_client):
    page = admin_client.get(f"/admin/accounts/user/{author.pk}/change/")
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "password"}
    data.update(nickname="관리자가고침", date_joined_0="2025-01-01", date_joined_1="00:00:00")
    data.pop("date_joined", None)
    data.pop("last_login", None)
    data = {k: v for k, v in data.items() if not isinstance(v, list | tuple)}
    response = admin_client.post(f"/admin/accounts/user/{author.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert "관리자가고침" in main_text(fresh(published.get_absolute_url()))
    assert "관리자가고침" in main_text(fresh("/b/ainews/"))


def test_making_a_member_staff_in_admin_shows_the_badge_at_once(published, author, admin_client):
    page = admin_client.get(f"/admin/accounts/user/{author.pk}/change/")
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "password"}
    data.update(is_staff="on", date_joined_0="2025-01-01", date_joined_1="00:00:00")
    data.pop("date_joined", None)
    data.pop("last_login", None)
    data = {k: v for k, v in data.items() if not isinstance(v, list | tuple) and v is not False}
    response = admin_client.post(f"/admin/accounts/user/{author.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    for url in [published.get_absolute_url(), "/b/ainews/", "/"]:
        assert "badge-staff" in fresh(url).content.decode(), url


def test_board_rename_in_admin(published, board, admin_client):
    response = admin_client.post(
        f"/admin/board/board/{board.pk}/change/",
        {
            "name": "인공지능 소식",
            "description": "",
            "position": 0,
            "page_size": 20,
            "use_downvote": "on",
            "write_access": "members",
            "comment_access": "members",
            "read_level": 1,
            "write_level": 1,
            "comment_level": 1,
            "download_level": 1,
            "points_post": 10,
            "points_comment": 2,
            "points_vote_received": 5,
            "attachment_max_count": 3,
            "attachment_max_mb": 10,
        },
    )
    assert response.status_code == 302
    for url in ["/", "/b/ainews/", published.get_absolute_url()]:
        assert "인공지능 소식" in page_text(fresh(url)), url


def test_new_board_in_admin_appears_in_every_menu(published, admin_client):
    admin_client.post(
        "/admin/board/board/add/",
        {
            "name": "논문 리뷰",
            "slug": "papers",
            "description": "",
            "position": 9,
            "page_size": 20,
            "write_access": "members",
            "comment_access": "members",
            "read_level": 1,
            "write_level": 1,
            "comment_level": 1,
            "download_level": 1,
            "points_post": 10,
            "points_comment": 2,
            "points_vote_received": 5,
            "attachment_max_count": 3,
            "attachment_max_mb": 10,
        },
    )
    for url in ["/", "/b/ainews/", published.get_absolute_url()]:
        assert "논문 리뷰" in page_text(fresh(url)), url


def test_post_moved_by_a_moderator(published, make_board, mod_client):
    free = make_board(slug="free", name="자유게시판")
    warm("/b/free/")
    mod_client.post(
        "/admin/board/post/",
        {"action": "move_posts", "_selected_action": [published.pk], "apply": "1", "board": free.pk},
    )
    assert "원래 제목" not in main_text(fresh("/b/ainews/"))
    assert "원래 제목" in main_text(fresh("/b/free/"))
    assert fresh(published.get_absolute_url()).status_code == 404
    assert fresh(f"/b/free/{published.pk}/").status_code == 200


def test_superuser_edit_in_admin_renders_and_shows_at_once(published, admin_client):
    response = admin_client.post(
        f"/admin/board/post/{published.pk}/change/",
        {
            "title": "운영진이 고친 제목",
            "author": published.author_id,
            "body": "**굵게**",
            "source_url": "",
            "tags": "",
        },
    )
    assert response.status_code == 302
    article = fresh(published.get_absolute_url())
    assert "운영진이 고친 제목" in main_text(article)
    assert "<strong>굵게</strong>" in article.content.decode()  # rendered by the service
