"""A kept PostgreSQL connection is checked before a request's first query without a round
trip (config/postgresql), and one the server has closed is still opened again; the
statements it runs again and again are prepared, planned once."""

import time

import pytest
from django.db import connection
from django.test import Client

from config.postgresql.base import TRUSTED_SECONDS

pytestmark = [
    pytest.mark.pg_redis,
    # Committed rows, as the other transactional tests keep them (serialized_rollback): a flush
    # without it would leave the next one to restore rows that exist already.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def start_request():
    # What Django does when a request starts with a kept connection: it is checked again.
    connection.close_if_unusable_or_obsolete()


def backend_pid():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def terminate(pid):
    import psycopg

    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        dbname=settings["NAME"],
        autocommit=True,
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
        # pg_terminate_backend only signals: the server has ended the connection once its
        # backend is gone (on a busy machine the check below could come first otherwise).
        for _ in range(500):
            if other.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone() is None:
                break
            time.sleep(0.01)
        else:
            pytest.fail(f"the server's backend {pid} did not end in 5 s")


def test_an_idle_healthy_connection_is_kept_without_asking_the_server(monkeypatch):
    pid = backend_pid()
    asked = []
    real_cursor = connection.connection.cursor
    monkeypatch.setattr(connection.connection, "cursor", lambda *a, **k: asked.append(1) or real_cursor(*a, **k))
    start_request()
    connection.close_if_health_check_failed()
    assert asked == []  # no SELECT 1
    monkeypatch.undo()
    assert backend_pid() == pid


def test_a_connection_not_checked_for_a_while_is_asked_again(monkeypatch):
    backend_pid()
    connection.checked_at -= TRUSTED_SECONDS + 1  # a host that rebooted would tell nothing
    asked = []
    real_cursor = connection.connection.cursor
    monkeypatch.setattr(connection.connection, "cursor", lambda *a, **k: asked.append(1) or real_cursor(*a, **k))
    start_request()
    connection.close_if_health_check_failed()
    assert asked == [1]  # SELECT 1


def test_a_connection_the_server_ended_is_opened_again_before_the_request(board):
    pid = backend_pid()
    terminate(pid)
    start_request()
    response = Client().get("/b/ainews/")  # reads the database: not a 500
    assert response.status_code == 200
    assert "AI 뉴스" in response.content.decode()
    assert backend_pid() != pid


def test_a_lookup_every_request_makes_is_prepared_on_its_connection(make_user):
    member = make_user()
    reader = Client()
    reader.force_login(member)
    # 마이메뉴 is the member's own page: Django's path reads their row on every request
    # (a page members share takes it from the cache, accounts/sessionmember.py).
    for _ in range(6):
        assert reader.get("/accounts/me/").status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('FROM "accounts_user"' in statement for statement in prepared), prepared


def test_a_view_counted_in_the_database_commits_without_waiting_for_the_disk(make_post):
    from django.db import transaction

    from board import viewcounts

    post = make_post()
    # On its own (autocommit, as when Redis is down): one statement, which a prepared
    # statement allows, where "SET LOCAL …; UPDATE …" was refused.
    assert viewcounts._count_in_database(post.pk) == post.view_count + 1
    with transaction.atomic():
        assert viewcounts._count_in_database(post.pk) == post.view_count + 2
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone()[0] == "off"  # for this transaction only
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"
