"""The awkward Gnuboard5 site the importer's tests import: every case issue 17 names, and
the files of its data/ folder.

Boards: `free` (자유게시판: notices, categories, 추천/비추천, secret posts), `notice`
(운영진만 쓰기) and `gallery`, whose posts table is gone. Numbers below are wr_ids.
"""

import io
from datetime import datetime

from PIL import Image

from .site import GnuboardSite, gnuboard_pbkdf2

PASSWORDS = {
    "admin": "관리자비번!23 한글",  # non-ASCII, with a space
    "alice": "alice-pass-1",
    "bob": "bob-old-pw",  # MySQL PASSWORD()
    "carol": "carol pw 옛날",  # MySQL OLD_PASSWORD(), which skips spaces
    "dave": "dave-banned-1",
    "erin": "erin-left-1",
}

SCRIPT_BODY = """<p style="color:red">AI 소식 <b>굵게</b> <span onclick="alert(1)">클릭</span></p>
<script>alert("xss")</script>
<p><a href="javascript:alert(2)">나쁜 링크</a> <a href="https://example.com/story">좋은 링크</a></p>
<p><img src="http://old.example.com/data/editor/2301/ok.jpg" onerror="alert(3)" alt="에디터 사진"></p>
<p><img src="/data/editor/2301/gone.jpg" alt="사라진 사진"></p>
<p><img src="http://hotlink.example.com/cat.png"></p>
<iframe src="https://www.youtube.com/embed/abc123"></iframe>
<IMG SRC="jav&#x0A;ascript:alert(4);"><svg onload=alert(5)></svg>
<table border="1"><tr><td onmouseover="alert(6)">표 칸</td></tr></table>"""

PLAIN_BODY = (
    "첫 줄입니다.\n둘째 줄 *별표* 그대로\n\n# 제목이 아닌 줄\n1. 목록이 아닌 줄\n<b>태그처럼 보이는 글자</b> & 기호"
)


def picture(fmt="PNG", size=(64, 48), exif=False):
    image = Image.new("RGB", size, (200, 40, 40))
    buffer = io.BytesIO()
    extra = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "CameraMaker"  # Make
        data[0x8825] = {1: "N", 2: (37.0, 30.0, 0.0)}  # a GPS position
        extra["exif"] = data.tobytes()
    image.save(buffer, fmt, **extra)
    return buffer.getvalue()


def write_data_folder(root):
    """data/ as the site's owner copies it: two editor pictures and three attachments exist,
    two files the database names are missing (gone.jpg, vanished.png)."""
    (root / "editor" / "2301").mkdir(parents=True)
    (root / "file" / "free").mkdir(parents=True)
    (root / "editor" / "2301" / "ok.jpg").write_bytes(picture("JPEG", exif=True))
    (root / "editor" / "2301" / "notice.png").write_bytes(picture())
    (root / "file" / "free" / "2040713470_kx9.png").write_bytes(picture())
    (root / "file" / "free" / "2040713471_pdf.pdf").write_bytes(b"%PDF-1.4 not really")
    (root / "file" / "free" / "2040713472_bad.jpg").write_bytes(b"\xff\xd8\xff broken jpeg")
    return root


def member(mb_id, nick, password, **extra):
    return {
        "mb_id": mb_id,
        "mb_nick": nick,
        "mb_password": password,
        "mb_email": f"{mb_id}@example.com",
        "mb_level": 2,
        "mb_datetime": "2019-05-01 10:00:00",
        "mb_today_login": "2024-03-01 09:00:00",
        "mb_leave_date": "",
        "mb_intercept_date": "",
        "mb_point": 0,
        **extra,
    }


def write(wr_id, **fields):
    row = {
        "wr_id": wr_id,
        "wr_num": -wr_id,
        "wr_reply": "",
        "wr_parent": wr_id,
        "wr_is_comment": 0,
        "wr_comment": 0,
        "wr_comment_reply": "",
        "ca_name": "",
        "wr_option": "",
        "wr_subject": f"글 {wr_id}",
        "wr_content": f"본문 {wr_id}",
        "wr_link1": "",
        "wr_hit": 0,
        "wr_good": 0,
        "wr_nogood": 0,
        "mb_id": "alice",
        "wr_name": "앨리스",
        "wr_datetime": datetime(2023, 1, 1, 9, 0),
        "wr_file": 0,
    }
    row.update(fields)
    return row


def comment(wr_id, parent, group, reply="", **fields):
    defaults = {"wr_num": -parent, "wr_parent": parent, "wr_is_comment": 1, "wr_comment": group}
    return write(
        wr_id, **{**defaults, "wr_comment_reply": reply, "wr_subject": "", "wr_content": f"댓글 {wr_id}", **fields}
    )


def build(prefix="g5_"):
    site = GnuboardSite(prefix)
    try:
        fill(site)
    except Exception:
        site.drop()
        raise
    return site


def fill(site):
    site.add_board(
        "free", bo_subject="자유게시판", bo_order=2, bo_page_rows=15, bo_use_good=1, bo_use_nogood=1,
        bo_notice="3,999", bo_use_category=1, bo_category_list="잡담|질문", bo_use_secret=1, bo_write_level=2,
    )  # fmt: skip
    site.add_board("notice", bo_subject="공지사항", bo_order=1, bo_page_rows=10, bo_write_level=10, bo_use_good=1)
    site.add_board("gallery", bo_subject="갤러리", bo_order=3, write_table=False)
    site.insert(
        "member",
        [
            member("admin", "관리자", gnuboard_pbkdf2(PASSWORDS["admin"]), mb_level=10, mb_point=5000),
            member("alice", "앨리스", gnuboard_pbkdf2(PASSWORDS["alice"]), mb_point=120),
            # The same nickname (and e-mail, in other case) as alice: renamed, e-mail left empty.
            member("bob", "앨리스", site.mysql_password(PASSWORDS["bob"]), mb_email="ALICE@example.com"),
            member(
                "carol",
                "캐럴",
                site.mysql_old_password(PASSWORDS["carol"]),
                mb_datetime="0000-00-00 00:00:00",
                mb_today_login="0000-00-00 00:00:00",
            ),  # fmt: skip
            member("dave", "데이브", gnuboard_pbkdf2(PASSWORDS["dave"]), mb_intercept_date="20230101"),
            member("erin", "에린", gnuboard_pbkdf2(PASSWORDS["erin"]), mb_leave_date="20220505"),
            member("frank", "", "5f4dcc3b5aa765d61d8327deb882cf99"),  # md5: unknown, nickname empty
            member("longnick", "아주아주아주아주아주긴닉네임입니다정말로요", gnuboard_pbkdf2("x")),
        ],
    )
    site.insert(
        "write_free",
        [
            write(
                1,
                wr_option="html1",
                wr_subject="스크립트가 든 글",
                wr_content=SCRIPT_BODY,
                ca_name="잡담",
                wr_link1="https://news.example.com/ai?id=1",
                wr_hit=120,
                wr_good=99,
                wr_file=4,
                wr_datetime=datetime(2023, 1, 2, 9, 30),
                wr_comment=9,
            ),  # fmt: skip
            write(
                2,
                mb_id="",
                wr_name="지나가던손님",
                wr_password="x",
                wr_content=PLAIN_BODY,
                wr_subject="손님의 글",
                wr_datetime="0000-00-00 00:00:00",
            ),  # fmt: skip
            write(
                3,
                mb_id="admin",
                wr_option="html2",
                wr_subject="자유게시판 공지",
                wr_content="<p>공지입니다</p>",
                wr_datetime=datetime(2023, 1, 3, 8, 0),
            ),  # fmt: skip
            write(
                4,
                mb_id="bob",
                wr_option="html1,secret",
                wr_subject="비밀글",
                wr_content="비밀 내용",
                wr_datetime=datetime(2023, 1, 4, 8, 0),
            ),  # fmt: skip
            write(
                5,
                wr_num=-1,
                wr_reply="A",
                mb_id="carol",
                wr_subject="Re: 스크립트가 든 글",
                wr_datetime=datetime(2023, 1, 5, 8, 0),
            ),  # fmt: skip
            write(
                6,
                wr_num=-1,
                wr_reply="AA",
                mb_id="admin",
                wr_subject="Re: Re: 스크립트가 든 글",
                wr_datetime=datetime(2023, 1, 6, 8, 0),
            ),  # fmt: skip
            write(
                7, mb_id="ghost", wr_name="유령", wr_subject="지워진 회원의 글", wr_datetime=datetime(2023, 1, 7, 8, 0)
            ),  # fmt: skip
            write(
                8, mb_id="erin", wr_name="에린", wr_subject="탈퇴한 회원의 글", wr_datetime=datetime(2023, 1, 8, 8, 0)
            ),  # fmt: skip
            # A five-level thread on post 1, then a second thread.
            comment(10, 1, 1, "", mb_id="bob", wr_datetime=datetime(2023, 1, 2, 10, 0)),
            comment(11, 1, 1, "A", mb_id="carol", wr_datetime=datetime(2023, 1, 2, 10, 5)),
            comment(12, 1, 1, "AA", mb_id="bob", wr_datetime=datetime(2023, 1, 2, 10, 10)),
            comment(13, 1, 1, "AAA", mb_id="carol", wr_datetime=datetime(2023, 1, 2, 10, 15)),
            comment(14, 1, 1, "AAAA", mb_id="bob", wr_datetime=datetime(2023, 1, 2, 10, 20)),
            comment(15, 1, 1, "AB", mb_id="admin", wr_datetime=datetime(2023, 1, 2, 12, 0)),
            comment(16, 1, 2, "", mb_id="", wr_name="손님2", wr_datetime=datetime(2023, 1, 2, 11, 0)),
            comment(
                17,
                1,
                2,
                "A",
                mb_id="alice",
                wr_option="secret",
                wr_content="비밀 댓글",
                wr_datetime=datetime(2023, 1, 2, 11, 30),
            ),  # fmt: skip
            # Thread 3 lost its first comment; thread 4 its middle one.
            comment(18, 1, 3, "A", mb_id="bob", wr_datetime=datetime(2023, 1, 2, 13, 0)),
            comment(19, 1, 3, "AA", mb_id="carol", wr_datetime=datetime(2023, 1, 2, 13, 5)),
            comment(20, 1, 4, "", mb_id="alice", wr_datetime=datetime(2023, 1, 2, 14, 0)),
            comment(21, 1, 4, "AA", mb_id="bob", wr_datetime=datetime(2023, 1, 2, 14, 10)),
            # The post of this one is gone.
            comment(22, 999, 1, "", mb_id="bob", wr_datetime=datetime(2023, 1, 9, 8, 0)),
            comment(23, 2, 1, "", mb_id="alice", wr_datetime="0000-00-00 00:00:00"),
            comment(
                24,
                2,
                2,
                "",
                mb_id="bob",
                wr_content="<script>alert(1)</script> 는 글자로 보여야 합니다",
                wr_datetime=datetime(2023, 1, 3, 9, 0),
            ),  # fmt: skip
        ],
    )
    site.insert(
        "write_notice",
        [
            write(
                1,
                mb_id="admin",
                wr_option="html2",
                wr_subject="사이트 이전 안내",
                wr_content='<p>새 사이트로 옮깁니다.</p><p><img src="/data/editor/2301/notice.png"></p>',
                wr_datetime=datetime(2022, 12, 31, 23, 59, 59),
                wr_hit=5000,
            ),  # fmt: skip
            write(2, mb_id="admin", wr_subject="가" * 300, wr_datetime=datetime(2023, 2, 1, 0, 0, 1)),
        ],
    )
    file_row = {
        "bo_table": "free",
        "wr_id": 1,
        "bf_download": 0,
        "bf_content": "",
        "bf_datetime": "2023-01-02 09:30:00",
    }
    site.insert(
        "board_file",
        [
            {**file_row, "bf_no": 0, "bf_source": "고양이 사진 (1).png", "bf_file": "2040713470_kx9.png", "bf_type": 3},
            {
                **file_row,
                "bf_no": 1,
                "bf_source": "보고서.pdf",
                "bf_file": "2040713471_pdf.pdf",
                "bf_type": 0,
                "bf_filesize": 19,
                "bf_download": 7,
            },  # fmt: skip
            {**file_row, "bf_no": 2, "bf_source": "깨진.jpg", "bf_file": "2040713472_bad.jpg", "bf_type": 2},
            {**file_row, "bf_no": 3, "bf_source": "사라진.png", "bf_file": "2040713473_gone.png", "bf_type": 3},
        ],
    )
    site.insert(
        "board_good",
        [
            {"bo_table": "free", "wr_id": 1, "mb_id": "bob", "bg_flag": "good", "bg_datetime": "2023-01-02 10:00:00"},
            {"bo_table": "free", "wr_id": 1, "mb_id": "carol", "bg_flag": "good", "bg_datetime": "0000-00-00 00:00:00"},
            {
                "bo_table": "free",
                "wr_id": 1,
                "mb_id": "dave",
                "bg_flag": "nogood",
                "bg_datetime": "2023-01-02 11:00:00",
            },
            {
                "bo_table": "free",
                "wr_id": 1,
                "mb_id": "nobody",
                "bg_flag": "good",
                "bg_datetime": "2023-01-02 11:00:00",
            },
            {"bo_table": "free", "wr_id": 3, "mb_id": "alice", "bg_flag": "good", "bg_datetime": "2023-01-03 11:00:00"},
            {
                "bo_table": "free",
                "wr_id": 10,
                "mb_id": "alice",
                "bg_flag": "good",
                "bg_datetime": "2023-01-03 11:00:00",
            },
            {"bo_table": "free", "wr_id": 999, "mb_id": "bob", "bg_flag": "good", "bg_datetime": "2023-01-03 11:00:00"},
            {"bo_table": "free", "wr_id": 3, "mb_id": "bob", "bg_flag": "meh", "bg_datetime": "2023-01-03 11:00:00"},
            {
                "bo_table": "notice",
                "wr_id": 1,
                "mb_id": "alice",
                "bg_flag": "good",
                "bg_datetime": "2023-01-01 11:00:00",
            },
        ],
    )
    site.insert("scrap", [{"mb_id": "alice", "bo_table": "free", "wr_id": "1", "ms_datetime": "2023-01-02 10:00:00"}])
    site.insert(
        "memo",
        [
            {"me_recv_mb_id": "bob", "me_send_mb_id": "alice", "me_send_datetime": "2023-01-02 10:00:00",
             "me_read_datetime": "0000-00-00 00:00:00", "me_memo": "안녕 밥", "me_send_id": 1, "me_type": "recv"},
        ],
    )  # fmt: skip
    site.insert(
        "point",
        [{"mb_id": "alice", "po_datetime": "2023-01-02 10:00:00", "po_content": "글쓰기", "po_point": 10,
          "po_rel_table": "free", "po_rel_id": "1", "po_rel_action": "쓰기"}],
    )  # fmt: skip
