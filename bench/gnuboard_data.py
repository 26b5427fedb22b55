"""A Gnuboard5 site of benchmark size in MariaDB, for timing import_gnuboard (docs/import.md).

    python bench/gnuboard_data.py [--posts 100000] [--comments 30000] [--votes 50000]
        [--members 5000] [--name g5test_h17_bench] [--data bench/data/gnuboard]

Prints the --db URL and the --data folder to give import_gnuboard. The content is shaped
like a real site's: five boards, SmartEditor-style HTML bodies (spans with styles, a
script now and then, editor pictures) and plain-text ones, guests, secret posts, notices,
답변글, comment threads up to four levels deep, 추천/비추천, a few hundred attachments,
some of them missing from data/. Deterministic for a given --seed.
"""

import argparse
import io
import random
import sys
from datetime import datetime, timedelta
from pathlib import Path

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.gnuboard import site as gnuboard  # noqa: E402

BOARDS = [("news", "AI 뉴스", 0.55), ("free", "자유게시판", 0.25), ("qna", "질문답변", 0.12),
          ("review", "사용기", 0.06), ("notice", "공지사항", 0.02)]  # fmt: skip
WORDS = (
    "인공지능 모델 강화학습 추론 데이터 학습 GPU 반도체 오픈소스 에이전트 언어모델 멀티모달 파인튜닝 "
    "벤치마크 스타트업 투자 규제 저작권 클라우드 엣지 로봇 자율주행 검색 번역 음성 이미지 생성 안전성 평가"
).split()
PARTICLES = ["은", "는", "이", "가", "을", "를", "의", "에서", "으로", "과", ""]
NAMES = "민준 서연 도윤 지우 하준 서윤 은우 하은 시우 지민 주원 수아 예준 지아 건우 채원 우진 윤서".split()


def sentence(rng):
    words = [rng.choice(WORDS) + rng.choice(PARTICLES) for _ in range(rng.randint(5, 12))]
    return " ".join(words) + rng.choice([".", ".", "?", "!"])


def html_body(rng, pictures):
    parts = []
    for _ in range(rng.randint(3, 9)):
        text = " ".join(sentence(rng) for _ in range(rng.randint(1, 4)))
        style = rng.choice(["", ' style="font-size:10pt;font-family:굴림"', ' style="color:#333333"'])
        parts.append(f"<p><span{style}>{text}</span></p>")
    if rng.random() < 0.3:
        parts.append("<p>&nbsp;</p><ul>" + "".join(f"<li>{sentence(rng)}</li>" for _ in range(3)) + "</ul>")
    if rng.random() < 0.2:
        parts.append(f'<p><a href="https://news.example.com/{rng.randrange(10**6)}" target="_blank">원문 보기</a></p>')
    if rng.random() < 0.02:
        parts.append('<script>alert("광고")</script><p onclick="track()">클릭</p>')
    for picture in pictures:
        parts.insert(rng.randrange(len(parts) + 1), f'<p><img src="http://old.example.com/data/editor/{picture}"></p>')
    return "\n".join(parts)


def text_body(rng):
    return "\n".join(sentence(rng) for _ in range(rng.randint(3, 15)))


def jpeg(rng):
    image = Image.new(
        "RGB", (rng.randint(320, 800), rng.randint(240, 600)), tuple(rng.randrange(256) for _ in range(3))
    )
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def build(options):
    rng = random.Random(options.seed)
    with gnuboard.server_connection() as connection, connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS `{options.name}`")
    site = gnuboard.GnuboardSite(name=options.name)
    data = Path(options.data)
    (data / "editor" / "2401").mkdir(parents=True, exist_ok=True)
    for bo_table, subject, _ in BOARDS:
        (data / "file" / bo_table).mkdir(parents=True, exist_ok=True)
        site.add_board(bo_table, bo_subject=subject, bo_order=len(bo_table), bo_page_rows=20, bo_use_good=1,
                       bo_use_nogood=1, bo_use_category=1, bo_category_list="잡담|정보|질문",
                       bo_write_level=10 if bo_table == "notice" else 2)  # fmt: skip

    members = [f"user{i}" for i in range(options.members)]
    hashed = gnuboard.gnuboard_pbkdf2("bench-pass-1")
    rows = []
    start = datetime(2016, 1, 1)
    for i, mb_id in enumerate(members):
        nick = rng.choice(NAMES) + str(rng.randrange(1000))  # collisions happen, as on real sites
        rows.append({"mb_id": mb_id, "mb_nick": nick, "mb_password": hashed, "mb_email": f"{mb_id}@example.com",
                     "mb_level": 10 if i < 3 else 2, "mb_datetime": start + timedelta(hours=i),
                     "mb_today_login": datetime(2024, 1, 1),
                     "mb_leave_date": "20230101" if i % 97 == 0 else ""})  # fmt: skip
    _insert(site, "member", rows)
    print(f"회원 {len(members):,}명")

    span = (datetime(2024, 6, 1) - start).total_seconds()
    moments = sorted(start + timedelta(seconds=rng.random() * span) for _ in range(options.posts))
    weights = [share for _, _, share in BOARDS]
    by_board = {bo_table: [] for bo_table, _, _ in BOARDS}
    pictures, files = 0, []
    for moment in moments:
        bo_table = rng.choices([b[0] for b in BOARDS], weights)[0]
        posts = by_board[bo_table]
        wr_id = len(posts) + 1
        html = rng.random() < 0.6
        editor = []
        if html and rng.random() < 0.005:
            pictures += 1
            editor = [f"2401/{pictures}.jpg"]
            if rng.random() < 0.9:
                (data / "editor" / editor[0]).write_bytes(jpeg(rng))
        answer = posts and rng.random() < 0.01
        guest = rng.random() < 0.1
        row = {
            "wr_id": wr_id, "wr_num": -wr_id, "wr_reply": "", "wr_parent": wr_id, "wr_is_comment": 0,
            "wr_option": ("html1" if html else "") + (",secret" if rng.random() < 0.01 else ""),
            "wr_subject": sentence(rng)[:80], "wr_content": html_body(rng, editor) if html else text_body(rng),
            "ca_name": rng.choice(["", "잡담", "정보"]), "wr_hit": int(rng.paretovariate(1.3) * 20),
            "mb_id": "" if guest else rng.choice(members), "wr_name": rng.choice(NAMES),
            "wr_datetime": moment, "wr_link1": f"https://news.example.com/{wr_id}" if rng.random() < 0.3 else "",
            "wr_file": 0, "wr_comment": 0, "wr_comment_reply": "",
        }  # fmt: skip
        if answer:
            original = rng.choice(posts[-50:])
            row["wr_num"], row["wr_reply"] = original["wr_num"], "A"
        if rng.random() < 0.003:
            row["wr_file"] = 1
            files.append((bo_table, wr_id, moment))
        posts.append(row)
    comments = {bo_table: [] for bo_table in by_board}
    all_posts = [(bo_table, row) for bo_table, rows in by_board.items() for row in rows]
    children = {}
    for _ in range(options.comments):
        bo_table, post = rng.choice(all_posts)
        thread = comments[bo_table]
        if thread and rng.random() < 0.35:
            # A reply to a recent comment, at most five letters deep (Gnuboard's limit).
            parent = rng.choice(thread[-200:])
            post = by_board[bo_table][parent["wr_parent"] - 1]
            group, base = parent["wr_comment"], parent["wr_comment_reply"]
            if len(base) >= 5:
                base = base[:-1]
            key = (bo_table, post["wr_id"], group, base)
            if children.get(key, 0) >= 26:
                continue
            children[key] = children.get(key, 0) + 1
            reply = base + chr(ord("A") + children[key] - 1)
        else:
            group, reply = post["wr_comment"] + 1, ""
            post["wr_comment"] = group
        wr_id = len(by_board[bo_table]) + len(thread) + 1
        thread.append({
            "wr_id": wr_id, "wr_num": post["wr_num"], "wr_reply": "", "wr_parent": post["wr_id"], "wr_is_comment": 1,
            "wr_comment": group, "wr_comment_reply": reply, "wr_option": "", "wr_subject": "",
            "wr_content": sentence(rng), "ca_name": "", "wr_hit": 0, "mb_id": rng.choice(members), "wr_name": "",
            "wr_datetime": post["wr_datetime"] + timedelta(minutes=rng.randint(1, 5000)), "wr_link1": "",
            "wr_file": 0,
        })  # fmt: skip
    for bo_table in by_board:
        _insert(site, f"write_{bo_table}", by_board[bo_table] + comments[bo_table])
        notices = ",".join(str(row["wr_id"]) for row in by_board[bo_table][-3:])
        site.execute("UPDATE g5_board SET bo_notice = %s WHERE bo_table = %s", [notices, bo_table])
    print(f"글 {options.posts:,}개, 댓글 {sum(map(len, comments.values())):,}개, 에디터 이미지 {pictures}개")

    file_rows = []
    for n, (bo_table, wr_id, moment) in enumerate(files):
        picture = n % 3 != 0
        name = f"{1000 + n}_{rng.randrange(10**8)}.{'jpg' if picture else 'zip'}"
        if n % 10:
            (data / "file" / bo_table / name).write_bytes(jpeg(rng) if picture else b"PK\x03\x04 zip")
        file_rows.append({"bo_table": bo_table, "wr_id": wr_id, "bf_no": 0, "bf_source": f"첨부 {n}.{name[-3:]}",
                          "bf_file": name, "bf_type": 2 if picture else 0, "bf_download": 0, "bf_content": "",
                          "bf_datetime": moment})  # fmt: skip
    _insert(site, "board_file", file_rows)

    votes, seen = [], set()
    while len(votes) < options.votes:
        bo_table, post = rng.choice(all_posts)
        mb_id = rng.choice(members)
        if (bo_table, post["wr_id"], mb_id) in seen:
            continue
        seen.add((bo_table, post["wr_id"], mb_id))
        votes.append({"bo_table": bo_table, "wr_id": post["wr_id"], "mb_id": mb_id,
                      "bg_flag": "good" if rng.random() < 0.85 else "nogood",
                      "bg_datetime": post["wr_datetime"]})  # fmt: skip
    _insert(site, "board_good", votes)
    print(f"첨부 {len(file_rows)}개, 추천 {len(votes):,}개")
    print(f"\n--db {site.url} --data {data}")


def _insert(site, table, rows, chunk=2000):
    for start in range(0, len(rows), chunk):
        part = rows[start : start + chunk]
        columns = sorted({key for row in part for key in row})
        site.insert(table, [{column: row.get(column, "") for column in columns} for row in part])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--comments", type=int, default=30_000)
    parser.add_argument("--votes", type=int, default=50_000)
    parser.add_argument("--members", type=int, default=5_000)
    parser.add_argument("--name", default="g5test_h17_bench")
    parser.add_argument("--data", default="bench/data/gnuboard")  # bench/data/ is git-ignored
    parser.add_argument("--seed", type=int, default=17)
    options = parser.parse_args()
    if not options.name.startswith("g5test_"):
        parser.error("--name must start with g5test_ (the databases this project may create and drop)")
    build(options)


if __name__ == "__main__":
    main()
