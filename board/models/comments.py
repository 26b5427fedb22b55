from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from config.precompiled import compiled_rows

from .. import markup
from .boards import Board
from .posts import Post, PostVote, byline_of, visible_post_condition


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

    def before_in_thread(self, thread, comment_id):
        """These rows before comment `comment_id` of `thread` (its top-level comment's id)."""
        before = Q(thread__lt=thread) | Q(thread=thread, id__lt=comment_id)
        return self.annotate(thread=Coalesce("parent_id", "id")).filter(before)

    def position_of(self, comment, *, show_hidden):
        """How many comments the article shows before `comment`, in thread order. Every new
        comment's writer is sent to its page: the count's SQL is compiled once."""
        found = compiled_rows(
            f"comment-position:{int(show_hidden)}",
            lambda post_id, thread, comment_id: (
                Comment.objects.filter(post_id=post_id)
                .shown_on_article(show_hidden=show_hidden)
                .before_in_thread(thread, comment_id)
                .order_by()
                .values("post_id")
                .annotate(before=Count("id"))
                .values_list("before")
            ),
            [comment.post_id, comment.parent_id or comment.pk, comment.pk],
        )
        return found[0][0] if found else 0

    def recent(self):
        return self.on_visible_posts().open_to_all().select_related("post__board", "author").order_by("-id")

    def best_of(self, post, *, limit, min_votes):
        """베스트 댓글: the post's most-추천 visible comments, at least `min_votes` each (one
        lookup in comment_best_idx)."""
        return (
            self.visible()
            .filter(post=post, upvote_count__gte=max(min_votes, 1))
            .select_related("author")
            .order_by("-upvote_count", "id")[:limit]
        )


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


def thread_items(thread):
    """The comments of a thread_page, replies included, without the heads of continued threads."""
    return [item for comment in thread for item in [comment, *comment.children] if item.pk is not None]


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
    # Denormalised (베스트 댓글 and each comment's 추천 count need no COUNT): moved with F()
    # by services/votes.py, repaired by `recount`. A database default, as guest_name.
    upvote_count = models.PositiveIntegerField("추천", default=0, db_default=0, editable=False)

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
            # 베스트 댓글: only comments with a 추천 are in it, so it stays small.
            models.Index(
                fields=["post", "-upvote_count", "id"], name="comment_best_idx", condition=Q(upvote_count__gt=0)
            ),
        ]

    def __str__(self):
        return self.body[:40]

    def get_absolute_url(self):
        """A short link that sends the reader to the page of the article's comments this one
        is on (views/comments.comment_link), so it needs no query to build."""
        return reverse("board:comment", args=[self.pk])

    @property
    def excerpt(self):
        return markup.excerpt_from_stored_html(self.body_html, 60)

    @property
    def is_visible(self):
        return not (self.is_deleted or self.is_hidden)

    @property
    def byline(self):
        return byline_of(self)


class CommentVote(models.Model):
    """댓글 추천: one per member and comment (no 비추천 on comments, as on most Korean boards)."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="votes", verbose_name="댓글")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comment_votes", verbose_name="회원"
    )
    created_at = models.DateTimeField("일시", default=timezone.now)

    class Meta:
        verbose_name = "댓글 추천"
        verbose_name_plural = "댓글 추천"
        constraints = [models.UniqueConstraint(fields=["user", "comment"], name="comment_vote_one_per_member")]

    def __str__(self):
        return f"추천 {self.comment_id}"


def member_votes(user, post_id):
    """(this member's vote on the post: 1, -1 or None; the ids of its comments they
    추천ed), in one query compiled once (config/precompiled.py): what an article page
    shows pressed for them, on any page of its comments."""
    if not user.is_authenticated:
        return None, set()
    rows = compiled_rows("member-votes", _votes_of, [post_id, user.pk, post_id, user.pk])
    # A comment's id is never 0: the row with 0 is the vote on the post.
    my_vote = next((value for item, value in rows if item == 0), None)
    return my_vote, {item for item, _ in rows if item != 0}


def _votes_of(post_id, user_id, comments_post_id, comment_user_id):
    post_vote = PostVote.objects.filter(post_id=post_id, user_id=user_id)
    # A member's 추천 on comments are few: the unique (member, comment) index finds them.
    comment_votes = CommentVote.objects.filter(user_id=comment_user_id, comment__post_id=comments_post_id)
    return post_vote.values_list(Value(0, output_field=models.IntegerField()), "value").union(
        comment_votes.values_list("comment_id", Value(1, output_field=models.SmallIntegerField())), all=True
    )
