"""Writes that touch counters or several rows. Each runs in one transaction and moves
counters with F() expressions, so concurrent requests never lose an update."""

from django.db import transaction
from django.db.models import Count, F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import Board, Comment, Post, PostVote


def create_post(*, board, author, title, body, tags=(), source_url="", is_notice=False, created_at=None):
    with transaction.atomic():
        post = Post(
            board=board,
            author=author,
            title=title,
            body=body,
            source_url=source_url,
            is_notice=is_notice,
            created_at=created_at or timezone.now(),
        )
        post.save()
        if tags:
            post.tags.add(*tags)
        Board.objects.filter(pk=board.pk).update(post_count=F("post_count") + 1)
    return post


def hide_post(*, post):
    """Take a post off every list and page. Returns False if it was already hidden."""
    with transaction.atomic():
        # The conditional UPDATE decides, so two moderators clicking at once count once.
        changed = Post.objects.filter(pk=post.pk, is_hidden=False).update(is_hidden=True)
        if changed and not post.is_deleted:
            Board.objects.filter(pk=post.board_id).update(post_count=F("post_count") - 1)
    post.is_hidden = True
    return bool(changed)


def add_comment(*, post, author, body, parent=None, created_at=None):
    with transaction.atomic():
        comment = Comment(post=post, author=author, body=body, parent=parent, created_at=created_at or timezone.now())
        comment.save()
        Post.objects.filter(pk=post.pk).update(comment_count=F("comment_count") + 1)
    return comment


def delete_comment(*, comment):
    """Soft delete: replies keep their place under a "삭제된 댓글입니다" placeholder."""
    with transaction.atomic():
        changed = Comment.objects.filter(pk=comment.pk, is_deleted=False).update(is_deleted=True)
        if changed and not comment.is_hidden:
            Post.objects.filter(pk=comment.post_id).update(comment_count=F("comment_count") - 1)
    comment.is_deleted = True
    return bool(changed)


def count_view(*, post):
    """One more view, added in the database so concurrent readers never overwrite each other."""
    Post.objects.filter(pk=post.pk).update(view_count=F("view_count") + 1)
    post.view_count += 1  # what this page shows; the stored value is never written back


def _count_of(queryset, field):
    """A correlated COUNT for UPDATE ... SET counter = (SELECT COUNT(*) ...), 0 when none."""
    counted = queryset.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), Value(0))


def recount_counters(*, posts=None):
    """Set denormalised counters from the rows themselves (views are kept: no rows record them).

    Runs as a few set-based UPDATEs, so it stays fast at 100,000 posts.
    """
    posts = Post.objects.all() if posts is None else posts
    with transaction.atomic():
        posts.update(
            comment_count=_count_of(Comment.objects.visible(), "post"),
            upvote_count=_count_of(PostVote.objects.filter(value=PostVote.UP), "post"),
            downvote_count=_count_of(PostVote.objects.filter(value=PostVote.DOWN), "post"),
        )
        Board.objects.update(post_count=_count_of(Post.objects.visible(), "board"))
