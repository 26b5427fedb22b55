"""import_gnuboard's run: boards, members, posts, comments, votes, what is kept for later,
then counters, the search index and cached pages rebuilt.

Every step skips what a LegacyLink (or LegacyRecord) says is already here, so a second
run imports nothing twice and a run stopped midway goes on where it stopped.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from accounts.hashers import to_django_password
from accounts.models import User
from board import invalidation, search, services
from board.models import Board, LegacyLink, LegacyRecord, PostVote

from . import writer
from .comments import Comments
from .files import Files
from .pipeline import Converter
from .posts import Posts
from .reader import SourceError
from .report import Report
from .transforms import ADMIN_LEVEL, UniqueNames, board_extras, board_fields, kst, member_states, notice_ids, one_line

PASSWORD_KINDS = {
    "pbkdf2": "비밀번호: 그누보드 PBKDF2 (첫 로그인 때 새 방식으로 바뀜)",
    "mysql": "비밀번호: MySQL PASSWORD() (첫 로그인 때 새 방식으로 바뀜)",
    "mysql_old": "비밀번호: MySQL OLD_PASSWORD() (첫 로그인 때 새 방식으로 바뀜)",
    "": "비밀번호: 없거나 알 수 없는 형식 → 비밀번호 찾기로 다시 정해야 함",
}


@dataclass
class BoardPlan:
    key: str  # bo_table
    board: Board
    notices: set = field(default_factory=set)


class Importer:
    def __init__(self, source, *, data_dir=None, boards=None, dry_run=False, batch_size=1000, workers=0, out=None):
        self.source = source
        self.data_dir = data_dir
        self.selected = boards
        self.dry_run = dry_run
        self.batch_size = batch_size
        self.workers = workers
        self.report = Report(out)
        self.users = {}

    def run(self):
        """Import everything; returns the report's text. A dry run does it all in one
        transaction that is rolled back (pictures are checked, not stored)."""
        if not self.dry_run:
            self._run()
            return self.report.render()
        with transaction.atomic():
            self._run()
            text = self.report.render(dry_run=True)
            transaction.set_rollback(True)
        return text

    def _run(self):
        self.files = Files(self.data_dir, dry_run=self.dry_run)
        if not self.data_dir:
            self.report.say("--data 없음: 첨부파일과 에디터 이미지는 '없는 파일'로 보고됩니다.")
        boards = self.import_boards()
        self.import_members()
        with Converter(self.workers) as self.converter:
            Posts(self, boards).run_all()
            Comments(self, boards).run_all()
        self.import_votes(boards)
        self.keep_for_later(boards)
        self.finish()

    # --- Boards and members ------------------------------------------------------------------

    def import_boards(self):
        rows = self.source.boards()
        known = {row["bo_table"] for row in rows}
        if self.selected:
            unknown = sorted(set(self.selected) - known)
            if unknown:
                raise SourceError(f"없는 게시판: {', '.join(unknown)} (있는 게시판: {', '.join(sorted(known))})")
            rows = [row for row in rows if row["bo_table"] in self.selected]
        links = dict(LegacyLink.objects.filter(kind=LegacyLink.BOARD).values_list("old_key", "board_id"))
        plans = []
        for row in rows:
            key = row["bo_table"]
            self.report.read("게시판")
            if not self.source.has(f"write_{key}"):
                self.report.skip("게시판", "글 테이블 없음")
                continue
            if key in links:
                self.report.skip("게시판", "이미 가져옴")
                board = Board.objects.get(pk=links[key])
            else:
                board = Board.objects.filter(slug=key).first()
                if board is not None:
                    self.report.note("게시판", "같은 주소의 게시판이 있어 그 게시판에 합침")
                else:
                    board = Board(slug=key, **board_fields(row))
                link = LegacyLink(kind=LegacyLink.BOARD, board_key=key, old_key=key, data=board_extras(row))
                writer.write_boards(board, link)
                self.report.imported("게시판")
            plans.append(BoardPlan(key, board, notice_ids(row)))
        return plans

    def import_members(self):
        report = self.report
        self.users = {old: pk for old, pk in LegacyLink.objects.ids_by_key(LegacyLink.MEMBER).items()}
        taken = User.objects.values_list("username", "nickname", "email")
        usernames = UniqueNames([row[0] for row in taken], 150, "_")
        nicknames = UniqueNames([row[1] for row in taken], 20)
        emails = {row[2].lower() for row in taken if row[2]}
        total, done = self.source.count("member"), 0
        for rows in self.source.batches("member", "mb_no", self.batch_size):
            users, links, staff = [], [], []
            for row in rows:
                report.read("회원")
                mb_id = one_line(row.get("mb_id"), 150)
                if not mb_id:
                    report.skip("회원", "아이디 없음")
                    continue
                if mb_id in self.users:
                    report.skip("회원", "이미 가져옴")
                    continue
                user, renamed = self.member(row, mb_id, usernames, nicknames, emails)
                data = {"level": int(row.get("mb_level") or 0), "point": int(row.get("mb_point") or 0)}
                if renamed:
                    data["renamed"] = renamed
                users.append(user)
                links.append(LegacyLink(kind=LegacyLink.MEMBER, old_key=mb_id, user=user, data=data))
                if user.is_staff:
                    staff.append(user)
            writer.write_members(users, links, staff=staff)
            self.users.update((link.old_key, link.user.pk) for link in links)
            report.imported("회원", len(users))
            done += len(rows)
            report.progress("회원", done, total)

    def member(self, row, mb_id, usernames, nicknames, emails):
        report, renamed = self.report, {}
        username = usernames.claim(mb_id)
        if username != mb_id:
            renamed["username"] = mb_id
            report.note("회원", "아이디가 이미 있어 바꿈")
        original = one_line(row.get("mb_nick"), 100)
        nickname = nicknames.claim(original or mb_id)
        if nickname != original:
            renamed["nickname"] = original
            report.note("회원", "닉네임이 겹치거나 길어 바꿈")
        email = one_line(row.get("mb_email"), 254)
        if email and email.lower() in emails:
            report.note("회원", "이메일이 다른 회원과 같아 비움")
            email = ""
        emails.add(email.lower())
        password, kind = to_django_password(row.get("mb_password"))
        report.note("회원", PASSWORD_KINDS[kind])
        active, left, banned = member_states(row)
        report.note("회원", "탈퇴 회원(로그인 불가, 글은 '탈퇴한 회원')", int(left is not None))
        report.note("회원", "차단 회원(로그인 불가)", int(banned and left is None))
        level = int(row.get("mb_level") or 0)
        report.note("회원", "레벨 10 → 운영진", int(level >= ADMIN_LEVEL))
        user = User(
            username=username,
            nickname=nickname,
            email=email,
            password=password or make_password(None),
            is_active=active,
            is_staff=level >= ADMIN_LEVEL,
            date_joined=kst(row.get("mb_datetime")) or timezone.now(),
            last_login=kst(row.get("mb_today_login")),
            withdrawn_at=left,
        )
        return user, renamed

    # --- Votes and what has no place here yet --------------------------------------------------

    def import_votes(self, boards):
        if not self.source.has("board_good"):
            return
        report, keys = self.report, [board.key for board in boards]
        if not keys:
            return
        posts, comments = {}, set()
        for key in keys:
            links = LegacyLink.objects.of_board(key)
            posts.update(((key, old), pk) for old, pk in links.filter(kind="post").values_list("old_key", "post_id"))
            comments.update((key, old) for old in links.filter(kind="comment").values_list("old_key", flat=True))
        marks = ", ".join(["%s"] * len(keys))
        where = f"bo_table IN ({marks})"
        total, done = self.source.count("board_good", where, keys), 0
        for rows in self.source.batches("board_good", "bg_id", self.batch_size, where, keys):
            wanted = {posts.get((row["bo_table"], str(row["wr_id"]))) for row in rows} - {None}
            have = set(PostVote.objects.filter(post_id__in=wanted).values_list("post_id", "user_id"))
            votes = []
            for row in rows:
                report.read("추천")
                place = (row["bo_table"], str(row["wr_id"]))
                post, user = posts.get(place), self.users.get(row.get("mb_id") or "")
                flag = (row.get("bg_flag") or "").strip()
                reason = (
                    "댓글 추천(이 사이트에는 없음)" if post is None and place in comments
                    else "글이 없음" if post is None
                    else "회원이 없음" if user is None
                    else "알 수 없는 값" if flag not in {"good", "nogood"}
                    else "이미 있음" if (post, user) in have
                    else ""
                )  # fmt: skip
                if reason:
                    report.skip("추천", reason)
                    continue
                have.add((post, user))
                value = PostVote.UP if flag == "good" else PostVote.DOWN
                created = kst(row.get("bg_datetime")) or timezone.now()
                votes.append(PostVote(post_id=post, user_id=user, value=value, created_at=created))
            writer.write_votes(votes)
            report.imported("추천", len(votes))
            done += len(rows)
            report.progress("추천", done, total)

    def keep_for_later(self, boards):
        """스크랩, 쪽지 and 포인트 rows as they are, with ids translated, for the import of
        the features that will show them (LegacyRecord)."""
        keys = [board.key for board in boards]
        post_ids = {}
        for key in keys:
            for old, pk in LegacyLink.objects.ids_by_key(LegacyLink.POST, key).items():
                post_ids[(key, old)] = pk
        user = self.users.get
        tables = [
            ("scrap", "ms_id", LegacyRecord.SCRAP, "스크랩"),
            ("memo", "me_id", LegacyRecord.MEMO, "쪽지"),
            ("point", "po_id", LegacyRecord.POINT, "포인트"),
        ]
        for table, key_column, kind, label in tables:
            if not self.source.has(table):
                continue
            done = {old for old in LegacyRecord.objects.filter(kind=kind).values_list("old_key", flat=True)}
            total, seen = self.source.count(table), 0
            for rows in self.source.batches(table, key_column, self.batch_size):
                records = []
                for row in rows:
                    self.report.read(label)
                    old = str(row[key_column])
                    board_key = row.get("bo_table") or ""
                    if kind == LegacyRecord.SCRAP and board_key not in keys:
                        self.report.skip(label, "가져오지 않은 게시판")
                        continue
                    if old in done:
                        self.report.skip(label, "이미 보관함")
                        continue
                    # Addresses (…_ip) are not kept: nothing here will need them.
                    data = {name: _plain(value) for name, value in row.items() if not name.endswith("_ip")}
                    for column in ("mb_id", "me_recv_mb_id", "me_send_mb_id"):
                        if column in row:
                            data[f"{column}__user_id"] = user(row[column] or "")
                    if kind == LegacyRecord.SCRAP:
                        data["post_id"] = post_ids.get((board_key, str(row.get("wr_id"))))
                    records.append(LegacyRecord(kind=kind, board_key=board_key, old_key=old, data=data))
                writer.write_records(records)
                self.report.imported(label, len(records))
                seen += len(rows)
                self.report.progress(label, seen, total)

    # --- The end -------------------------------------------------------------------------------

    def finish(self):
        """Counters from the rows (votes decide 추천/비추천), then the search index merged,
        statistics for the planner, and every cached page and menu dropped."""
        self.report.say("카운터 다시 계산 중…")
        services.recount_counters()
        if self.dry_run:
            return
        search.optimise()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        invalidation.board_changed()
        invalidation.everything_changed()


def _plain(value):
    """A JSON-ready value: datetimes as KST ISO text (None when empty), bytes as text."""
    if hasattr(value, "isoformat") or (isinstance(value, str) and value.startswith("0000-00-00")):
        moment = kst(value)
        return moment.isoformat() if moment else None
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, set):
        return sorted(value)
    if isinstance(value, Decimal):
        return str(value)
    return value
