"""Comments and replies. Markdown is rendered here, once, when the text is saved."""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts import notifying
from accounts.models import PointEntry

from .. import invalidation, markup, search, sidebar
from ..models import Comment, Post
from . import points
from .moderation import log_moderation
from .posts import repeated_submission


def add_comment(*, post, author, body, parent=None, created_at=None, submission_key=""):
    """A new comment or reply. Sent again with the same `submission_key`, it makes nothing
    and returns the comment the first submission made, marked `.repeated`."""
    if repeated := repeated_submission(Comment, author, submission_key):
        return repeated
    # Replies stay one level deep: answering a reply answers its parent's thread.
    if parent is not None and parent.parent_id is not None:
        parent = parent.parent
    mentions, found = notifying.mentions_in(body)
    try:
        with transaction.atomic():
            comment = Comment.objects.create(
                post=post,
                author=author,
                body=body,
                body_html=markup.render_comment(body, mentions),
                parent=parent,
                created_at=created_at or timezone.now(),
                submission_key=submission_key,
            )
            points.award_points(
                member_id=author.pk if author else None,
                amount=post.board.points_comment,
                reason=PointEntry.COMMENT,
                post_id=post.pk,
                comment_id=comment.pk,
            )
            search.index_comments([comment], fresh=True)  # a new comment has no index row to replace
            _comment_changed(post.pk, post.board.slug)
            notifying.notify_comment(comment=comment, post=post, mentioned=notifying.mentioned(mentions, found))
            # Last, so the post's row (which every reader's view count also updates) stays
            # locked only until the commit.
            Post.objects.filter(pk=post.pk).update(comment_count=F("comment_count") + 1)
    except IntegrityError:
        if repeated := repeated_submission(Comment, author, submission_key):
            return repeated
        raise
    comment.repeated = False
    return comment


def edit_comment(*, comment, body, author=None):
    """`author` is for superusers correcting a comment in admin."""
    mentions, found = notifying.mentions_in(body)
    with transaction.atomic():
        before = comment.body
        comment.body = body
        comment.body_html = markup.render_comment(body, mentions)
        comment.edited_at = timezone.now()
        fields = ["body", "body_html", "edited_at"]
        if author is not None:
            comment.author = author
            fields.append("author")
        comment.save(update_fields=fields)
        search.index_comments([comment])
        _comment_changed(comment.post_id, comment.post.board.slug)
        if newly := notifying.mentioned(mentions, found, before=before):
            notifying.notify_mentions(post=comment.post, comment=comment, mentioned=newly)
    return comment


def delete_comment(*, comment, moderator=None, reason=""):
    """Soft delete: replies keep their place under a "삭제된 댓글입니다" placeholder."""
    with transaction.atomic():
        changed = Comment.objects.filter(pk=comment.pk, is_deleted=False).update(is_deleted=True)
        if changed and not comment.is_hidden:
            Post.objects.filter(pk=comment.post_id).update(comment_count=F("comment_count") - 1)
        if changed:
            points.take_back_points(member_id=comment.author_id, comment=comment)
        comment.is_deleted = True
        search.index_comments([comment])
        _comment_changed(comment.post_id, comment.post.board.slug)
        if changed and moderator is not None and moderator.pk != comment.author_id:
            log_moderation(moderator=moderator, action="delete_comment", target=comment, reason=reason)
    return bool(changed)


def _comment_changed(post_id, board_slug):
    """invalidation.comment_changed with the sidebar's rebuild of 최근 댓글, which the writer
    runs at the commit: invalidation cannot import the sidebar (it reads invalidation's keys)."""
    invalidation.comment_changed(post_id, board_slug, rebuild_recent_comments=sidebar.rebuild_recent_comments)
