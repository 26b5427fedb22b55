from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinLengthValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from taggit.managers import TaggableManager

from accounts.models import display_name_of

from . import markup


class BoardQuerySet(models.QuerySet):
    def for_menu(self):
        return self.order_by("position", "id")


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


class PostQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(is_hidden=False, is_deleted=False)

    def in_board(self, board):
        return self.filter(board=board)

    def notices(self):
        return self.filter(is_notice=True)

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
        """What a list row shows: no body, the author's name. The order is the caller's."""
        return self.select_related("author").defer("body", "body_html")

    def page(self, offset, limit):
        """One page of this ordered list in two steps: the ids from the index that serves
        the order (a deep page skips index entries, never table rows), then those rows.
        Page 3,000 then costs about what page 1 does."""
        ids = list(self.values_list("id", flat=True)[offset : offset + limit])
        # No ORDER BY in the second step (the ids give the order): with one, SQLite walks
        # the board's index in that order looking for the ids instead of fetching them.
        found = {row.pk: row for row in self.filter(id__in=ids).order_by()}
        return [found[pk] for pk in ids if pk in found]

    def for_detail(self):
        return self.select_related("board", "author").prefetch_related("tags")

    def popular_since(self, since):
        """인기: recent posts ranked by a score of votes, comments and views."""
        score = F("upvote_count") * 3 - F("downvote_count") + F("comment_count") * 2 + F("view_count") / 20
        return (
            self.visible().filter(created_at__gte=since).annotate(score=score).order_by("-score", "-created_at", "-id")
        )

    def sorted_by(self, sort):
        """The list orders readers can pick: 최신순, 조회순, 추천순, 댓글순."""
        first = {"views": "-view_count", "votes": "-upvote_count", "comments": "-comment_count"}.get(sort)
        return self.order_by(first, "-created_at", "-id") if first else self.newest_first()


def attach_tags(posts):
    """Give each post a plain `tag_list` from one query.

    Lists show tags on every row; taggit's manager builds a queryset per row even when
    prefetched, which cost more than the rest of a 20-row page.
    """
    from taggit.models import TaggedItem

    by_post = {post.pk: post for post in posts}
    for post in posts:
        post.tag_list = []
    if not by_post:
        return posts
    items = (
        TaggedItem.objects.filter(content_type__app_label="board", content_type__model="post", object_id__in=by_post)
        .select_related("tag")
        .order_by("tag__name")
    )
    for item in items:
        by_post[item.object_id].tag_list.append(item.tag)
    return posts


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
    body_html = models.TextField(editable=False, default="")
    excerpt = models.CharField("요약", max_length=300, editable=False, default="")
    source_url = models.URLField("원문 URL", max_length=500, blank=True)
    created_at = models.DateTimeField("작성일", default=timezone.now)
    updated_at = models.DateTimeField("변경일", auto_now=True)
    edited_at = models.DateTimeField("수정일", null=True, blank=True, editable=False)
    # Counters are denormalised so that lists never count rows; they only ever move
    # with F() expressions in the database (see services.py) and `recount` repairs them.
    view_count = models.PositiveIntegerField("조회", default=0, editable=False)
    upvote_count = models.PositiveIntegerField("추천", default=0, editable=False)
    downvote_count = models.PositiveIntegerField("비추천", default=0, editable=False)
    comment_count = models.PositiveIntegerField("댓글", default=0, editable=False)
    is_notice = models.BooleanField("공지", default=False)
    is_hidden = models.BooleanField("숨김", default=False)
    is_deleted = models.BooleanField("삭제됨", default=False)
    # Set by a ban, so lifting it restores exactly what the ban hid, not what moderators
    # or reports hid for their own reasons.
    hidden_by_ban = models.BooleanField("정지로 숨김", default=False, editable=False)
    # The first image's list thumbnail, kept on the row so lists need no extra query.
    thumbnail_url = models.CharField("목록 썸네일", max_length=300, blank=True, editable=False)
    # Imported from a site that let visitors write (Gnuboard5's 비회원 글): the name they gave.
    # Empty for members' posts; with no author and no guest name the author is withdrawn.
    # A database default too, so bulk inserts naming only the other columns still work.
    guest_name = models.CharField("비회원 이름", max_length=50, blank=True, editable=False, default="", db_default="")
    # 답변글: a post written as an answer to another post (Gnuboard5's wr_reply).
    answer_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="answers", verbose_name="답변한 글"
    )

    tags = TaggableManager("태그", blank=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = "글"
        verbose_name_plural = "글"
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="post_title_not_empty"),
        ]
        indexes = [
            # Serves the board list (newest first) and the 열람중 position count.
            models.Index(
                fields=["board", "-created_at", "-id"],
                name="post_board_visible_idx",
                condition=Q(is_hidden=False, is_deleted=False),
            ),
            models.Index(
                fields=["board", "-created_at", "-id"],
                name="post_board_notice_idx",
                condition=Q(is_notice=True, is_hidden=False, is_deleted=False),
            ),
            models.Index(fields=["-created_at", "-id"], name="post_created_idx"),
            # A member's profile: the count and the newest posts of a prolific author.
            models.Index(
                fields=["author", "-created_at", "-id"],
                name="post_author_visible_idx",
                condition=Q(is_hidden=False, is_deleted=False),
            ),
            *[
                models.Index(
                    fields=["board", f"-{counter}", "-created_at"],
                    name=f"post_board_{counter[:-6]}_idx",
                    condition=Q(is_hidden=False, is_deleted=False),
                )
                for counter in ("view_count", "upvote_count", "comment_count")
            ],
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Rendering happens once, here; pages only ever show the stored body_html.
        self.render_body()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("board:post_detail", args=[self.board.slug, self.pk])

    def render_body(self):
        self.body_html = markup.render_post(self.body)
        self.excerpt = markup.excerpt_from_html(self.body_html, settings.BOARD_EXCERPT_LENGTH)

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


def byline_of(item):
    """작성자 of a post or comment: the member's name, or for a visitor's post imported from
    Gnuboard5 the name they gave, marked so that nobody passes for a member."""
    if item.author_id is None and item.guest_name:
        return f"{item.guest_name} (비회원)"
    return display_name_of(item.author)


class CommentQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(is_deleted=False, is_hidden=False)

    def for_post(self, post):
        """Every comment of the post in thread order: each parent, then its replies."""
        return (
            self.filter(post=post).select_related("author").order_by(models.functions.Coalesce("parent_id", "id"), "id")
        )

    def recent(self):
        return (
            self.visible()
            .filter(post__is_hidden=False, post__is_deleted=False)
            .select_related("post__board", "author")
            .order_by("-id")
        )


class Comment(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments", verbose_name="글")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="comments",
        verbose_name="작성자",
    )
    # One level of replies (대댓글): a reply's parent is always a top-level comment.
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name="부모 댓글",
    )
    body = models.TextField("내용")
    body_html = models.TextField(editable=False, default="")
    created_at = models.DateTimeField("작성일", default=timezone.now)
    edited_at = models.DateTimeField("수정일", null=True, blank=True, editable=False)
    is_deleted = models.BooleanField("삭제됨", default=False)
    is_hidden = models.BooleanField("숨김", default=False)
    hidden_by_ban = models.BooleanField("정지로 숨김", default=False, editable=False)
    guest_name = models.CharField("비회원 이름", max_length=50, blank=True, editable=False, default="", db_default="")

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = "댓글"
        verbose_name_plural = "댓글"
        indexes = [
            models.Index(fields=["post", "id"], name="comment_post_idx"),
            models.Index(fields=["-created_at", "-id"], name="comment_created_idx"),  # 새댓글
        ]

    def __str__(self):
        return self.body[:40]

    def save(self, *args, **kwargs):
        self.body_html = markup.render_comment(self.body)
        super().save(*args, **kwargs)

    @property
    def excerpt(self):
        return markup.excerpt_from_html(self.body_html, 60)

    @property
    def is_visible(self):
        return not (self.is_deleted or self.is_hidden)

    @property
    def byline(self):
        return byline_of(self)


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


class PostImage(models.Model):
    """An uploaded picture: a re-encoded display copy (EXIF gone) and a list thumbnail."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="images", verbose_name="글")
    image = models.ImageField("이미지", upload_to="posts/%Y/%m/", width_field="width", height_field="height")
    thumbnail = models.ImageField("썸네일", upload_to="thumbs/%Y/%m/")
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    original_name = models.CharField("원래 파일명", max_length=255)
    created_at = models.DateTimeField("올린 시각", default=timezone.now)

    class Meta:
        verbose_name = "이미지"
        verbose_name_plural = "이미지"
        ordering = ["id"]

    def __str__(self):
        return self.original_name


class PostSearch(models.Model):
    """The search index row of a visible post: its title and text as character bigrams
    (see search.py). SQLite indexes these columns with FTS5, PostgreSQL with GIN."""

    post = models.OneToOneField(Post, on_delete=models.CASCADE, primary_key=True, related_name="search_entry")
    # Copied from the post so one board's search never leaves the index (moves reindex).
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="+", db_index=False)
    title_grams = models.TextField()
    body_grams = models.TextField()

    class Meta:
        verbose_name = "검색 색인"
        verbose_name_plural = "검색 색인"

    def __str__(self):
        return str(self.post_id)


class CommentSearch(models.Model):
    comment = models.OneToOneField(Comment, on_delete=models.CASCADE, primary_key=True, related_name="search_entry")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    grams = models.TextField()

    class Meta:
        verbose_name = "댓글 검색 색인"
        verbose_name_plural = "댓글 검색 색인"

    def __str__(self):
        return str(self.comment_id)


class SearchTermQuerySet(models.QuerySet):
    def popular_since(self, day):
        return self.filter(day__gte=day).values("term").annotate(total=models.Sum("count")).order_by("-total", "term")


class SearchTerm(models.Model):
    """인기검색어: how often a normalised query was searched each day. No reader data."""

    day = models.DateField("날짜")
    term = models.CharField("검색어", max_length=100)
    count = models.PositiveIntegerField("횟수", default=0)

    objects = SearchTermQuerySet.as_manager()

    class Meta:
        verbose_name = "검색어 통계"
        verbose_name_plural = "검색어 통계"
        constraints = [models.UniqueConstraint(fields=["day", "term"], name="search_term_per_day")]

    def __str__(self):
        return f"{self.day} {self.term}"


class Report(models.Model):
    """신고: a member flags a post or a comment, once per item."""

    SPAM, ABUSE, OBSCENE, PRIVACY, OTHER = "spam", "abuse", "obscene", "privacy", "other"
    REASON_CHOICES = [
        (SPAM, "스팸"),
        (ABUSE, "욕설/비방"),
        (OBSCENE, "음란물"),
        (PRIVACY, "개인정보 노출"),
        (OTHER, "기타"),
    ]
    OPEN, HIDDEN, DISMISSED = "open", "hidden", "dismissed"
    STATUS_CHOICES = [(OPEN, "처리 대기"), (HIDDEN, "숨김 처리"), (DISMISSED, "기각")]

    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, null=True, blank=True, related_name="reports")
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="reports")
    reason = models.CharField("사유", max_length=10, choices=REASON_CHOICES)
    detail = models.CharField("설명", max_length=500, blank=True)
    status = models.CharField("상태", max_length=10, choices=STATUS_CHOICES, default=OPEN)
    created_at = models.DateTimeField("신고 시각", default=timezone.now)
    resolved_at = models.DateTimeField("처리 시각", null=True, blank=True)

    class Meta:
        verbose_name = "신고"
        verbose_name_plural = "신고"
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "post"], condition=Q(post__isnull=False), name="report_once_per_post"
            ),
            models.UniqueConstraint(
                fields=["reporter", "comment"], condition=Q(comment__isnull=False), name="report_once_per_comment"
            ),
            models.CheckConstraint(
                condition=Q(post__isnull=False, comment__isnull=True) | Q(post__isnull=True, comment__isnull=False),
                name="report_one_target",
            ),
        ]
        indexes = [models.Index(fields=["status", "post"], name="report_open_post_idx")]

    def __str__(self):
        return f"{self.get_reason_display()} #{self.pk}"


class ModerationLogQuerySet(models.QuerySet):
    def newest_first(self):
        return self.order_by("-created_at", "-id")


class ModerationLog(models.Model):
    """Every moderation action, written in the same transaction as the action; /modlog/
    shows it publicly (without reporters)."""

    ACTIONS = [
        ("hide_post", "글 숨김"),
        ("restore_post", "글 복원"),
        ("pin_post", "공지 지정"),
        ("unpin_post", "공지 해제"),
        ("move_post", "글 이동"),
        ("delete_post", "글 삭제"),
        ("hide_comment", "댓글 숨김"),
        ("restore_comment", "댓글 복원"),
        ("delete_comment", "댓글 삭제"),
        ("auto_hide_post", "신고 누적으로 글 숨김"),
        ("auto_hide_comment", "신고 누적으로 댓글 숨김"),
        ("dismiss_reports", "신고 기각"),
        ("ban_user", "회원 정지"),
        ("unban_user", "회원 정지 해제"),
        ("restore_user_content", "회원 글·댓글 복원"),
    ]

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="운영진",
        help_text="비어 있으면 자동 처리",
    )
    action = models.CharField("조치", max_length=30, choices=ACTIONS)
    target_type = models.CharField("대상 종류", max_length=10)
    target_id = models.PositiveBigIntegerField("대상 번호")
    target_title = models.CharField("대상", max_length=200)
    reason = models.CharField("사유", max_length=500, blank=True)
    created_at = models.DateTimeField("일시", default=timezone.now)

    objects = ModerationLogQuerySet.as_manager()

    class Meta:
        verbose_name = "운영 기록"
        verbose_name_plural = "운영 기록"
        indexes = [models.Index(fields=["-created_at"], name="modlog_created_idx")]

    def __str__(self):
        return f"{self.get_action_display()}: {self.target_title}"


class ReportedQuerySet(models.QuerySet):
    """For the report queue proxies: items with open reports, most reported first."""

    def with_open_reports(self):
        open_reports = Q(reports__status=Report.OPEN)
        return (
            self.filter(open_reports)
            .annotate(open_report_count=models.Count("reports", filter=open_reports))
            .order_by("-open_report_count", "-id")
        )


class ReportedPost(Post):
    """The report queue in admin: one row per reported post, with its open report count."""

    objects = ReportedQuerySet.as_manager()

    class Meta:
        proxy = True
        verbose_name = "신고된 글"
        verbose_name_plural = "신고된 글"


class ReportedComment(Comment):
    objects = ReportedQuerySet.as_manager()

    class Meta:
        proxy = True
        verbose_name = "신고된 댓글"
        verbose_name_plural = "신고된 댓글"


# --- Imported sites -------------------------------------------------------------------------


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
