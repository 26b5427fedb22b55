"""Boards: their menu order, who may write, the levels each action takes (회원 레벨), and
the points and attachment limits that default to settings."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse


class BoardQuerySet(models.QuerySet):
    def for_menu(self):
        return self.order_by("position", "id")

    def with_reading_level(self):
        """Boards not everyone may read (reading level above 1)."""
        return self.filter(read_level__gt=1)


def default_attachment_count():
    return settings.BOARD_ATTACHMENT_MAX_COUNT


def default_attachment_mb():
    return settings.BOARD_ATTACHMENT_MAX_MB


def default_points_post():
    return settings.BOARD_POINTS_POST


def default_points_comment():
    return settings.BOARD_POINTS_COMMENT


def default_points_vote():
    return settings.BOARD_POINTS_VOTE_RECEIVED


def level_field(label, help_text):
    return models.PositiveSmallIntegerField(
        label, default=1, validators=[MinValueValidator(1), MaxValueValidator(10)], help_text=help_text
    )


MEMBERS, STAFF = "members", "staff"
ACCESS_CHOICES = [(MEMBERS, "회원"), (STAFF, "운영진만")]


class Board(models.Model):
    slug = models.SlugField("주소", max_length=50, unique=True)
    name = models.CharField("이름", max_length=50)
    description = models.CharField("설명", max_length=200, blank=True)
    position = models.PositiveSmallIntegerField("메뉴 순서", default=0)
    page_size = models.PositiveSmallIntegerField(
        "페이지당 글 수", default=20, validators=[MinValueValidator(5), MaxValueValidator(100)]
    )
    use_downvote = models.BooleanField("비추천 사용", default=True)
    write_access = models.CharField("글쓰기 권한", max_length=10, choices=ACCESS_CHOICES, default=MEMBERS)
    comment_access = models.CharField("댓글 권한", max_length=10, choices=ACCESS_CHOICES, default=MEMBERS)
    is_readonly = models.BooleanField("읽기 전용", default=False, help_text="켜면 운영진만 글과 댓글을 쓸 수 있습니다.")
    category_required = models.BooleanField(
        "말머리 필수", default=False, help_text="켜면 말머리가 있는 게시판에서 글을 쓸 때 말머리를 골라야 합니다."
    )
    # 회원 레벨 (accounts.User.level): the least level for each action here. Lv.1 for reading
    # lets visitors read too; anything above keeps the board's pages out of the shared page
    # cache (pagecache.py), so a page is never served to a member below it.
    read_level = level_field("읽기 레벨", "이 레벨 이상 회원만 목록과 글을 볼 수 있습니다. 1이면 누구나 읽습니다.")
    write_level = level_field("글쓰기 레벨", "이 레벨 이상 회원만 글을 쓸 수 있습니다.")
    comment_level = level_field("댓글 레벨", "이 레벨 이상 회원만 댓글을 쓸 수 있습니다.")
    download_level = level_field("다운로드 레벨", "이 레벨 이상 회원만 첨부파일을 내려받을 수 있습니다.")
    attachment_max_count = models.PositiveSmallIntegerField(
        "첨부파일 수", default=default_attachment_count, validators=[MaxValueValidator(20)], help_text="0이면 첨부 금지"
    )
    attachment_max_mb = models.PositiveSmallIntegerField(
        "첨부파일 크기(MB)", default=default_attachment_mb, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    points_post = models.IntegerField("글 포인트", default=default_points_post)
    points_comment = models.IntegerField("댓글 포인트", default=default_points_comment)
    points_vote_received = models.IntegerField("추천받은 포인트", default=default_points_vote)
    # Denormalised: the list header ("전체 N건") and the pager must not COUNT(*) the table.
    post_count = models.PositiveIntegerField("글 수", default=0, editable=False)

    objects = BoardQuerySet.as_manager()

    class Meta:
        verbose_name = "게시판"
        verbose_name_plural = "게시판"
        ordering = ["position", "id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("board:post_list", args=[self.slug])
