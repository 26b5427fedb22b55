"""A member's pages take their row from the cache (accounts/sessionmember.py), read with the
page: no query for them, and every write to the row shows on their next page."""

import pickle

import pytest
from django.contrib.auth import HASH_SESSION_KEY
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import messaging, sessionmember
from accounts import services as account_services
from accounts.models import User
from board import invalidation, pagecache
from board.services.points import award_points
from tests.conftest import member_client, page_text

LIST = "/b/ainews/"


def member_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return response, [q["sql"] for q in captured.captured_queries if 'FROM "accounts_user"' in q["sql"]]


@pytest.fixture
def bora(make_user, board):
    return make_user("bora", nickname="보라")


@pytest.fixture
def regular(bora):
    """Bora, logged in, whose pages have read her row twice: the process knows whose
    session it is, and her row is kept."""
    client = member_client(bora)
    client.get(LIST)
    client.get(LIST)
    return client


def test_a_members_next_pages_read_no_row_for_them(regular):
    for url in (LIST, "/", LIST):  # 홈 made for the first time, the list from the cache
        response, queries = member_queries(regular, url)
        assert response.status_code == 200
        assert "<strong>보라</strong>님" in response.content.decode()
        assert queries == []


def test_the_first_pages_of_a_session_read_the_row(bora, board):
    client = member_client(bora)
    assert member_queries(client, LIST)[1]  # whose session it is: not known yet
    assert member_queries(client, LIST)[1]  # known now: read once more, and kept
    assert member_queries(client, LIST)[1] == []


def rename(user):
    user.nickname = "새이름"
    account_services.save_member(user=user, changed_fields=["nickname"])


def message(user):
    messaging.send_message(sender=User.objects.exclude(pk=user.pk).first(), recipient=user, body="안녕하세요")


def ban(user):
    User.objects.filter(pk=user.pk).update(is_active=False)


@pytest.mark.parametrize(
    "write, shows",
    [
        (rename, "<strong>새이름</strong>님"),
        (
            lambda user: messaging.send_message(
                sender=User.objects.exclude(pk=user.pk).first(), recipient=user, body="안녕"
            ),
            "읽지 않은 쪽지",
        ),
        (ban, "로그인"),
    ],
    ids=["save", "update", "ban"],
)
def test_a_write_to_the_members_row_shows_on_their_next_page(
    regular, bora, author, write, shows, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        write(User.objects.get(pk=bora.pk))

    response, queries = member_queries(regular, LIST)

    assert shows in response.content.decode()
    assert queries  # read again, once


def test_points_moved_by_an_update_are_shown_at_once(regular, bora, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        award_points(member_id=bora.pk, amount=7, reason="test")
    regular.get(LIST)  # reads the row, keeps it

    response, queries = member_queries(regular, LIST)

    assert queries == []
    assert response.wsgi_request.user.points == 7


def test_a_password_changed_elsewhere_logs_the_session_out(regular, bora, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        account_services.change_password(user=User.objects.get(pk=bora.pk), password="another-horse-battery")

    text = page_text(regular.get(LIST))

    assert "로그인" in text and "보라" not in text
    assert "로그인" in page_text(regular.get(LIST))


def test_a_session_whose_hash_does_not_verify_is_logged_out_though_the_row_is_kept(regular):
    session = regular.session
    session[HASH_SESSION_KEY] = "0" * 64
    session.save()

    text = page_text(regular.get(LIST))

    assert "로그인" in text and "보라" not in text


def test_a_row_read_before_a_write_committed_is_never_used(regular, bora, django_capture_on_commit_callbacks):
    """A page that read the row just before a rename committed keeps it after the rename's
    version moved: it was kept under the version before, and is not used."""
    key, *version_keys = sessionmember.kept_row_keys(bora.pk)
    (versions, auth_hash, _), stale = cache.get(key), User.objects.get(pk=bora.pk)
    with django_capture_on_commit_callbacks(execute=True):
        rename(User.objects.get(pk=bora.pk))
    cache.set(key, (versions, auth_hash, stale), sessionmember.ROW_SECONDS)  # written back late

    assert "<strong>새이름</strong>님" in regular.get(LIST).content.decode()


def test_a_restore_or_an_import_retires_every_kept_row(regular, bora):
    """Rows written outside the ORM (a restore, SQL by hand before an import) move no
    member's version; they move the version every page depends on, which a kept row
    carries too."""
    invalidation.everything_changed()

    assert member_queries(regular, LIST)[1]


def test_no_password_hash_is_kept_in_the_cache(regular, bora):
    key, *_ = sessionmember.kept_row_keys(bora.pk)
    _, auth_hash, kept = cache.get(key)

    assert kept.password == "!" and not kept.has_usable_password()
    assert bora.password not in pickle.dumps(cache.get(key)).decode("latin-1")
    assert auth_hash == User.objects.get(pk=bora.pk).get_session_auth_hash()


def test_a_kept_row_serves_only_the_member_whose_session_it_is(regular, bora, make_user, board):
    """The process's guess at whose session it is reads that member's row; another
    member's session never gets it."""
    alice = make_user("alice", nickname="앨리스")
    as_alice = member_client(alice)
    as_alice.get(LIST)
    pagecache._member_of_session[as_alice.session.session_key] = bora.pk  # a wrong guess

    response = as_alice.get(LIST)

    assert "<strong>앨리스</strong>님" in response.content.decode()
    assert response.wsgi_request.user.pk == alice.pk


def test_a_lost_version_starts_again_and_the_row_is_kept_under_it(regular, bora):
    key, version_key, _ = sessionmember.kept_row_keys(bora.pk)
    cache.delete(version_key)

    assert member_queries(regular, LIST)[1]  # nothing to trust: read, and a version started
    assert cache.get(version_key) is not None and cache.get(key)[0][0] != cache.get(version_key)
    assert member_queries(regular, LIST)[1]  # read, and kept under it
    assert cache.get(key)[0][0] == cache.get(version_key)
    assert member_queries(regular, LIST)[1] == []
    assert invalidation.member_row_version(bora.pk) in version_key
