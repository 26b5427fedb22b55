"""Pure decisions of the import: dates, names, board settings, threads, 답변글.

Nothing here touches a database, so each rule is tested on its own.
"""

import re
from datetime import date, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from board.models import MEMBERS, STAFF

from .bodies import clean_text

KST = ZoneInfo("Asia/Seoul")
ADMIN_LEVEL = 10


def kst(value):
    """Gnuboard's local time (KST, no zone) → an aware datetime; None for the empty forms
    (`0000-00-00 00:00:00`, which PyMySQL hands over as text, and '')."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=KST) if value.year >= 1900 else None
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=KST) if value.year >= 1900 else None
    text = (value or "").strip() if isinstance(value, str) else ""
    for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d", "%Y%m%d"):
        try:
            parsed = datetime.strptime(text, pattern)
        except ValueError:
            continue
        return parsed.replace(tzinfo=KST) if parsed.year >= 1900 else None
    return None


def fill_missing(values):
    """Empty dates in a list ordered by id take the date before them (ids follow time),
    or the first real one after; (filled list, how many were empty)."""
    filled, missing = list(values), sum(1 for v in values if v is None)
    last = None
    for i, value in enumerate(filled):
        if value is None:
            filled[i] = last
        else:
            last = value
    following = None
    for i in range(len(filled) - 1, -1, -1):
        if filled[i] is None:
            filled[i] = following
        else:
            following = filled[i]
    return filled, missing


def one_line(text, length):
    return " ".join(clean_text(text).split())[:length]


# --- Boards --------------------------------------------------------------------------------


def board_fields(row):
    """Our Board's fields for a g5_board row."""
    page_size = int(row.get("bo_page_rows") or 20)
    return {
        "name": one_line(row.get("bo_subject"), 50) or row["bo_table"],
        "position": max(0, min(int(row.get("bo_order") or 0), 32767)),
        "page_size": max(5, min(page_size, 100)),
        "use_downvote": bool(int(row.get("bo_use_nogood") or 0)),
        "write_access": STAFF if int(row.get("bo_write_level") or 1) >= ADMIN_LEVEL else MEMBERS,
        "comment_access": STAFF if int(row.get("bo_comment_level") or 1) >= ADMIN_LEVEL else MEMBERS,
    }


def board_extras(row):
    """What our Board cannot hold yet (말머리, levels, points), kept on its LegacyLink."""
    levels = ("list", "read", "write", "reply", "comment", "upload", "download")
    return {
        "group": row.get("gr_id") or "",
        "categories": [c for c in (row.get("bo_category_list") or "").split("|") if c.strip()]
        if int(row.get("bo_use_category") or 0)
        else [],
        "levels": {name: int(row.get(f"bo_{name}_level") or 0) for name in levels if f"bo_{name}_level" in row},
        "use_good": bool(int(row.get("bo_use_good") or 0)),
        "use_secret": int(row.get("bo_use_secret") or 0),
        "page_rows": int(row.get("bo_page_rows") or 0),
        "points": {name: int(row.get(f"bo_{name}_point") or 0) for name in ("write", "comment", "read", "download")},
    }


def notice_ids(row):
    return {int(part) for part in re.findall(r"\d+", row.get("bo_notice") or "")}


# --- Members -------------------------------------------------------------------------------


class UniqueNames:
    """Hands out names unique case-insensitively (as our constraints are): the first to ask
    keeps a name, later ones get a number appended within the length limit (after "_"
    when the name ends in a digit: 주원830 becomes 주원830_2, not 주원8302)."""

    def __init__(self, taken, length, joiner=""):
        self.taken = {name.lower() for name in taken}
        self.length = length
        self.joiner = joiner

    def claim(self, wanted):
        base = wanted[: self.length]
        candidate, n = base, 1
        while candidate.lower() in self.taken:
            n += 1
            suffix = f"{self.joiner}{n}"
            if base[: self.length - len(suffix)][-1:].isdigit():
                suffix = f"_{n}"
            candidate = base[: self.length - len(suffix)] + suffix
        self.taken.add(candidate.lower())
        return candidate


def member_states(row):
    """(is_active, withdrawn_at, banned): 탈퇴 from mb_leave_date, 차단 from mb_intercept_date."""
    left = kst(row.get("mb_leave_date"))
    banned = kst(row.get("mb_intercept_date")) is not None
    return left is None and not banned, left, banned


def source_url(link):
    """원문 from wr_link1 when it is an http(s) address that fits our field."""
    link = one_line(link, 1000)
    parts = urlsplit(link)
    if parts.scheme in {"http", "https"} and parts.hostname and len(link) <= 500:
        return link
    return ""


# --- Threads -------------------------------------------------------------------------------


def nearest(index, group, reply, kept):
    """The nearest ancestor of a Gnuboard reply string that was kept here.

    Gnuboard writes a thread's replies as letter strings ('' for the first, then A, AA,
    AB, …: one letter per level), so the ancestors of "ABA" are "AB", "A" and "". `index`
    maps (group, reply string) to the old id, `kept` old ids to what they became."""
    for length in range(len(reply) - 1, -1, -1):
        old = index.get((group, reply[:length]))
        if old is not None and old in kept:
            return kept[old]
    return None
