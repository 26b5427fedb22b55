from datetime import timedelta
from typing import NamedTuple

from django.conf import settings
from django.core.validators import MinLengthValidator
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from taggit.managers import TaggableManager
from taggit.models import TaggedItem

from accounts.models import display_name_of
from config.precompiled import compiled_rows

from .. import markup
from .boards import Board


def visible_post_condition(prefix=""):
    """The one rule for which posts readers may see. Lists, search, the sitemap, feeds and
    profiles all go through PostQuerySet.visible(); comments reach it through their post
    (prefix "post__"), and search's raw SQL compiles it (board/search/)."""
    return Q(**{f"{prefix}is_hidden": False, f"{prefix}is_deleted": False})


VISIBLE_POST = visible_post_condition()


class PostQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(VISIBLE_POST)

    def readable(self, *, include_hidden=False):
        """What a reader can open: visible posts, and for 운영진 (include_hidden) hidden ones
        too, marked 숨김 on the page. Deleted posts are gone for everyone."""
        return self.filter(is_deleted=False) if include_hidden else self.visible()

    def by_author(self, user):
        return self.filter(author=user)

    def open_to_all(self):
        """Posts of boards everyone may read (reading level 1). Pages that mix boards and
        are shown to everyone (홈, 새글, search, feeds, tags, the sidebar, profiles) list only
        these: a board with a reading level shows its posts on its own pages alone."""
        # NOT IN a (usually empty) list of boards rather than a join: the newest-first
        # index keeps serving the order, and each row is only checked.
        return self.exclude(board_id__in=Board.objects.with_reading_level().values("pk"))

    def in_board(self, board):
        return self.filter(board=board)

    def notices(self):
        return self.filter(is_notice=True)

    def same_source(self, key):
        """Posts whose 원문 normalises to `key` (source_urls.normalise); with visible() and
        in_board() one lookup in post_board_source_idx."""
        return self.filter(source_key=key) if key else self.none()

    def newest_first(self):
        return self.order_by("-created_at", "-id")

    def newer_than(self, post):
        """Posts listed above `post` in newest-first order (ties on the time go by id).

        The plain `created_at >=` gives the index a range to start from; with only the OR,
        SQLite walks the board's whole index (13 ms at 100,000 posts, on every article)."""
        return self.filter(created_at__gte=post.created_at).filter(
            Q(created_at__gt=post.created_at) | Q(id__gt=post.pk)
        )

    def for_list(self):
        """What a list row shows: no body, the author's name, the 말머리 (joined, so a row
        costs no query of its own). The order is the caller's."""
        return self.select_related("author", "category").defer("body", "body_html")

    def in_category(self, category):
        return self.filter(category=category)

    def page(self, offset, limit):
        """One page of this ordered list in two steps: the ids from the index that serves
        the order (a deep page skips index entries, never table rows), then those rows.
        Page 3,000 then costs about what page 1 does."""
        ids = self.page_ids(offset, limit)
        # No ORDER BY in the second step (the ids give the order): with one, SQLite walks
        # the board's index in that order looking for the ids instead of fetching them.
        found = {row.pk: row for row in self.filter(id__in=ids).order_by()}
        return [found[pk] for pk in ids if pk in found]

    def page_ids(self, offset, limit):
        """The ids of one page of this ordered list, from the index alone."""
        return list(self.values_list("id", flat=True)[offset : offset + limit])

    def in_id_order(self, ids):
        """These posts, in the order of `ids` (one query; ids no longer found are skipped)."""
        found = self.in_bulk(ids)
        return [found[pk] for pk in ids if pk in found]

    def for_detail(self):
        # Tags are read where they are shown (the article's own part, the edit form), not
        # with every post a vote or a comment looks up (fragments.py keeps the article).
        return self.select_related("board", "author", "category")

    def popular_since(self, since):
        """인기: recent posts ranked by a score of votes, comments and views."""
        score = F("upvote_count") * 3 - F("downvote_count") + F("comment_count") * 2 + F("view_count") / 20
        return (
            self.visible().filter(created_at__gte=since).annotate(score=score).order_by("-score", "-created_at", "-id")
        )

    def tag_counts(self):
        """The tags these posts carry, most used first: rows of {"tag__name", "tag__slug",
        "count"}. Counted from the tagged items, each checked against these posts by its
        key: checking each post for tags instead (object_id IN these posts) cost SQLite
        half a second at 100,000 posts, each time the sidebar was made again."""
        return (
            TaggedItem.objects.filter(content_type__app_label="board", content_type__model="post")
            .filter(Exists(self.filter(pk=OuterRef("object_id"))))
            .values("tag__name", "tag__slug")
            .annotate(count=Count("id"))
            .order_by("-count", "tag__name")
        )

    def sorted_by(self, sort):
        """The list orders readers can pick: 최신순, 조회순, 추천순, 댓글순."""
        first = {"views": "-view_count", "votes": "-upvote_count", "comments": "-comment_count"}.get(sort)
        return self.order_by(first, "-created_at", "-id") if first else self.newest_first()


class TagLabel(NamedTuple):
    """A tag as a list row shows it."""

    name: str
    slug: str


def attach_tags(posts):
    """Give each post a plain `tag_list` of TagLabels from one query.

    Lists show tags on every row; taggit's manager builds a queryset per row even when
    prefetched, which cost more than the rest of a 20-row page, and even one query's model
    instances (an item and a tag for each of a row's tags) were a tenth of a first render.
    """
    by_post = {post.pk: post for post in posts}
    for post in posts:
        post.tag_list = []
    if not by_post:
        return posts
    items = compiled_rows(  # every list page made again asks (config/precompiled.py)
        "post-tags",
        lambda *ids: (
            TaggedItem.objects.filter(content_type__app_label="board", content_type__model="post", object_id__in=ids)
            .order_by("tag__name")
            .values_list("object_id", "tag__name", "tag__slug")
        ),
        list(by_post),
    )
    for object_id, name, slug in items:
        by_post[object_id].tag_list.append(TagLabel(name, slug))
    return posts


def byline_of(item):
    """작성자 of a post or comment: the member's name, or for a visitor's post imported from
    Gnuboard5 the name they gave, marked so that nobody passes for a member."""
    if item.author_id is None and item.guest_name:
        return f"{item.guest_name} (비회원)"
    return display_name_of(item.author)


class Post(models.Model):
    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="posts", verbose_name="게시판")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="posts",
        verbose_name="작성자",
    )
    title = models.CharField("제목", max_length=200, validators=[MinLengthValidator(1)])
    body = models.TextField("본문")
    # Rendered from `body` once, by the service that saves it (services/posts.py); pages
    # only ever show these stored results.
    body_html = models.TextField(editable=False, default="")
    excerpt = models.CharField("요약", max_length=300, editable=False, default="")
    source_url = models.URLField("원문 URL", max_length=500, blank=True)
    # The 원문 URL as the duplicate check compares it (source_urls.normalise: no scheme,
    # www., trailing slash or tracking parameters), set by the saving service; indexed with
    # the board, so "already posted here?" is one index lookup.
    source_key = models.CharField(max_length=500, blank=True, default="", editable=False)
    created_at = models.DateTimeField("작성일", default=timezone.now)
    updated_at = models.DateTimeField("변경일", auto_now=True)
    edited_at = models.DateTimeField("수정일", null=True, blank=True, editable=False)
    # Counters are denormalised so that lists never count rows; they only ever move
    # with F() expressions in the database (see services.py) and `recount` repairs them.
    view_count = models.PositiveIntegerField("조회", default=0, editable=False)
    upvote_count = models.PositiveIntegerField("추천", default=0, editable=False)
    downvote_count = models.PositiveIntegerField("비추천", default=0, editable=False)
    comment_count = models.PositiveIntegerField("댓글", default=0, editable=False)
    # 첨부파일 on the post: the article asks for them only when there are some. A database
    # default too, for the bulk inserts that name only the other columns (demo_bulk, imports).
    attachment_count = models.PositiveSmallIntegerField("첨부파일 수", default=0, db_default=0, editable=False)
    is_notice = models.BooleanField("공지", default=False)
    is_hidden = models.BooleanField("숨김", default=False)
    is_deleted = models.BooleanField("삭제됨", default=False)
    # Set by a ban, so lifting it restores exactly what the ban hid, not what moderators
    # or reports hid for their own reasons.
    hidden_by_ban = models.BooleanField("정지로 숨김", default=False, editable=False)
    # The first image's list thumbnail, kept on the row so lists need no extra query.
    thumbnail_url = models.CharField("목록 썸네일", max_length=300, blank=True, editable=False)
    # The one-time key of the form that wrote it: the same form sent again (Back, then 등록
    # again; a double tap on a slow phone) finds this post instead of making a second one.
    submission_key = models.CharField(max_length=32, blank=True, default="", db_default="", editable=False)
    # Imported from a site that let visitors write (Gnuboard5's 비회원 글): the name they gave.
    # Empty for members' posts; with no author and no guest name the author is withdrawn.
    # A database default too, so bulk inserts naming only the other columns still work.
    guest_name = models.CharField("비회원 이름", max_length=50, blank=True, editable=False, default="", db_default="")
    # 답변글: a post written as an answer to another post (Gnuboard5's wr_reply).
    answer_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="answers", verbose_name="답변한 글"
    )
    # 말머리: one of the board's categories (models/categories.py), or none.
    category = models.ForeignKey(
        "board.Category", on_delete=models.SET_NULL, null=True, blank=True, related_name="posts", verbose_name="말머리"
    )

    tags = TaggableManager("태그", blank=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = "글"
        verbose_name_plural = "글"
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="post_title_not_empty"),
            models.UniqueConstraint(
                fields=["author", "submission_key"], condition=~Q(submission_key=""), name="post_submitted_once"
            ),
        ]
        indexes = [
            # Serves the board list (newest first) and the 열람중 position count.
            models.Index(
                fields=["board", "-created_at", "-id"],
                name="post_board_visible_idx",
                condition=VISIBLE_POST,
            ),
            models.Index(
                fields=["board", "-created_at", "-id"],
                name="post_board_notice_idx",
                condition=Q(is_notice=True, is_hidden=False, is_deleted=False),
            ),
            models.Index(fields=["-created_at", "-id"], name="post_created_idx"),
            # A board's list filtered by 말머리 (a category is of one board), and its count.
            models.Index(
                fields=["category", "-created_at", "-id"], name="post_category_visible_idx", condition=VISIBLE_POST
            ),
            # The duplicate check: the newest visible post of a board with this 원문 key.
            models.Index(
                fields=["board", "source_key", "-created_at", "-id"],
                name="post_board_source_idx",
                condition=VISIBLE_POST,
            ),
            # A member's profile: the count and the newest posts of a prolific author.
            models.Index(
                fields=["author", "-created_at", "-id"],
                name="post_author_visible_idx",
                condition=VISIBLE_POST,
            ),
            *[
                models.Index(
                    fields=["board", f"-{counter}", "-created_at"],
                    name=f"post_board_{counter[:-6]}_idx",
                    condition=VISIBLE_POST,
                )
                for counter in ("view_count", "upvote_count", "comment_count")
            ],
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("board:post_detail", args=[self.board.slug, self.pk])

    @property
    def is_new(self):
        return self.created_at >= timezone.now() - timedelta(hours=settings.BOARD_NEW_BADGE_HOURS)

    @property
    def byline(self):
        """작성자 as pages show it (see byline_of)."""
        return byline_of(self)

    @property
    def first_image_url(self):
        """The body's first picture, for share previews (og:image)."""
        return markup.first_image_src(self.body_html)

    @property
    def source_domain(self):
        return markup.domain_of(self.source_url)


class PostVote(models.Model):
    UP = 1
    DOWN = -1
    VALUE_CHOICES = [(UP, "추천"), (DOWN, "비추천")]

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="votes", verbose_name="글")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="post_votes", verbose_name="회원"
    )
    value = models.SmallIntegerField("값", choices=VALUE_CHOICES)
    created_at = models.DateTimeField("일시", default=timezone.now)

    class Meta:
        verbose_name = "추천/비추천"
        verbose_name_plural = "추천/비추천"
        constraints = [
            models.UniqueConstraint(fields=["user", "post"], name="vote_one_per_member"),
            models.CheckConstraint(condition=Q(value__in=[1, -1]), name="vote_value_up_or_down"),
        ]
        indexes = [models.Index(fields=["post", "value"], name="vote_post_idx")]

    def __str__(self):
        return f"{self.get_value_display()} {self.post_id}"


# Pictures are stored under these folders with random names (images.prepare_upload); a
# picture kept across 미리보기 lives there from the start, so using it moves no file.
IMAGE_UPLOAD_TO = "posts/%Y/%m/"
THUMBNAIL_UPLOAD_TO = "thumbs/%Y/%m/"


class PostImage(models.Model):
    """An uploaded picture: a re-encoded display copy (EXIF gone) and a list thumbnail.
    `position` is the member's order: [이미지N] is the N-th, the first is the thumbnail."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="images", verbose_name="글")
    image = models.ImageField("이미지", upload_to=IMAGE_UPLOAD_TO, width_field="width", height_field="height")
    thumbnail = models.ImageField("썸네일", upload_to=THUMBNAIL_UPLOAD_TO)
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    original_name = models.CharField("원래 파일명", max_length=255)
    position = models.PositiveSmallIntegerField("순서", default=0)
    created_at = models.DateTimeField("올린 시각", default=timezone.now)

    class Meta:
        verbose_name = "이미지"
        verbose_name_plural = "이미지"
        ordering = ["position", "id"]

    def __str__(self):
        return self.original_name

    @property
    def token(self):
        """How the post form names an attached picture (see forms.AttachedImages)."""
        return f"p{self.pk}"


class PendingImage(models.Model):
    """A picture chosen on the post form but not yet part of a post: kept across 미리보기,
    a refused submission and the image list's buttons, for its member only. Saving the post
    turns it into a PostImage (same files); `clean_pending_images` removes those left for
    BOARD_PENDING_IMAGE_HOURS, files and all."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="회원")
    image = models.ImageField("이미지", upload_to=IMAGE_UPLOAD_TO, width_field="width", height_field="height")
    thumbnail = models.ImageField("썸네일", upload_to=THUMBNAIL_UPLOAD_TO)
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    original_name = models.CharField("원래 파일명", max_length=255)
    created_at = models.DateTimeField("올린 시각", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "임시 이미지"
        verbose_name_plural = "임시 이미지"

    def __str__(self):
        return self.original_name

    @property
    def token(self):
        return f"t{self.pk}"
