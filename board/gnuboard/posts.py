"""Posts of the selected boards with their pictures and attachments.

All boards' posts go in together, in order of creation: ids here follow time, which the
lists and search rely on (docs/search.md). The plan is made from the posts' keys alone;
the full rows are read a batch at a time.
"""

import html
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from board.models import LegacyLink, LegacyRecord, Post

from . import writer
from .bodies import image_sources
from .files import Problem, data_path
from .pipeline import TEXT, body_format, convert_post
from .transforms import fill_missing, kst, nearest, one_line, source_url


@dataclass
class PostDraft:
    post: Post
    link: LegacyLink
    pictures: list = field(default_factory=list)  # Stored copies that need a PostImage
    file_links: list = field(default_factory=list)
    records: list = field(default_factory=list)
    grams: tuple = ("", "")


def options_of(row):
    value = row.get("wr_option")
    return value if isinstance(value, set) else set(str(value or "").split(","))


def author_of(run, kind, row):
    """(author id, guest name): a guest's own name; a member who is gone reads as withdrawn."""
    mb_id = (row.get("mb_id") or "").strip()
    if not mb_id:
        run.report.note(kind, "비회원 글쓴이(이름만 남김)")
        return None, one_line(row.get("wr_name"), 50) or "손님"
    author = run.users.get(mb_id)
    if author is None:
        run.report.note(kind, "글쓴이가 회원 목록에 없음 → 탈퇴한 회원")
    return author, ""


class Posts:
    def __init__(self, run, boards):
        self.run = run
        self.boards = boards
        self.keys = {}

    def run_all(self):
        plan = self.plan()
        batches = [plan[i : i + self.run.batch_size] for i in range(0, len(plan), self.run.batch_size)]
        self.done, self.total = 0, len(plan)
        self.run.report.progress("글", 0, self.total)
        self.run.converter.pipelined(batches, self.prepare, convert_post, self.finish)
        self.link_answers()

    def plan(self):
        report, entries, now = self.run.report, [], timezone.now()
        for order, board in enumerate(self.boards):
            keys = self.run.source.post_keys(board.key)
            self.keys[board.key] = keys
            dates, missing = fill_missing([kst(key["wr_datetime"]) for key in keys])
            report.note("글", "작성일 없음 → 앞 글의 날짜", missing)
            done = LegacyLink.objects.ids_by_key(LegacyLink.POST, board.key)
            for key, created in zip(keys, dates, strict=True):
                report.read("글")
                if str(key["wr_id"]) in done:
                    report.skip("글", "이미 가져옴")
                    continue
                entries.append((created or now, order, key["wr_id"], board))
        entries.sort(key=lambda entry: entry[:3])
        return entries

    def prepare(self, batch):
        source, ids = self.run.source, defaultdict(list)
        for _, _, wr_id, board in batch:
            ids[board.key].append(wr_id)
        rows, attachments = {}, defaultdict(list)
        for key, wanted in ids.items():
            for row in source.writes(key, wanted):
                rows[(key, row["wr_id"])] = row
            for row in source.files(key, wanted):
                attachments[(key, row["wr_id"])].append(row)
        drafts, jobs = [], []
        for created, _, wr_id, board in batch:
            row = rows.get((board.key, wr_id))
            if row is None or row["wr_is_comment"]:
                self.run.report.skip("글", "읽는 사이 지워짐")
                continue
            draft, job = self.draft(board, row, created, attachments[(board.key, wr_id)])
            drafts.append(draft)
            jobs.append(job)
        return drafts, jobs

    def draft(self, board, row, created, attachments):
        report = self.run.report
        options = options_of(row)
        author, guest = author_of(self.run, "글", row)
        secret = "secret" in options
        notice = row["wr_id"] in board.notices
        report.note("글", "비밀글 → 숨김(운영진만 봄)", int(secret))
        report.note("글", "공지", int(notice))
        report.note("글", "답변글", int(bool(row.get("wr_reply"))))
        title = one_line(row.get("wr_subject"), 200) or "(제목 없음)"
        kind = body_format(options)
        content = row.get("wr_content") or ""
        post = Post(
            board_id=board.board.pk,
            author_id=author,
            guest_name=guest,
            title=title,
            created_at=created,
            view_count=max(0, int(row.get("wr_hit") or 0)),
            source_url=source_url(row.get("wr_link1")),
            is_notice=notice,
            is_hidden=secret,
        )
        data = {"category": row.get("ca_name") or "", "secret": secret, "seo_title": row.get("wr_seo_title") or ""}
        link = LegacyLink(
            kind=LegacyLink.POST,
            board_key=board.key,
            old_key=str(row["wr_id"]),
            data={k: v for k, v in data.items() if v},
        )
        draft = PostDraft(post=post, link=link)
        above = self.attachments(draft, board.key, row["wr_id"], attachments)
        image_urls = {} if kind == TEXT else self.body_images(draft, board.key, row["wr_id"], content)
        first = next((stored for stored in draft.pictures if stored.thumbnail), None)
        post.thumbnail_url = first.thumbnail_url if first else ""
        return draft, (kind, content, image_urls, above, title)

    def attachments(self, draft, key, wr_id, rows):
        """Pictures to show above the text; other files (and refused pictures) recorded for later."""
        report, files, above = self.run.report, self.run.files, []
        for row in rows:
            report.read("첨부파일")
            name = row.get("bf_file") or ""
            relative = f"file/{key}/{name}"
            original = one_line(row.get("bf_source"), 255) or name
            url, keep_for_later = "", True
            if files.attachment_is_picture(row):
                result = files.picture(relative, original)
                if isinstance(result, Problem):
                    self.problem(draft, key, wr_id, result, "첨부파일")
                    keep_for_later = result.kind == "rejected"
                else:
                    url, keep_for_later = result.url, False
                    above.append((original.replace("[", " ").replace("]", " "), url))
                    self.claim(draft, result)
                    report.imported("첨부파일")
            elif files.locate(relative) is None:
                self.problem(draft, key, wr_id, Problem("missing", relative, "파일 없음"), "첨부파일")
            if keep_for_later:
                report.note("첨부파일", "나중에 옮길 자료로 보관(이미지가 아니거나 거부된 이미지)")
                facts = {
                    "wr_id": wr_id,
                    "bf_no": row.get("bf_no"),
                    "source": original,
                    "file": name,
                    "path": relative,
                    "size": row.get("bf_filesize"),
                    "downloads": row.get("bf_download"),
                    "exists": files.locate(relative) is not None,
                    "uploaded_at": (kst(row.get("bf_datetime")) or draft.post.created_at).isoformat(),
                }
                old_key = f"{wr_id}/{row.get('bf_no')}"
                draft.records.append(
                    LegacyRecord(kind=LegacyRecord.ATTACHMENT, board_key=key, old_key=old_key, data=facts)
                )
            draft.file_links.append(LegacyLink(kind=LegacyLink.FILE, board_key=key, old_key=name[:255], url=url))
        return above

    def body_images(self, draft, key, wr_id, content):
        """Copies of the editor's pictures (and inline attachments) the body shows: {src: url}."""
        report, urls = self.run.report, {}
        for src in map(html.unescape, image_sources(content)):
            relative = data_path(src)
            if relative is None or src in urls:
                continue
            report.read("에디터 이미지")
            result = self.run.files.picture(relative)
            if isinstance(result, Problem):
                urls[src] = ""
                self.problem(draft, key, wr_id, result, "에디터 이미지")
                continue
            urls[src] = result.url
            if self.claim(draft, result):
                report.imported("에디터 이미지")
                if relative.startswith("editor/"):
                    old = relative.removeprefix("editor/")
                    draft.file_links.append(LegacyLink(kind=LegacyLink.EDITOR_IMAGE, old_key=old, url=result.url))
            else:
                report.note("에디터 이미지", "다른 글과 같은 파일(한 번만 복사)")
        return urls

    @staticmethod
    def claim(draft, stored):
        """The first post to use a new copy gets its PostImage."""
        if not stored.new:
            return False
        stored.new = False
        draft.pictures.append(stored)
        return True

    def problem(self, draft, key, wr_id, problem, kind):
        label = "파일 없음" if problem.kind == "missing" else "이미지 검사 실패 → 나중에 옮길 자료로 보관"
        self.run.report.note(kind, label)
        record_kind = LegacyRecord.MISSING_FILE if problem.kind == "missing" else LegacyRecord.REJECTED_FILE
        data = {"wr_id": wr_id, "path": problem.path, "reason": problem.reason}
        draft.records.append(LegacyRecord(kind=record_kind, board_key=key, old_key=problem.path[:255], data=data))

    def finish(self, drafts, results):
        for draft, (markdown, body_html, excerpt, changes, title_grams, body_grams) in zip(
            drafts, results, strict=True
        ):
            post = draft.post
            post.body, post.body_html, post.excerpt = markdown, body_html, excerpt
            draft.grams = (title_grams, body_grams)
            self.run.report.body_changes(changes)
        writer.write_posts(drafts)
        self.run.report.imported("글", len(drafts))
        self.done += len(drafts)
        self.run.report.progress("글", self.done, self.total)

    def link_answers(self):
        """답변글 → the post each answers (its nearest ancestor that was imported)."""
        for board in self.boards:
            keys = [key for key in self.keys[board.key] if key["wr_reply"]]
            if not keys:
                continue
            index = {(key["wr_num"], key["wr_reply"] or ""): key["wr_id"] for key in self.keys[board.key]}
            kept = {int(old): pk for old, pk in LegacyLink.objects.ids_by_key(LegacyLink.POST, board.key).items()}
            ids = [kept[key["wr_id"]] for key in keys if key["wr_id"] in kept]
            linked = set()
            for start in range(0, len(ids), 900):
                answered = Post.objects.filter(pk__in=ids[start : start + 900], answer_to__isnull=False)
                linked.update(answered.values_list("pk", flat=True))
            updates = []
            for key in keys:
                pk = kept.get(key["wr_id"])
                if pk is None or pk in linked:
                    continue
                target = nearest(index, key["wr_num"], key["wr_reply"], kept)
                if target is not None:
                    updates.append(Post(pk=pk, answer_to_id=target))
            Post.objects.bulk_update(updates, ["answer_to"], batch_size=writer.BULK)
            self.run.report.note("글", "답변글 → 답한 글에 연결", len(updates))
