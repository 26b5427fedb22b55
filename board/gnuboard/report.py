"""What an import did: counts per kind (read, imported, skipped and why), notes, the
sanitiser's changes, and the lists an owner must act on (renamed nicknames, missing files,
refused pictures, attachments kept for later).

Counts are this run's; the lists come from the database (LegacyLink, LegacyRecord), so
they are complete even when the import took several runs.
"""

import sys
import time
from collections import Counter, defaultdict

from django.db.models import Count

from board.models import LegacyLink, LegacyRecord

from .bodies import CHANGE_LABELS

KINDS = ["게시판", "회원", "글", "댓글", "추천", "첨부파일", "에디터 이미지", "스크랩", "쪽지", "포인트"]
LIST_LIMIT = 200


class Report:
    def __init__(self, out=None):
        self.out = out or sys.stdout
        self.counts = defaultdict(Counter)
        self.notes = defaultdict(Counter)
        self.changes = Counter()
        self.bodies_changed = 0
        self.started = time.monotonic()
        self._progress_at = 0.0

    # --- Counting ----------------------------------------------------------------------------

    def read(self, kind, n=1):
        self.counts[kind]["읽음"] += n

    def imported(self, kind, n=1):
        self.counts[kind]["가져옴"] += n

    def skip(self, kind, reason, n=1):
        self.counts[kind][f"건너뜀: {reason}"] += n

    def note(self, kind, label, n=1):
        if n:
            self.notes[kind][label] += n

    def body_changes(self, changes):
        if changes:
            self.bodies_changed += 1
            self.changes.update(changes)

    # --- Progress ----------------------------------------------------------------------------

    def progress(self, label, done, total):
        """A bar per table, redrawn in place on a terminal and a few times a second at most."""
        now = time.monotonic()
        if done < total and now - self._progress_at < 0.5:
            return
        self._progress_at = now
        width = 30
        filled = int(width * done / max(total, 1))
        line = f"{label} [{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} {now - self.started:.0f}초"
        if getattr(self.out, "isatty", lambda: False)():
            self.out.write(f"\r{line}" + ("\n" if done >= total else ""))
        elif done >= total:
            self.out.write(line + "\n")
        if hasattr(self.out, "flush"):
            self.out.flush()

    def say(self, text):
        self.out.write(text + "\n")

    # --- The final report --------------------------------------------------------------------

    def render(self, *, dry_run=False):
        lines = ["", "== 그누보드5 가져오기 보고서" + (" (--dry-run: 아무것도 저장하지 않았습니다)" if dry_run else "")]
        lines.append(f"걸린 시간: {time.monotonic() - self.started:.1f}초")
        for kind in [*KINDS, *sorted(set(self.counts) - set(KINDS))]:
            counts, notes = self.counts.get(kind), self.notes.get(kind)
            if not counts and not notes:
                continue
            counts = counts or Counter()
            parts = [f"읽음 {counts['읽음']:,}", f"가져옴 {counts['가져옴']:,}"]
            parts += [f"{label} {n:,}" for label, n in sorted(counts.items()) if label.startswith("건너뜀")]
            lines.append(f"- {kind}: " + ", ".join(parts))
            lines += [f"    · {label}: {n:,}" for label, n in sorted((notes or {}).items())]
        lines.append(f"- 본문 정리: 글·댓글 {self.bodies_changed:,}개에서 무언가를 걷어냄")
        lines += [f"    · {CHANGE_LABELS.get(kind, kind)}: {n:,}개" for kind, n in self.changes.most_common()]
        lines += self._renames()
        lines += self._records(LegacyRecord.MISSING_FILE, "없는 파일 (data/ 에서 찾지 못함)")
        lines += self._records(LegacyRecord.REJECTED_FILE, "거부된 이미지 (이미지 검사 실패: 첨부파일로 보관)")
        lines += self._records(LegacyRecord.ATTACHMENT, "나중에 옮길 첨부파일 (이미지 아님, 첨부 기능이 생기면 가져옴)")
        later = LegacyRecord.objects.filter(kind__in=[LegacyRecord.SCRAP, LegacyRecord.MEMO, LegacyRecord.POINT])
        counts = dict(later.values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
        if counts:
            labels = dict(LegacyRecord.KIND_CHOICES)
            listed = ", ".join(f"{labels[kind]} {n:,}" for kind, n in sorted(counts.items()))
            lines.append(f"- 나중에 옮기려고 보관한 자료: {listed} (board_legacyrecord 테이블)")
        return "\n".join(lines)

    def _renames(self):
        links = (
            LegacyLink.objects.filter(kind=LegacyLink.MEMBER, data__has_key="renamed")
            .select_related("user")
            .order_by("id")
        )
        total = links.count()
        lines = [f"- 바뀐 닉네임·아이디: {total:,}명"]
        for link in links[:LIST_LIMIT]:
            for field, was in link.data["renamed"].items():
                now = getattr(link.user, field)
                label = "닉네임" if field == "nickname" else "아이디"
                lines.append(f"    · {link.old_key}: {label} {was!r} → {now!r}")
        if total > LIST_LIMIT:
            lines.append(f"    · … 외 {total - LIST_LIMIT:,}명 (board_legacylink 테이블에 모두 있음)")
        return lines

    def _records(self, kind, title):
        records = LegacyRecord.objects.filter(kind=kind).order_by("id")
        total = records.count()
        lines = [f"- {title}: {total:,}개"]
        for record in records[:LIST_LIMIT]:
            data = record.data
            where = f"{record.board_key} 글 {data['wr_id']}" if data.get("wr_id") else record.board_key
            detail = f" — {data['reason']}" if data.get("reason") else ""
            lines.append(f"    · {data.get('path') or record.old_key} ({where}){detail}")
        if total > LIST_LIMIT:
            lines.append(f"    · … 외 {total - LIST_LIMIT:,}개 (board_legacyrecord 테이블에 모두 있음)")
        return lines
