"""Gnuboard5-shaped MariaDB databases for the importer's tests and benchmark.

Each database has a name of its own (`g5test_h17_` + random letters) so parallel runs
never meet, and is dropped afterwards. Sessions use sql_mode='' as Gnuboard itself does,
so rows may leave columns out and `0000-00-00` dates go in as they do on real sites.
Password hashes are made here with hashlib and MariaDB, independently of accounts/hashers.py.
"""

import base64
import hashlib
import os
import secrets
from pathlib import Path

import pymysql

SCHEMA = Path(__file__).with_name("schema.sql")
HOST = os.environ.get("GNUBOARD_TEST_HOST", "127.0.0.1")
PORT = int(os.environ.get("GNUBOARD_TEST_PORT", "3306"))
USER = os.environ.get("GNUBOARD_TEST_USER", "root")
PASSWORD = os.environ.get("GNUBOARD_TEST_PASSWORD", "")
NAME_PREFIX = os.environ.get("GNUBOARD_TEST_DB_PREFIX", "g5test_h17_")


def server_connection(database=None):
    return pymysql.connect(
        host=HOST, port=PORT, user=USER, password=PASSWORD, database=database, charset="utf8mb4", connect_timeout=3,
        autocommit=True,
    )  # fmt: skip


def available():
    """(True, "") when MariaDB answers, else (False, why)."""
    try:
        server_connection().close()
    except pymysql.MySQLError as error:
        return False, str(error)
    return True, ""


def gnuboard_pbkdf2(password, salt=None, iterations=12000, length=24, digest="sha256"):
    """Gnuboard5's create_hash(): the base64 salt text is the PBKDF2 salt as it is."""
    salt = salt or base64.b64encode(secrets.token_bytes(24)).decode()
    key = hashlib.pbkdf2_hmac(digest, password.encode(), salt.encode(), iterations, length)
    return f"{digest}:{iterations}:{salt}:{base64.b64encode(key).decode()}"


def write_table_ddl(prefix, bo_table):
    text = SCHEMA.read_text()
    ddl = text.split("-- WRITE TABLE", 1)[1].replace("{prefix}", prefix).replace("{bo_table}", bo_table)
    return ddl.strip().rstrip(";")


class GnuboardSite:
    def __init__(self, prefix="g5_", name=None):
        self.prefix = prefix
        self.name = name or NAME_PREFIX + secrets.token_hex(4)
        with server_connection() as connection, connection.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE `{self.name}` CHARACTER SET utf8mb4")
        self.connection = server_connection(self.name)
        try:
            self.execute("SET SESSION sql_mode = ''")
            shared = SCHEMA.read_text().split("-- WRITE TABLE", 1)[0].replace("{prefix}", prefix)
            for statement in shared.split(";"):
                body = "\n".join(line for line in statement.splitlines() if not line.strip().startswith("--"))
                if body.strip():
                    self.execute(body)
        except Exception:
            self.drop()
            raise

    @property
    def url(self):
        password = f":{PASSWORD}" if PASSWORD else ""
        return f"mysql://{USER}{password}@{HOST}:{PORT}/{self.name}"

    def execute(self, sql, params=None):
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.lastrowid

    def scalar(self, sql, params=None):
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]

    def insert(self, table, rows):
        """INSERT rows (dicts with the same keys) into prefix+table; returns the last id."""
        rows = list(rows)
        if not rows:
            return None
        columns = list(rows[0])
        marks = ", ".join(["%s"] * len(columns))
        names = ", ".join(f"`{column}`" for column in columns)
        with self.connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO `{self.prefix}{table}` ({names}) VALUES ({marks})",  # noqa: S608
                [[row[column] for column in columns] for row in rows],
            )
            return cursor.lastrowid

    def add_board(self, bo_table, *, write_table=True, **fields):
        self.insert("board", [{"bo_table": bo_table, "bo_subject": bo_table, "bo_page_rows": 15, **fields}])
        if write_table:
            self.execute(write_table_ddl(self.prefix, bo_table))

    def mysql_password(self, password):
        return self.scalar("SELECT PASSWORD(%s)", [password])

    def mysql_old_password(self, password):
        return self.scalar("SELECT OLD_PASSWORD(%s)", [password])

    def drop(self):
        self.connection.close()
        with server_connection() as connection, connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS `{self.name}`")
