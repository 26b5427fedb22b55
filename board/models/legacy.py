"""What became of an imported Gnuboard5 site's objects here (import_gnuboard, board/legacy.py)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .comments import Comment
from .posts import Board, Post


class LegacyLinkQuerySet(models.QuerySet):
    def of_board(self, board_key):
        return self.filter(source=LegacyLink.GNUBOARD, board_key=board_key)

    def ids_by_key(self, kind, board_key=""):
        """{old key: id here} for one kind of object, for an importer's lookups."""
        column = LegacyLink.TARGET_COLUMN[kind]
        rows = self.filter(source=LegacyLink.GNUBOARD, kind=kind, board_key=board_key)
        return dict(rows.values_list("old_key", column))


class LegacyLink(models.Model):
    """What an object of an imported site (a Gnuboard5 board, member, post, comment or file)
    became here: the import's memory, so a second run imports nothing twice, and the table
    behind the old addresses' 301s (board/legacy.py). `data` keeps what this site has no
    place for yet (a post's 말머리, a member's level), for the import that brings it."""

    GNUBOARD = "gnuboard5"
    BOARD, MEMBER, POST, COMMENT, FILE, EDITOR_IMAGE = "board", "member", "post", "comment", "file", "editor"
    KIND_CHOICES = [
        (BOARD, "게시판"),
        (MEMBER, "회원"),
        (POST, "글"),
        (COMMENT, "댓글"),
        (FILE, "첨부파일"),
        (EDITOR_IMAGE, "에디터 이미지"),
    ]
    TARGET_COLUMN = {
        BOARD: "board_id",
        MEMBER: "user_id",
        POST: "post_id",
        COMMENT: "comment_id",
        FILE: "url",
        EDITOR_IMAGE: "url",
    }

    source = models.CharField("출처", max_length=20, default=GNUBOARD)
    kind = models.CharField("종류", max_length=10, choices=KIND_CHOICES)
    # The old board (bo_table) for posts, comments and files; empty for members.
    board_key = models.CharField("옛 게시판", max_length=50, blank=True)
    # wr_id, mb_id, a stored file name or yymm/file of an editor image.
    old_key = models.CharField("옛 번호", max_length=255)
    board = models.ForeignKey(Board, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    url = models.CharField("새 주소", max_length=300, blank=True)  # a file's copy under MEDIA_URL
    data = models.JSONField("기타", default=dict, blank=True)
    created_at = models.DateTimeField("가져온 시각", default=timezone.now)

    objects = LegacyLinkQuerySet.as_manager()

    class Meta:
        verbose_name = "옛 사이트 연결"
        verbose_name_plural = "옛 사이트 연결"
        constraints = [
            models.UniqueConstraint(fields=["source", "kind", "board_key", "old_key"], name="legacy_link_unique"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.board_key}/{self.old_key}"


class LegacyRecord(models.Model):
    """A row of an imported site that this site cannot show yet — an attachment that is not
    a picture, a 스크랩, a 쪽지, a 포인트 entry — kept as it was read (ids already translated
    where the objects were imported), for the import that brings the feature. Problems
    met on the way (a missing or refused file) are kept here too, for the report."""

    ATTACHMENT, SCRAP, MEMO, POINT, MISSING_FILE, REJECTED_FILE = (
        "attachment",
        "scrap",
        "memo",
        "point",
        "missing",
        "rejected",
    )
    KIND_CHOICES = [
        (ATTACHMENT, "첨부파일(이미지 아님)"),
        (SCRAP, "스크랩"),
        (MEMO, "쪽지"),
        (POINT, "포인트"),
        (MISSING_FILE, "없는 파일"),
        (REJECTED_FILE, "거부된 파일"),
    ]

    source = models.CharField("출처", max_length=20, default=LegacyLink.GNUBOARD)
    kind = models.CharField("종류", max_length=10, choices=KIND_CHOICES)
    board_key = models.CharField("옛 게시판", max_length=50, blank=True)
    old_key = models.CharField("옛 번호", max_length=255)
    data = models.JSONField("내용", default=dict)
    created_at = models.DateTimeField("가져온 시각", default=timezone.now)

    class Meta:
        verbose_name = "나중에 옮길 자료"
        verbose_name_plural = "나중에 옮길 자료"
        constraints = [
            models.UniqueConstraint(fields=["source", "kind", "board_key", "old_key"], name="legacy_record_unique"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.board_key}/{self.old_key}"
