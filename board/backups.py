"""Backing up and restoring the database while the site serves (`manage.py backup`,
`manage.py restore`; the procedure is in docs/deploy.md).

Backup. SQLite: the online backup API in one step, which copies every page inside one read
transaction. In WAL mode writers go on beside it and it never starts over; copied a few
pages per step (as before), it restarted whenever another connection wrote, so on a busy
site it never finished (issue 13: not done after 100 s on a 435 MB database with 2 writes
a second; measured here: 117 s, while one step takes 1.0 s). It is also a little faster
than `VACUUM INTO` (1.0 against 1.1 s at 435 MB, 2.8 against 4.2–5.0 s at 1.4 GB) and its
cost does not grow with the number of indexes it would rebuild. PostgreSQL: `pg_dump -Fc`,
which reads one snapshot. Either way the copy is written under a hidden temporary name
beside the target, checked (`PRAGMA quick_check`, `pg_restore --list`), flushed to the disk
and only then renamed to the target: a backup that fails or is killed leaves nothing at the
target path, and an older backup there stays as it was. The media files are not in it.

Restore. SQLite: the same backup API the other way, into the live database, so running
workers see the old or the new database and nothing in between. PostgreSQL: `pg_restore
--clean --if-exists` in one transaction into the configured database (all or nothing).
Then what is kept outside the database and derived from it is dropped: the page cache and
cached menu and sidebar (new versions), and the view totals in Redis, which would otherwise
be written back over the restored numbers or inherited by a new post that gets the id of
a post the restore removed.
"""

import fcntl
import logging
import os
import sqlite3
import subprocess
from pathlib import Path

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection

from . import invalidation, viewcounts

logger = logging.getLogger(__name__)


class BackupError(Exception):
    """A backup or restore that could not be made; the message is for the operator."""


class CachesNotCleared(Exception):
    """The database was restored, but the derived state could not be dropped (Redis away)."""


# --- Backup ------------------------------------------------------------------------------


def write_backup(target):
    """A consistent copy of the database at `target` (a Path), or BackupError; nothing is
    left at `target` or beside it when it fails. One backup at a time per folder."""
    target = Path(target).absolute()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.part")
    folder = os.open(target.parent, os.O_RDONLY)
    try:
        try:
            fcntl.flock(folder, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BackupError(f"{target.parent}: 이 폴더에 다른 백업을 만드는 중입니다.") from None
        # What a killed run left (the copy and its journal): ours to replace, under the lock.
        for stale in target.parent.glob(f"{partial.name}*"):
            stale.unlink()
        _flush_view_counts()
        try:
            if connection.vendor == "sqlite":
                _copy_sqlite(partial)
            else:
                _dump_postgresql(partial)
            _sync(partial)
            os.replace(partial, target)
            os.fsync(folder)  # the rename is durable only once the folder is
        except BaseException as error:
            for part in target.parent.glob(f"{partial.name}*"):
                part.unlink()
            if isinstance(error, OSError | sqlite3.Error):
                raise BackupError(f"백업을 만들지 못했습니다 ({target}): {error}") from error
            raise
    finally:
        os.close(folder)
    return target


def _flush_view_counts():
    """Redis' running view totals into the database, so the copy has them; a backup is
    still worth having without them (Redis away), so a failure is only a warning."""
    try:
        viewcounts.flush()
    except Exception as error:  # noqa: BLE001
        logger.warning("View counts not flushed before the backup: %s", error)


def _copy_sqlite(path):
    connection.ensure_connection()
    copy = sqlite3.connect(path)
    try:
        connection.connection.backup(copy, pages=-1)  # every page in one step
        # One self-contained file (the copy took the live database's WAL mode with it).
        copy.execute("PRAGMA journal_mode=DELETE")
    finally:
        copy.close()
    _check_sqlite(path)


def _check_sqlite(path):
    try:
        copy = _open_read_only(path)
        try:
            result = copy.execute("PRAGMA quick_check").fetchone()[0]
            tables = {row[0] for row in copy.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            copy.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path}: SQLite 데이터베이스가 아닙니다 ({error}).") from error
    if result != "ok":
        raise BackupError(f"{path}: 검사에 실패했습니다 ({result}).")
    if not {"django_migrations", "board_post"} <= tables:
        raise BackupError(f"{path}: 이 사이트의 데이터베이스가 아닙니다.")


def _open_read_only(path):
    """Opened so that nothing is written to the backup, not even a journal."""
    return sqlite3.connect(f"{Path(path).absolute().as_uri()}?mode=ro", uri=True)


def _dump_postgresql(path):
    _run_pg(["pg_dump", "-Fc", "-f", str(path), *_pg_connection_args()], "pg_dump")
    _run_pg(["pg_restore", "--list", str(path)], "pg_restore --list")


def _pg_connection_args():
    settings = connection.settings_dict
    host, port = settings["HOST"] or "localhost", str(settings["PORT"] or 5432)
    return ["-h", host, "-p", port, "-U", settings["USER"] or "postgres", "--dbname", settings["NAME"]]


def _run_pg(command, what):
    env = dict(os.environ)
    if connection.settings_dict["PASSWORD"]:
        env["PGPASSWORD"] = connection.settings_dict["PASSWORD"]
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)  # noqa: S603
    if result.returncode:
        raise BackupError(f"{what} 실패 (종료 코드 {result.returncode}): {result.stderr.strip()[-2000:]}")
    return result


def _sync(path):
    """Flush a file to the disk (VACUUM INTO and pg_dump's -Fc file may not have)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --- Restore -----------------------------------------------------------------------------


def restore_backup(source):
    """Replace the database with the backup at `source`, then forget the derived state.
    The file is checked first; on PostgreSQL the restore is one transaction, so a failure
    leaves the database as it was."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"{source}: 파일이 없습니다.")
    if connection.vendor == "sqlite":
        _restore_sqlite(source)
    else:
        _restore_postgresql(source)
    try:
        return forget_derived_state()
    except Exception as error:
        raise CachesNotCleared(str(error)) from error


def _restore_sqlite(source):
    _check_sqlite(source)
    connection.ensure_connection()
    backup = _open_read_only(source)
    try:
        # Into the live database through SQLite's own locking (the busy timeout applies),
        # never by copying the file over it: workers with the file open would go on
        # reading the old one, and its -wal file would be applied to the new one.
        backup.backup(connection.connection, pages=-1)
    except sqlite3.Error as error:
        raise BackupError(f"복원하지 못했습니다: {error}") from error
    finally:
        backup.close()
    connection.close()  # the next query opens the restored database afresh


def _restore_postgresql(source):
    _run_pg(["pg_restore", "--list", str(source)], "pg_restore --list")
    connection.close()  # holds no lock, but nothing of ours should see the tables go
    _run_pg(
        [
            "pg_restore",
            # Drop what the dump holds before creating it again; IF EXISTS, or a fresh
            # database answers each DROP with an error (exit 1, 142 errors, issue 13).
            "--clean",
            "--if-exists",
            "--single-transaction",  # all or nothing
            "--exit-on-error",
            "--no-owner",
            "--no-privileges",
            *_pg_connection_args(),
            str(source),
        ],
        "pg_restore",
    )
    # The dump carries each sequence's value; this is for dumps made by hand without them:
    # every sequence is moved past the highest id restored, so a new row never collides.
    statements = connection.ops.sequence_reset_sql(no_style(), apps.get_models(include_auto_created=True))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def forget_derived_state():
    """What lives outside the database and was made from it: cached pages, menu and
    sidebar, and Redis' view totals (dropped, not flushed: the restored numbers are the
    truth now)."""
    invalidation.board_changed()
    invalidation.everything_changed()
    return viewcounts.forget_totals()
