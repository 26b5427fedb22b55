"""Reading a Gnuboard5 database (MySQL or MariaDB) with PyMySQL.

Only SELECTs, in batches by primary key, so a site of any size is read in constant memory
and the source is never changed. Table names are the prefix plus Gnuboard's names; the
prefix and board ids are checked against Gnuboard's own character set before they are
put into SQL (values always go in as parameters).
"""

import re
from urllib.parse import parse_qs, unquote, urlsplit

import pymysql
import pymysql.cursors

NAME_RE = re.compile(r"^[A-Za-z0-9_]{1,40}$")
WRITE_COLUMNS = (
    "wr_id, wr_num, wr_reply, wr_parent, wr_is_comment, wr_comment, wr_comment_reply, ca_name, wr_option, "
    "wr_subject, wr_content, wr_link1, wr_hit, mb_id, wr_name, wr_datetime, wr_file, wr_seo_title"
)


class SourceError(Exception):
    """The source database cannot be read as a Gnuboard5 site (message in Korean)."""


def parse_url(url):
    """mysql://user:password@host:port/database[?charset=…&unix_socket=…] → connect() kwargs."""
    parts = urlsplit(url)
    if parts.scheme not in {"mysql", "mariadb"} or not parts.path.strip("/"):
        raise SourceError("--db 는 mysql://아이디:비밀번호@호스트:포트/데이터베이스 형식이어야 합니다.")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    kwargs = {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 3306,
        "user": unquote(parts.username or "root"),
        "password": unquote(parts.password or ""),
        "database": unquote(parts.path.strip("/")),
        "charset": query.get("charset", "utf8mb4"),
    }
    if query.get("unix_socket"):
        kwargs["unix_socket"] = query["unix_socket"]
    return kwargs


class Source:
    def __init__(self, url, prefix="g5_"):
        if not NAME_RE.match(prefix or "x"):
            raise SourceError(f"테이블 접두어 {prefix!r} 는 영문, 숫자, 밑줄만 쓸 수 있습니다.")
        self.prefix = prefix
        try:
            self.connection = pymysql.connect(
                **parse_url(url), cursorclass=pymysql.cursors.DictCursor, connect_timeout=10, autocommit=True
            )
        except pymysql.MySQLError as error:
            raise SourceError(f"그누보드 데이터베이스에 연결할 수 없습니다: {error}") from error
        self.tables = {row["name"] for row in self._all("SELECT table_name AS name FROM information_schema.tables "
                                                        "WHERE table_schema = DATABASE()")}  # fmt: skip
        for needed in ("board", "member"):
            if self.table(needed) not in self.tables:
                raise SourceError(f"{self.table(needed)} 테이블이 없습니다. --prefix 를 확인해 주세요.")

    def close(self):
        self.connection.close()

    def table(self, name):
        return f"{self.prefix}{name}"

    def has(self, name):
        return self.table(name) in self.tables

    def write_table(self, bo_table):
        if not NAME_RE.match(bo_table):
            raise SourceError(f"게시판 id {bo_table!r} 를 읽을 수 없습니다.")
        return self.table(f"write_{bo_table}")

    def _all(self, sql, params=()):
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def count(self, name, where="1=1", params=()):
        return self._all(f"SELECT COUNT(*) AS n FROM {self.table(name)} WHERE {where}", params)[0]["n"]  # noqa: S608

    def batches(self, name, key, batch_size, where="1=1", params=()):
        """Every row of a table in batches, by its integer primary key."""
        last = None
        while True:
            after = "" if last is None else f" AND {key} > %s"
            rows = self._all(
                f"SELECT * FROM {self.table(name)} WHERE ({where}){after} ORDER BY {key} LIMIT {int(batch_size)}",  # noqa: S608
                (*params, *(() if last is None else (last,))),
            )
            if not rows:
                return
            yield rows
            last = rows[-1][key]

    # --- What the importer reads -----------------------------------------------------------

    def boards(self):
        return self._all(f"SELECT * FROM {self.table('board')} ORDER BY bo_order, bo_table")  # noqa: S608

    def post_keys(self, bo_table):
        """(wr_id, wr_datetime, wr_num, wr_reply) of every post of a board: the plan's keys."""
        return self._all(
            f"SELECT wr_id, wr_datetime, wr_num, wr_reply FROM {self.write_table(bo_table)} "  # noqa: S608
            "WHERE wr_is_comment = 0 ORDER BY wr_id"
        )

    def comment_keys(self, bo_table):
        return self._all(
            f"SELECT wr_id, wr_parent, wr_comment, wr_comment_reply, wr_datetime FROM {self.write_table(bo_table)} "  # noqa: S608
            "WHERE wr_is_comment = 1 ORDER BY wr_id"
        )

    def writes(self, bo_table, ids):
        """Full rows of posts or comments by wr_id."""
        if not ids:
            return []
        marks = ", ".join(["%s"] * len(ids))
        return self._all(
            f"SELECT {WRITE_COLUMNS} FROM {self.write_table(bo_table)} WHERE wr_id IN ({marks})",  # noqa: S608
            list(ids),
        )

    def files(self, bo_table, ids):
        if not ids or not self.has("board_file"):
            return []
        marks = ", ".join(["%s"] * len(ids))
        return self._all(
            f"SELECT * FROM {self.table('board_file')} WHERE bo_table = %s AND wr_id IN ({marks}) "  # noqa: S608
            "ORDER BY wr_id, bf_no",
            [bo_table, *ids],
        )
