from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from .. import markup
from .boards import Board
from .posts import Post, byline_of, visible_post_condition


class CommentQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(is_deleted=False, is_hidden=False)

    def on_visible_posts(self):
        """Visible comments whose post readers can see too."""
        return self.visible().filter(visible_post_condition("post__"))

    def readable(self, *, include_hidden=False):
        """Comments that can be opened (to edit, report or moderate): not deleted, on a post
        that is not deleted; hidden ones, and those on hidden posts, only for 운영진."""
        if include_hidden:
            return self.filter(is_deleted=False, post__is_deleted=False)
        return self.on_visible_posts()

    def by_author(self, user):
        return self.filter(author=user)

    def open_to_all(self):
        """Comments on posts of boards everyone may read (PostQuerySet.open_to_all)."""
        return self.exclude(post__board_id__in=Board.objects.with_reading_level().values("pk"))

    def for_post(self, post):
        """Every comment of the post in thread order: each parent, then its replies."""
        return self.filter(post=post).select_related("author").in_thread_order()

    def in_thread_order(self):
        return self.order_by(Coalesce("parent_id", "id"), "id")

    def shown_on_article(self, *, show_hidden):
        """What the article lists, in any order: visible comments (운영진: hidden ones too),
        and a removed top-level comment whose replies are still shown, as a placeholder
        ("삭제된 댓글입니다", "운영진이 숨긴 댓글입니다") so the replies keep their context.
        Its pages are counted over exactly these rows."""
        shown = Q(is_deleted=False) if show_hidden else Q(is_deleted=False, is_hidden=False)
        replies_shown = Comment.objects.filter(shown, parent=OuterRef("pk"))
        return self.filter(shown | Q(parent__isnull=True) & Exists(replies_shown))

    def position_of(self, comment):
        """How many of these rows come before `comment` in thread order."""
        thread = comment.parent_id or comment.pk
        before = Q(thread__lt=thread) | Q(thread=thread, id__lt=comment.pk)
        return self.annotate(thread=Coalesce("parent_id", "id")).filter(before).count()

    def recent(self):
        return self.on_visible_posts().open_to_all().select_related("post__board", "author").order_by("-id")


def thread_page(comments, *, show_hidden):
    """One page of comments (rows of shown_on_article in thread order) as the article shows
    them: top-level comments with their replies of this page as `.children`. Replies whose
    parent is on an earlier page come first, under an entry marked `continued`.

    A removed comment shows as a placeholder (`placeholder` holds its sentence) and is not
    one of the comments the count ("댓글 N") counts."""
    top_level, by_id = [], {}
    for comment in comments:
        comment.children = []
        comment.placeholder = placeholder_of(comment, show_hidden=show_hidden)
        if comment.parent_id is None:
            top_level.append(comment)
            by_id[comment.pk] = comment
        elif comment.parent_id in by_id:
            by_id[comment.parent_id].children.append(comment)
        else:
            if not top_level or not getattr(top_level[-1], "continued", False):
                top_level.append(ContinuedThread())
            top_level[-1].children.append(comment)
    return top_level


DELETED_TEXT = "삭제된 댓글입니다"
HIDDEN_TEXT = "운영진이 숨긴 댓글입니다"


def placeholder_of(comment, *, show_hidden):
    if comment.is_deleted:
        return DELETED_TEXT
    if comment.is_hidden and not show_hidden:
        return HIDDEN_TEXT
    return ""


class ContinuedThread:
    """The head of replies whose parent comment is on an earlier page."""

    continued = True
    pk = None
    parent_id = None
    placeholder = ""

    def __init__(self):
        self.children = []


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
    body_html = models.TextField(editable=False, default="")  # rendered by services/comments.py
    created_at = models.DateTimeField("작성일", default=timezone.now)
    edited_at = models.DateTimeField("수정일", null=True, blank=True, editable=False)
    is_deleted = models.BooleanField("삭제됨", default=False)
    is_hidden = models.BooleanField("숨김", default=False)
    hidden_by_ban = models.BooleanField("정지로 숨김", default=False, editable=False)
    # As Post.submission_key: the same form sent twice finds this comment.
    submission_key = models.CharField(max_length=32, blank=True, default="", db_default="", editable=False)
    guest_name = models.CharField("비회원 이름", max_length=50, blank=True, editable=False, default="", db_default="")

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = "댓글"
        verbose_name_plural = "댓글"
        constraints = [
            models.UniqueConstraint(
                fields=["author", "submission_key"], condition=~Q(submission_key=""), name="comment_submitted_once"
            ),
        ]
        indexes = [
            models.Index(fields=["post", "id"], name="comment_post_idx"),
            models.Index(fields=["-created_at", "-id"], name="comment_created_idx"),  # 새댓글
        ]

    def __str__(self):
        return self.body[:40]

    def get_absolute_url(self):
        """A short link that sends the reader to the page of the article's comments this one
        is on (views/comments.comment_link), so it needs no query to build."""
        return reverse("board:comment", args=[self.pk])

    @property
    def excerpt(self):
        return markup.excerpt_from_html(self.body_html, 60)

    @property
    def is_visible(self):
        return not (self.is_deleted or self.is_hidden)

    @property
    def byline(self):
        return byline_of(self)
