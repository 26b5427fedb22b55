import io
import sqlite3
import subprocess

import pytest
from django.core.management import call_command
from django.db import connection

from board import services
from board.models import Comment, Post, PostVote


# Committed rows, so pg_dump (another connection) sees them; serialized_rollback puts the
# data migrations' rows (the 운영진 group) back afterwards for the tests that follow.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_backup_is_a_consistent_copy_with_the_same_rows(make_post, make_comment, make_user, tmp_path):
    for i in range(5):
        post = make_post(title=f"백업 글 {i}")
        make_comment(post)
        services.cast_vote(user=make_user(), post=post, value=1)
    target = tmp_path / ("copy.sqlite3" if connection.vendor == "sqlite" else "copy.dump")

    out = io.StringIO()
    call_command("backup", str(target), stdout=out)

    assert "백업을 만들었습니다" in out.getvalue()
    expected = {"board_post": Post.objects.count(), "board_comment": Comment.objects.count()}
    expected["board_postvote"] = PostVote.objects.count()
    if connection.vendor == "sqlite":
        with sqlite3.connect(target) as copy:
            assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            restored = {table: copy.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] for table in expected}  # noqa: S608
    else:
        listing = subprocess.run(["pg_restore", "--list", str(target)], capture_output=True, text=True, check=True)
        assert all(f"TABLE DATA public {table}" in listing.stdout for table in expected)
        data = subprocess.run(["pg_restore", "--data-only", "-f", "-", str(target)], capture_output=True, text=True)
        restored = {
            table: len(data.stdout.split(f"COPY public.{table} ")[1].split("\n\\.\n")[0].splitlines()) - 1
            for table in expected
        }
    assert restored == expected
    assert expected["board_post"] == 5
