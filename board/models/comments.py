from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .. import markup
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

    def for_post(self, post):
        """Every comment of the post in thread order: each parent, then its replies."""
        return (
            self.filter(post=post).select_related("author").order_by(models.functions.Coalesce("parent_id", "id"), "id")
        )

    def recent(self):
        return self.on_visible_posts().select_related("post__board", "author").order_by("-id")

    def threaded(self, *, show_hidden):
        """Top-level comments with their replies attached as `.children`, from a queryset
        in thread order (for_post).

        A removed comment that still has replies stays as a placeholder ("삭제된 댓글입니다")
        so the replies keep their context; without replies it disappears.
        """
        top_level = []
        by_id = {}
        for comment in self:
            comment.children = []
            comment.shows_placeholder = comment.is_deleted or (comment.is_hidden and not show_hidden)
            if comment.parent_id is None:
                top_level.append(comment)
                by_id[comment.pk] = comment
            elif comment.parent_id in by_id and not comment.shows_placeholder:
                by_id[comment.parent_id].children.append(comment)
        return [c for c in top_level if not c.shows_placeholder or c.children]


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
        return f"{self.post.get_absolute_url()}#c{self.pk}"

    @property
    def excerpt(self):
        return markup.excerpt_from_html(self.body_html, 60)

    @property
    def is_visible(self):
        return not (self.is_deleted or self.is_hidden)

    @property
    def byline(self):
        return byline_of(self)
