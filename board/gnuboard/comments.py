"""Comments, with Gnuboard's threads (up to five levels) flattened to ours (one level).

Each thread keeps its original order: threads in order of their first comment, replies
in Gnuboard's order (wr_comment, wr_comment_reply). A reply points at its nearest
ancestor that was kept, or rather at that ancestor's thread, since our replies are one
level deep; a reply whose every ancestor is gone starts a thread of its own.
"""

from collections import defaultdict
from dataclasses import dataclass

from board.models import Comment, LegacyLink

from . import writer
from .pipeline import body_format, convert_comment
from .posts import author_of, options_of
from .transforms import kst, nearest


@dataclass
class CommentDraft:
    comment: Comment
    link: LegacyLink
    key: tuple  # (bo_table, wr_id)
    group: tuple  # (bo_table, wr_parent, wr_comment): one Gnuboard thread
    reply: str
    parent: object = None  # None, a comment id here, or a CommentDraft of the same batch
    grams: str = ""


class Comments:
    def __init__(self, run, boards):
        self.run = run
        self.boards = boards
        self.index = {}  # (thread, reply string) → (bo_table, wr_id)
        self.kept = {}  # (bo_table, wr_id) → the thread it went into here (top comment id)

    def run_all(self):
        plan = self.plan()
        batches = [plan[i : i + self.run.batch_size] for i in range(0, len(plan), self.run.batch_size)]
        self.done, self.total = 0, len(plan)
        self.run.report.progress("댓글", 0, self.total)
        self.run.converter.pipelined(batches, self.prepare, convert_comment, self.finish)

    def plan(self):
        report, entries = self.run.report, []
        for order, board in enumerate(self.boards):
            key = board.key
            links = LegacyLink.objects.of_board(key)
            posts = {
                int(old): (pk, created)
                for old, pk, created in links.filter(kind=LegacyLink.POST).values_list(
                    "old_key", "post_id", "post__created_at"
                )
            }
            done = links.filter(kind=LegacyLink.COMMENT).values_list("old_key", "comment_id", "comment__parent_id")
            for old, pk, parent in done:
                self.kept[(key, int(old))] = parent or pk
            rows = self.run.source.comment_keys(key)
            started = defaultdict(list)
            for row in rows:
                group = (key, row["wr_parent"], row["wr_comment"])
                self.index[(group, row["wr_comment_reply"] or "")] = (key, row["wr_id"])
            for row in rows:
                report.read("댓글")
                if (key, row["wr_id"]) in self.kept:
                    report.skip("댓글", "이미 가져옴")
                    continue
                post = posts.get(row["wr_parent"])
                if post is None:
                    report.skip("댓글", "글이 없는 댓글")
                    continue
                created = kst(row["wr_datetime"])
                if created is None:
                    report.note("댓글", "작성일 없음 → 글의 날짜")
                    created = post[1]
                group = (key, row["wr_parent"], row["wr_comment"])
                entry = [None, order, row["wr_parent"], row["wr_comment"], row["wr_comment_reply"] or ""]
                entry += [row["wr_id"], board, post[0], created]
                started[group].append(entry)
                entries.append(entry)
            for thread in started.values():
                first = min(entry[8] for entry in thread)
                for entry in thread:
                    entry[0] = first
        entries.sort(key=lambda entry: entry[:5])
        return entries

    def prepare(self, batch):
        ids = defaultdict(list)
        for entry in batch:
            ids[entry[6].key].append(entry[5])
        rows = {}
        for key, wanted in ids.items():
            for row in self.run.source.writes(key, wanted):
                rows[(key, row["wr_id"])] = row
        drafts, jobs = [], []
        for _, _, wr_parent, wr_comment, reply, wr_id, board, post_id, created in batch:
            row = rows.get((board.key, wr_id))
            if row is None or not row["wr_is_comment"]:
                self.run.report.skip("댓글", "읽는 사이 지워짐")
                continue
            author, guest = author_of(self.run, "댓글", row)
            options = options_of(row)
            secret = "secret" in options
            self.run.report.note("댓글", "비밀 댓글 → 숨김(운영진만 봄)", int(secret))
            comment = Comment(post_id=post_id, author_id=author, guest_name=guest, created_at=created, is_hidden=secret)
            link = LegacyLink(kind=LegacyLink.COMMENT, board_key=board.key, old_key=str(wr_id))
            group = (board.key, wr_parent, wr_comment)
            drafts.append(CommentDraft(comment, link, (board.key, wr_id), group, reply))
            jobs.append((body_format(options), row.get("wr_content") or ""))
        return drafts, jobs

    def finish(self, drafts, results):
        report = self.run.report
        for draft, (markdown, body_html, changes, grams) in zip(drafts, results, strict=True):
            draft.comment.body, draft.comment.body_html, draft.grams = markdown, body_html, grams
            report.body_changes(changes)
            if draft.reply:
                draft.parent = nearest(self.index, draft.group, draft.reply, self.kept)
                direct = self.index.get((draft.group, draft.reply[:-1]))
                if draft.parent is None:
                    report.note("댓글", "부모 댓글이 모두 없는 답글 → 새 댓글로")
                elif direct not in self.kept:
                    report.note("댓글", "부모 댓글이 없는 답글 → 가장 가까운 댓글에 연결")
                elif len(draft.reply) > 1:
                    report.note("댓글", "2단계 이상 답글 → 한 단계로")
            self.kept[draft.key] = draft if draft.parent is None else draft.parent
        writer.write_comments(drafts)
        for draft in drafts:
            top = self.kept[draft.key]
            if isinstance(top, CommentDraft):
                self.kept[draft.key] = top.comment.pk
        report.imported("댓글", len(drafts))
        self.done += len(drafts)
        report.progress("댓글", self.done, self.total)
