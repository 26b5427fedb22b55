"""import_gnuboard over the awkward Gnuboard5 site of tests/gnuboard/awkward.py: what a
site owner and the members would check after moving over."""

import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group
from django.core.files.storage import default_storage
from PIL import Image

from accounts.models import User
from board.markup import COMMENT_TAGS, POST_TAGS
from board.models import Board, Comment, LegacyLink, LegacyRecord, Post, PostImage, PostVote
from tests.board.test_xss import problems, served_prose
from tests.conftest import main_text

pytestmark = pytest.mark.gnuboard
KST = ZoneInfo("Asia/Seoul")


def post(board, wr_id):
    return LegacyLink.objects.get(kind="post", board_key=board, old_key=str(wr_id)).post


def comment(wr_id, board="free"):
    return LegacyLink.objects.get(kind="comment", board_key=board, old_key=str(wr_id)).comment


def test_every_count_matches(import_gnuboard):
    report = import_gnuboard()

    # gallery lost its posts table: reported, not fatal.
    assert sorted(Board.objects.values_list("slug", flat=True)) == ["free", "notice"]
    assert "- 게시판: 읽음 3, 가져옴 2, 건너뜀: 글 테이블 없음 1" in report
    assert User.objects.count() == 8
    assert Post.objects.filter(board__slug="free").count() == 8
    assert Post.objects.filter(board__slug="notice").count() == 2
    # 15 comments, one of them on a post that is gone.
    assert Comment.objects.count() == 14
    assert "- 댓글: 읽음 15, 가져옴 14, 건너뜀: 글이 없는 댓글 1" in report
    assert PostVote.objects.count() == 5
    assert "건너뜀: 회원이 없음 1" in report and "건너뜀: 댓글 추천(이 사이트에는 없음) 1" in report
    # Counters are the rows' (the source's wr_good of 99 was wrong), and the secret post
    # is not counted on the board.
    first = post("free", 1)
    assert (first.upvote_count, first.downvote_count) == (2, 1)
    assert first.comment_count == 11  # 12 comments, the secret one hidden
    assert first.view_count == 120
    assert Board.objects.get(slug="free").post_count == 7
    assert Board.objects.get(slug="notice").post_count == 2
    assert post("notice", 1).upvote_count == 1


def test_boards_keep_their_settings(import_gnuboard):
    import_gnuboard()
    free, notice = Board.objects.get(slug="free"), Board.objects.get(slug="notice")
    assert (free.name, free.page_size, free.use_downvote, free.write_access) == ("자유게시판", 15, True, "members")
    assert (notice.name, notice.page_size, notice.use_downvote, notice.write_access) == ("공지사항", 10, False, "staff")
    assert list(Board.objects.for_menu().values_list("slug", flat=True)) == ["notice", "free"]
    link = LegacyLink.objects.get(kind="board", old_key="free")
    assert link.data["categories"] == ["잡담", "질문"] and link.data["levels"]["write"] == 2


def test_members_states_and_renames(import_gnuboard):
    report = import_gnuboard()
    users = {user.username: user for user in User.objects.all()}
    assert users["alice"].nickname == "앨리스" and users["alice"].email == "alice@example.com"
    # bob had alice's nickname and e-mail (in other case): renamed, e-mail left empty, reported.
    assert users["bob"].nickname == "앨리스2" and users["bob"].email == ""
    assert "bob: 닉네임 '앨리스' → '앨리스2'" in report
    assert len(users["longnick"].nickname) == 20 and "longnick: 닉네임" in report
    assert users["frank"].nickname == "frank" and "frank: 닉네임 '' → 'frank'" in report
    assert not users["frank"].has_usable_password()
    # 차단 and 탈퇴 cannot log in; 탈퇴 shows as such.
    assert not users["dave"].is_active and users["dave"].withdrawn_at is None
    assert not users["erin"].is_active and users["erin"].withdrawn_at == datetime(2022, 5, 5, tzinfo=KST)
    assert users["erin"].display_name == "탈퇴한 회원"
    # Level 10 → 운영진.
    assert users["admin"].is_staff and not users["alice"].is_staff
    assert Group.objects.get(name="운영진") in users["admin"].groups.all()
    assert users["alice"].date_joined == datetime(2019, 5, 1, 10, 0, tzinfo=KST)
    assert users["carol"].last_login is None  # 0000-00-00
    assert LegacyLink.objects.get(kind="member", old_key="admin").data["point"] == 5000


def test_members_of_this_site_keep_their_names(import_gnuboard, make_user, make_post):
    """A site that already has members: theirs stay, the imported ones are renamed."""
    ours = make_user(username="Alice", nickname="앨리스", email="ALICE@example.com")
    make_post(author=ours, title="우리 글")
    report = import_gnuboard()
    theirs = LegacyLink.objects.get(kind="member", old_key="alice").user
    assert theirs != ours
    assert (theirs.username, theirs.nickname, theirs.email) == ("alice_2", "앨리스2", "")
    assert "alice: 아이디 'alice' → 'alice_2'" in report and "alice: 닉네임 '앨리스' → '앨리스2'" in report
    assert LegacyLink.objects.get(kind="member", old_key="bob").user.nickname == "앨리스3"
    assert User.objects.get(pk=ours.pk).posts.get().title == "우리 글"
    assert post("free", 1).author == theirs


def test_posts_keep_their_authors_times_and_places(import_gnuboard):
    import_gnuboard()
    first = post("free", 1)
    assert first.author.username == "alice"
    assert first.created_at == datetime(2023, 1, 2, 9, 30, tzinfo=KST)
    assert first.source_url == "https://news.example.com/ai?id=1"
    guest = post("free", 2)
    assert guest.author is None and guest.guest_name == "지나가던손님"
    assert guest.created_at == first.created_at  # 0000-00-00: the date of the post before it
    assert post("free", 3).is_notice and not post("free", 1).is_notice
    secret = post("free", 4)
    assert secret.is_hidden
    assert post("free", 5).answer_to == first
    assert post("free", 6).answer_to == post("free", 5)
    assert guest.byline == "지나가던손님 (비회원)"  # never mistaken for a member
    gone = post("free", 7)
    assert gone.author is None and gone.guest_name == "" and gone.byline == "탈퇴한 회원"
    assert post("free", 8).byline == "탈퇴한 회원" and first.byline == "앨리스"
    assert len(post("notice", 2).title) == 200
    assert LegacyLink.objects.get(kind="post", board_key="free", old_key="1").data["category"] == "잡담"
    # Ids follow creation time across boards (lists and search walk them newest first).
    times = list(Post.objects.order_by("id").values_list("created_at", flat=True))
    assert times == sorted(times)


def test_plain_text_keeps_its_lines_and_characters(import_gnuboard, client):
    import_gnuboard()
    guest = post("free", 2)
    assert "첫 줄입니다.<br>" in guest.body_html
    page = main_text(client.get(guest.get_absolute_url()))
    for line in [
        "둘째 줄 *별표* 그대로",
        "# 제목이 아닌 줄",
        "1. 목록이 아닌 줄",
        "<b>태그처럼 보이는 글자</b> & 기호",
    ]:
        assert line in page
    assert "<h1" not in guest.body_html and "<ol" not in guest.body_html and "<b>" not in guest.body_html


def test_comment_threads_flatten_in_order(import_gnuboard, client):
    import_gnuboard()
    first = post("free", 1)
    top = comment(10)
    # Five levels become one: every reply of the thread answers its first comment.
    for wr_id in (11, 12, 13, 14, 15):
        assert comment(wr_id).parent == top
    assert comment(16).parent is None and comment(16).byline == "손님2 (비회원)"
    assert comment(17).parent == comment(16) and comment(17).is_hidden
    # The first comment of thread 3 is gone: its reply starts the thread, the next answers it.
    assert comment(18).parent is None and comment(19).parent == comment(18)
    # The middle of thread 4 is gone: the reply answers the nearest kept comment.
    assert comment(21).parent == comment(20)
    assert comment(23).created_at == post("free", 2).created_at  # 0000-00-00
    # The page shows them in Gnuboard's order.
    html = client.get(first.get_absolute_url()).content.decode()
    shown = [int(n) for n in re.findall(r'<article id="c(\d+)"', html)]
    expected = [comment(n).pk for n in (10, 11, 12, 13, 14, 15, 16, 18, 19, 20, 21)]
    assert shown == expected


def test_no_imported_body_carries_active_markup(import_gnuboard, client):
    report = import_gnuboard()
    for item in Post.objects.all():
        assert problems(item.body_html, POST_TAGS) == [], item.body_html
        assert not re.search(r"<script|javascript:|onerror|onclick|onload", item.body, re.I), item.body
    for item in Comment.objects.all():
        assert problems(item.body_html, COMMENT_TAGS) == [], item.body_html
    first = post("free", 1)
    html = first.body_html
    assert "AI 소식 <strong>굵게</strong> 클릭" in html
    assert '<a href="https://example.com/story"' in html and "나쁜 링크" in html
    assert '<a href="https://www.youtube.com/embed/abc123"' in html  # the iframe became a link
    assert "<td>표 칸</td>" in html
    assert "hotlink.example.com" not in html  # plain http pictures are not allowed here
    prose = served_prose(client.get(first.get_absolute_url()))
    assert prose and not any("alert(" in part or "<script" in part for part in prose)
    # A comment that talks about <script> shows it as text.
    assert "&lt;script&gt;alert(1)&lt;/script&gt; 는 글자로" in comment(24).body_html
    for line in ["스크립트(<script>): 1개", "이벤트 처리 속성(onclick 등): 1개", "위험한 주소(javascript: 등): 1개"]:
        assert line in report


def test_pictures_are_copied_through_our_checks(import_gnuboard):
    report = import_gnuboard()
    first = post("free", 1)
    pictures = list(PostImage.objects.filter(post=first))
    assert {p.original_name for p in pictures} == {"고양이 사진 (1).png", "ok.jpg"}
    for picture in pictures:
        assert picture.image.url in first.body_html
        with default_storage.open(picture.image.name) as handle, Image.open(handle) as image:
            assert image.size == (picture.width, picture.height)
            assert not image.getexif()  # the editor picture's GPS position is gone
    # The attachment is shown above the text, as Gnuboard shows it.
    assert first.body.startswith("![고양이 사진 (1).png](/media/posts/")
    assert first.thumbnail_url.startswith("/media/thumbs/")
    # The missing editor picture is left out and reported; so is the missing attachment.
    assert "사라진 사진" not in first.body_html
    assert "editor/2301/gone.jpg (free 글 1) — 파일 없음" in report
    assert "file/free/2040713473_gone.png (free 글 1) — 파일 없음" in report
    # The broken JPEG is refused and kept for later with the PDF.
    assert "file/free/2040713472_bad.jpg (free 글 1) — 깨진.jpg: 이미지 파일이 아닙니다" in report
    later = LegacyRecord.objects.filter(kind="attachment").order_by("old_key")
    assert [(r.old_key, r.data["source"], r.data["post_id"]) for r in later] == [
        ("1/1", "보고서.pdf", first.pk),
        ("1/2", "깨진.jpg", first.pk),
    ]
    notice = post("notice", 1)
    assert notice.images.count() == 1 and notice.images.get().image.url in notice.body_html


def test_members_data_with_no_home_yet_is_kept(import_gnuboard):
    import_gnuboard()
    alice, bob = User.objects.get(username="alice"), User.objects.get(username="bob")
    scrap = LegacyRecord.objects.get(kind="scrap")
    assert scrap.data["mb_id__user_id"] == alice.pk and scrap.data["post_id"] == post("free", 1).pk
    memo = LegacyRecord.objects.get(kind="memo")
    assert memo.data["me_memo"] == "안녕 밥" and memo.data["me_recv_mb_id__user_id"] == bob.pk
    assert memo.data["me_read_datetime"] is None  # unread
    assert LegacyRecord.objects.get(kind="point").data["po_point"] == 10


def test_imported_posts_show_on_the_pages(import_gnuboard, client):
    import_gnuboard()
    listing = client.get("/b/free/")
    assert listing.status_code == 200
    text = main_text(listing)
    assert "스크립트가 든 글" in text and "손님의 글" in text and "비밀글" not in text
    assert client.get(post("free", 4).get_absolute_url()).status_code == 404  # secret: hidden
    found = client.get("/search/", {"q": "스크립트"}).content.decode()
    assert f'href="{post("free", 1).get_absolute_url()}' in found
    feed = client.get("/b/free/feed/").content.decode()
    assert "지나가던손님 (비회원)" in feed


def test_second_run_changes_nothing(import_gnuboard):
    import_gnuboard()
    before = snapshot()
    report = import_gnuboard()
    assert snapshot() == before
    assert "- 글: 읽음 10, 가져옴 0, 건너뜀: 이미 가져옴 10" in report
    assert "- 회원: 읽음 8, 가져옴 0, 건너뜀: 이미 가져옴 8" in report
    assert "- 댓글: 읽음 15, 가져옴 0, 건너뜀: 글이 없는 댓글 1, 건너뜀: 이미 가져옴 14" in report
    assert "- 추천: 읽음 9, 가져옴 0" in report


def snapshot():
    return {
        "users": list(User.objects.order_by("id").values_list("username", "nickname", "password", "is_active")),
        "posts": list(
            Post.objects.order_by("id").values_list(
                "id", "title", "body_html", "upvote_count", "downvote_count", "comment_count", "answer_to_id"
            )
        ),
        "comments": list(Comment.objects.order_by("id").values_list("id", "post_id", "parent_id", "body_html")),
        "votes": list(PostVote.objects.order_by("id").values_list("post_id", "user_id", "value")),
        "images": list(PostImage.objects.order_by("id").values_list("image", "post_id")),
        "links": LegacyLink.objects.count(),
        "records": LegacyRecord.objects.count(),
        "boards": list(Board.objects.order_by("id").values_list("slug", "post_count")),
    }


def test_interrupted_run_finishes_when_started_again(import_gnuboard, monkeypatch):
    """A run that dies midway (here: the third batch of posts, then the second batch of
    comments) leaves whole batches behind; the next run finishes with the right counts."""
    from board.gnuboard import writer

    real_posts, real_comments, calls = writer.write_posts, writer.write_comments, {"posts": 0, "comments": 0}

    def failing(kind, real, after):
        def write(*args, **kwargs):
            calls[kind] += 1
            if calls[kind] > after:
                raise RuntimeError("killed")
            return real(*args, **kwargs)

        return write

    monkeypatch.setattr(writer, "write_posts", failing("posts", real_posts, 2))
    with pytest.raises(RuntimeError):
        import_gnuboard()
    assert Post.objects.count() == 6  # two batches of three
    monkeypatch.setattr(writer, "write_posts", real_posts)
    monkeypatch.setattr(writer, "write_comments", failing("comments", real_comments, 1))
    with pytest.raises(RuntimeError):
        import_gnuboard()
    assert Post.objects.count() == 10 and Comment.objects.count() == 3
    monkeypatch.setattr(writer, "write_comments", real_comments)
    report = import_gnuboard()
    assert "- 글: 읽음 10, 가져옴 0, 건너뜀: 이미 가져옴 10" in report
    assert (Post.objects.count(), Comment.objects.count(), PostVote.objects.count()) == (10, 14, 5)
    assert post("free", 1).comment_count == 11 and post("free", 1).upvote_count == 2
    assert [comment(n).parent for n in (11, 15, 19, 21)] == [comment(10), comment(10), comment(18), comment(20)]
    assert post("free", 6).answer_to == post("free", 5)
    times = list(Post.objects.order_by("id").values_list("created_at", flat=True))
    assert times == sorted(times)


def test_dry_run_saves_nothing(import_gnuboard):
    report = import_gnuboard("--dry-run")
    assert "--dry-run: 아무것도 저장하지 않았습니다" in report
    assert "- 글: 읽음 10, 가져옴 10" in report
    assert (User.objects.count(), Post.objects.count(), LegacyLink.objects.count(), Board.objects.count()) == (
        0,
        0,
        0,
        0,
    )
    assert not default_storage.exists("posts")


def test_only_the_named_boards(import_gnuboard):
    import_gnuboard("--boards", "notice")
    assert list(Board.objects.values_list("slug", flat=True)) == ["notice"]
    assert Post.objects.count() == 2 and User.objects.count() == 8
    assert LegacyRecord.objects.filter(kind="scrap").count() == 0  # its board was not imported


def test_an_unknown_board_is_a_clear_error(import_gnuboard):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="없는 게시판: nosuch"):
        import_gnuboard("--boards", "nosuch")
    assert Board.objects.count() == 0


def test_a_database_that_cannot_be_read_is_a_clear_error(import_gnuboard, gnuboard_site):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="g5x_board 테이블이 없습니다"):
        import_gnuboard("--prefix", "g5x_")
    with pytest.raises(CommandError, match="연결할 수 없습니다"):
        call_command("import_gnuboard", "--db", gnuboard_site.url + "_nosuch", stdout=io.StringIO())
    with pytest.raises(CommandError, match="mysql://"):
        call_command("import_gnuboard", "--db", "postgres://somewhere/db", stdout=io.StringIO())


def test_without_data_folder_files_are_reported_missing(import_gnuboard):
    report = import_gnuboard(data=False)
    assert "--data 없음" in report
    assert PostImage.objects.count() == 0
    assert "- 없는 파일 (data/ 에서 찾지 못함): 7개" in report
    assert Post.objects.count() == 10


def test_conversion_in_a_second_process_gives_the_same_posts(import_gnuboard):
    import_gnuboard("--workers", "1")
    converted = {p.title: (p.body, p.body_html, p.excerpt) for p in Post.objects.all()}
    assert "AI 소식 <strong>굵게</strong> 클릭" in post("free", 1).body_html
    Post.objects.all().delete()
    LegacyLink.objects.filter(kind__in=["post", "comment", "file", "editor"]).delete()
    import_gnuboard("--workers", "0")
    again = {p.title: (p.body, p.body_html, p.excerpt) for p in Post.objects.all()}
    strip_media = re.compile(r"/media/(posts|thumbs)/\d{4}/\d{2}/[0-9a-f]+")
    assert {k: tuple(strip_media.sub("", x) for x in v) for k, v in converted.items()} == {
        k: tuple(strip_media.sub("", x) for x in v) for k, v in again.items()
    }
