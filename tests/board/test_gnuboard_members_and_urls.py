"""After import_gnuboard: members sign in through the real login form with their Gnuboard
passwords (and the hash is renewed), and the old site's addresses answer with redirects."""

import re

import pytest
from django.test import Client

import config.settings as project_settings
from accounts.models import User
from board.models import LegacyLink
from tests.gnuboard.awkward import PASSWORDS

pytestmark = pytest.mark.gnuboard


@pytest.fixture
def imported(import_gnuboard, settings):
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS  # not the tests' MD5 shortcut
    import_gnuboard()


def log_in(username, password):
    """As a member does it: open the login page, fill in the form, send it (CSRF checked)."""
    browser = Client(enforce_csrf_checks=True)
    page = browser.get("/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    assert 'name="username"' in page.content.decode() and 'name="password"' in page.content.decode()
    response = browser.post(
        "/accounts/login/", {"username": username, "password": password, "csrfmiddlewaretoken": token}
    )
    return browser, response


@pytest.mark.parametrize(
    ("username", "old_form"),
    [
        ("admin", "gnuboard_pbkdf2$"),
        ("alice", "gnuboard_pbkdf2$"),
        ("bob", "mysql_password$"),
        ("carol", "mysql_old_password$"),
    ],
)
def test_members_sign_in_with_their_old_password_and_the_hash_is_renewed(imported, username, old_form):
    assert User.objects.get(username=username).password.startswith(old_form)
    browser, response = log_in(username, PASSWORDS[username])
    assert response.status_code == 302, response.content.decode()[:500]
    assert int(browser.session["_auth_user_id"]) == User.objects.get(username=username).pk
    renewed = User.objects.get(username=username).password
    assert renewed.startswith("pbkdf2_sha256$")
    # The renewed hash works, the old password was the only one that ever did.
    assert log_in(username, PASSWORDS[username])[1].status_code == 302
    assert log_in(username, PASSWORDS[username] + "x")[1].status_code == 400


@pytest.mark.parametrize("username", ["dave", "erin"])
def test_banned_and_withdrawn_members_cannot_sign_in(imported, username):
    browser, response = log_in(username, PASSWORDS[username])
    assert response.status_code == 400
    assert "_auth_user_id" not in browser.session


def test_a_member_with_an_unknown_hash_cannot_sign_in(imported):
    assert log_in("frank", "password")[1].status_code == 400


def ids(kind, old, board="free"):
    link = LegacyLink.objects.get(kind=kind, board_key=board, old_key=str(old))
    return link.post or link.comment


@pytest.fixture
def old_urls(import_gnuboard):
    import_gnuboard()
    first, reply = ids("post", 1), ids("comment", 12)
    picture = LegacyLink.objects.get(kind="file", old_key="2040713470_kx9.png").url
    editor = LegacyLink.objects.get(kind="editor", old_key="2301/ok.jpg").url
    return {
        "/bbs/board.php?bo_table=free": "/b/free/",
        "/bbs/board.php?bo_table=free&page=2": "/b/free/?page=2",
        "/bbs/board.php?bo_table=free&page=1&sca=%EC%9E%A1%EB%8B%B4": "/b/free/",
        "/bbs/board.php?bo_table=free&wr_id=1": f"/b/free/{first.pk}/",
        "/bbs/board.php?bo_table=free&wr_id=1&page=3&sfl=wr_subject&stx=x": f"/b/free/{first.pk}/",
        "/bbs/board.php?bo_table=free&wr_id=12": f"/b/free/{first.pk}/#c{reply.pk}",
        "/bbs/board.php?bo_table=notice&wr_id=1": f"/b/notice/{ids('post', 1, 'notice').pk}/",
        "/free": "/b/free/",
        "/free/": "/b/free/",
        "/free/1": f"/b/free/{first.pk}/",
        "/free/12": f"/b/free/{first.pk}/#c{reply.pk}",
        "/bbs/rss.php?bo_table=free": "/b/free/feed/",
        "/bbs/search.php?sfl=wr_subject%7C%7Cwr_content&stx=%EA%B0%95%ED%99%94%ED%95%99%EC%8A%B5": (
            "/search/?q=%EA%B0%95%ED%99%94%ED%95%99%EC%8A%B5&field=title_body"
        ),
        "/bbs/search.php?sfl=wr_subject&stx=GPU": "/search/?q=GPU&field=title",
        "/bbs/search.php": "/search/",
        "/data/file/free/2040713470_kx9.png": picture,
        "/data/editor/2301/ok.jpg": editor,
    }


def test_old_addresses_answer_with_a_permanent_redirect(old_urls, client):
    for old, new in old_urls.items():
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, new), old
        target = client.get(new.split("#")[0]) if not new.startswith("/media/") else None
        assert target is None or target.status_code == 200, new


def test_an_attachment_not_yet_moved_sends_readers_to_its_post_for_now(old_urls, client):
    response = client.get("/data/file/free/2040713471_pdf.pdf")
    assert (response.status_code, response["Location"]) == (302, f"/b/free/{ids('post', 1).pk}/")


@pytest.mark.parametrize(
    "old",
    [
        "/bbs/board.php?bo_table=gallery",  # its posts table was gone
        "/bbs/board.php?bo_table=free&wr_id=22",  # the comment whose post was gone
        "/bbs/board.php?bo_table=free&wr_id=abc",
        "/bbs/board.php",
        "/bbs/rss.php?bo_table=nosuch",
        "/nosuch",
        "/free/999",
        "/data/file/free/nosuch.png",
        "/data/editor/2301/gone.jpg",
    ],
)
def test_addresses_that_were_not_moved_are_not_found(old_urls, client, old):
    assert client.get(old).status_code == 404


def test_our_own_addresses_without_a_slash_still_get_one(old_urls, client):
    response = client.get("/search")
    assert (response.status_code, response["Location"]) == (301, "/search/")


def test_a_redirect_costs_one_query(old_urls, client, django_assert_max_num_queries):
    for old in ["/bbs/board.php?bo_table=free&wr_id=12", "/free/1", "/bbs/board.php?bo_table=free&page=4"]:
        with django_assert_max_num_queries(1):
            client.get(old)
