"""닉네임 rules: what a name may look like, and which names no member may take.

A member named "관리자" reads as the site itself on every page and in the moderation log,
so the names of the site's roles and of its boards are reserved, look-alikes included:
"관 리 자", "관리자" with zero-width characters inside, "ａｄｍｉｎ" in full-width letters,
"Admin_" or "admin1". Names are compared by `name_key()`: NFKC (full-width and other
compatibility forms become plain letters), case folded, and only letters and digits kept.
"""

import re
import unicodedata

from board.korean import particle

# Contained anywhere: "관리자1" and "운영진입니다" read as the site's too.
RESERVED_KOREAN = ("관리자", "운영자", "운영진", "시스템")
# Latin words, matched whole once digits are dropped ("admin1"), so "badminton" stays free.
RESERVED_LATIN = {
    "admin", "administrator", "staff", "moderator", "mod", "root", "system", "sysop", "operator", "webmaster",
    "official", "manager",
}  # fmt: skip
SITE_NAMES = ("AI 뉴스 보드",)

# Characters that show nothing: zero-width spaces and joiners, the BOM, Hangul fillers and
# the blank braille pattern that some members use to make an empty-looking name.
INVISIBLE = re.compile("[\u115f\u1160\u3164\uffa0\u2800\u180e]")


def without_invisible(text):
    """The name as stored: format characters (category Cf: zero-width space, joiners, the
    BOM, direction marks) and blank-looking fillers removed, runs of spaces made one."""
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return " ".join(INVISIBLE.sub("", text).split())


def name_key(text):
    """What two names are compared by: NFKC, case folded, letters and digits only."""
    folded = unicodedata.normalize("NFKC", without_invisible(text)).casefold()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] in "LN")


def reserved_reason(nickname, board_names=()):
    """Why no member may take this name (a Korean sentence), or None."""
    key = name_key(nickname)
    for word in RESERVED_KOREAN:
        if word in key:
            return f"'{word}'{particle(word, '이')} 들어간 닉네임은 운영진과 헷갈릴 수 있어 쓸 수 없습니다."
    if re.sub(r"\d", "", key) in RESERVED_LATIN:
        return "운영진이나 시스템으로 보이는 닉네임은 쓸 수 없습니다."
    if any(key == name_key(name) for name in (*SITE_NAMES, *board_names)):
        return "사이트나 게시판 이름은 닉네임으로 쓸 수 없습니다."
    return None
