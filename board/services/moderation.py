"""What 운영진 and reports do: hide, restore, pin, the report queue, the moderation log, and
the member-wide clean-up behind a ban. Every action writes a log row in its transaction."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils import timezone

from accounts import notifying
from accounts.models import User

from .. import invalidation, search
from ..models import Board, Comment, ModerationLog, Post, Report

RESTORE_SLICE = 5000  # ids per query when a member's hidden writing is indexed again


def hide_post(*, post, moderator=None, reason="", action="hide_post"):
    """Take a post off every list, page, feed and search. Returns False if already hidden."""
    with transaction.atomic():
        # The conditional UPDATE decides, so two moderators clicking at once count once.
        changed = Post.objects.filter(pk=post.pk, is_hidden=False).update(is_hidden=True)
        if changed:
            if not post.is_deleted:
                Board.objects.filter(pk=post.board_id).update(post_count=F("post_count") - 1)
            post.is_hidden = True
            search.index_posts([post])
            invalidation.moderation_changed()
            log_moderation(moderator=moderator, action=action, target=post, reason=reason)
            notifying.notify_moderation(
                author_id=post.author_id, post=post, hidden=True, by_reports=action == "auto_hide_post"
            )
    return bool(changed)


def restore_post(*, post, moderator, reason=""):
    """Undo a hide; open reports on the post are dismissed (a moderator has decided)."""
    with transaction.atomic():
        changed = Post.objects.filter(pk=post.pk, is_hidden=True).update(is_hidden=False, hidden_by_ban=False)
        if changed:
            if not post.is_deleted:
                Board.objects.filter(pk=post.board_id).update(post_count=F("post_count") + 1)
            post.is_hidden = False
            search.index_posts([post])
            invalidation.moderation_changed()
            _close_reports(Report.objects.filter(post=post), Report.DISMISSED)
            log_moderation(moderator=moderator, action="restore_post", target=post, reason=reason)
            notifying.notify_moderation(author_id=post.author_id, post=post, hidden=False)
    return bool(changed)


def set_notice(*, post, moderator, pinned, reason=""):
    """공지: pin or unpin. Returns False if nothing changed."""
    with transaction.atomic():
        changed = Post.objects.filter(pk=post.pk, is_notice=not pinned).update(is_notice=pinned)
        if changed:
            post.is_notice = pinned
            invalidation.moderation_changed()
            log_moderation(
                moderator=moderator, action="pin_post" if pinned else "unpin_post", target=post, reason=reason
            )
    return bool(changed)


def set_comment_hidden(*, comment, moderator, hidden, reason="", action=None):
    """Hide or restore one comment; comment_count counts visible comments only."""
    with transaction.atomic():
        changed = Comment.objects.filter(pk=comment.pk, is_hidden=not hidden).update(
            is_hidden=hidden, hidden_by_ban=False
        )
        if changed:
            if not comment.is_deleted:
                delta = -1 if hidden else 1
                Post.objects.filter(pk=comment.post_id).update(comment_count=F("comment_count") + delta)
            comment.is_hidden = hidden
            search.index_comments([comment])
            invalidation.moderation_changed()
            if not hidden:
                _close_reports(Report.objects.filter(comment=comment), Report.DISMISSED)
            action = action or ("hide_comment" if hidden else "restore_comment")
            log_moderation(moderator=moderator, action=action, target=comment, reason=reason)
            notifying.notify_moderation(
                author_id=comment.author_id, comment=comment, hidden=hidden, by_reports=action == "auto_hide_comment"
            )
    return bool(changed)


def log_moderation(*, moderator, action, target, reason=""):
    """One row of the public moderation log; called inside the action's transaction."""
    if isinstance(target, Post):
        kind, title = "post", target.title
    elif isinstance(target, Comment):
        # Not the comment's text: it may be what was hidden (개인정보 노출).
        kind, title = "comment", f"{target.post.title} — 댓글 #{target.pk}"
    elif isinstance(target, User):
        kind, title = "user", target.nickname
    else:
        raise TypeError(f"cannot log {target!r}")
    # Every moderation action may change what any page or the sidebar shows.
    invalidation.moderation_changed()
    ModerationLog.objects.create(
        moderator=moderator if moderator is not None and moderator.is_authenticated else None,
        action=action,
        target_type=kind,
        target_id=target.pk,
        target_title=title[:200],
        reason=(reason or "")[:500],
    )


def _close_reports(reports, status):
    return reports.filter(status=Report.OPEN).update(status=status, resolved_at=timezone.now())


class AlreadyReported(Exception):
    pass


def report_item(*, reporter, reason, detail="", post=None, comment=None):
    """신고 once per member and item. At BOARD_AUTO_HIDE_REPORTS distinct open reports the
    item is hidden until a moderator decides. Returns True if this report hid it."""
    try:
        with transaction.atomic():
            Report.objects.create(reporter=reporter, post=post, comment=comment, reason=reason, detail=detail[:500])
    except IntegrityError as error:
        raise AlreadyReported from error
    with transaction.atomic():
        target = post or comment
        open_reports = Report.objects.filter(post=post, comment=comment, status=Report.OPEN)
        if open_reports.count() < settings.BOARD_AUTO_HIDE_REPORTS:
            return False
        reason_text = f"신고 {open_reports.count()}건"
        if post is not None:
            return hide_post(post=post, moderator=None, reason=reason_text, action="auto_hide_post")
        return set_comment_hidden(
            comment=target, moderator=None, hidden=True, reason=reason_text, action="auto_hide_comment"
        )


def hide_reported(*, moderator, post=None, comment=None, reason=""):
    """Report queue: hide the item and resolve its open reports."""
    with transaction.atomic():
        if post is not None:
            hide_post(post=post, moderator=moderator, reason=reason or "신고 처리")
        else:
            set_comment_hidden(comment=comment, moderator=moderator, hidden=True, reason=reason or "신고 처리")
        _close_reports(Report.objects.filter(post=post, comment=comment), Report.HIDDEN)


def dismiss_reports(*, moderator, post=None, comment=None, reason=""):
    """Report queue: the item is fine. Its reports are dismissed and, if the reports had
    hidden it, it comes back."""
    with transaction.atomic():
        target = post or comment
        closed = _close_reports(Report.objects.filter(post=post, comment=comment), Report.DISMISSED)
        kind = "post" if post is not None else "comment"
        last_hide = (
            ModerationLog.objects.filter(
                target_type=kind, target_id=target.pk, action__in=[f"hide_{kind}", f"auto_hide_{kind}"]
            )
            .order_by("-id")
            .values_list("action", flat=True)
            .first()
        )
        hidden_by_reports = last_hide == f"auto_hide_{kind}"
        if target.is_hidden and hidden_by_reports:
            if post is not None:
                restore_post(post=post, moderator=moderator, reason="신고 기각")
            else:
                set_comment_hidden(comment=comment, moderator=moderator, hidden=False, reason="신고 기각")
        log_moderation(moderator=moderator, action="dismiss_reports", target=target, reason=reason or f"{closed}건")
    return closed


def hide_member_content(*, user):
    """A ban's clean-up: every visible post and comment of the member is hidden (marked as
    hidden by the ban, so lifting it restores exactly these), every counter moved to match.
    Returns (posts, comments) hidden."""
    posts = Post.objects.filter(author=user, is_hidden=False)
    for board_id, n in _counts_by(posts.filter(is_deleted=False), "board_id"):
        Board.objects.filter(pk=board_id).update(post_count=F("post_count") - n)
    post_ids = list(posts.values_list("id", flat=True))
    posts.update(is_hidden=True, hidden_by_ban=True)
    comments = Comment.objects.filter(author=user, is_hidden=False)
    for post_id, n in _counts_by(comments.filter(is_deleted=False), "post_id"):
        Post.objects.filter(pk=post_id).update(comment_count=F("comment_count") - n)
    comment_ids = list(comments.values_list("id", flat=True))
    comments.update(is_hidden=True, hidden_by_ban=True)
    search.unindex(post_ids=post_ids, comment_ids=comment_ids)
    invalidation.member_changed()
    return len(post_ids), len(comment_ids)


def restore_member_content(*, user, moderator, reason=""):
    """Bring back what a ban hid (after a mistaken ban); items hidden by moderators or
    reports for their own reasons stay hidden."""
    with transaction.atomic():
        posts = Post.objects.filter(author=user, is_hidden=True, hidden_by_ban=True)
        for board_id, n in _counts_by(posts.filter(is_deleted=False), "board_id"):
            Board.objects.filter(pk=board_id).update(post_count=F("post_count") + n)
        post_ids = list(posts.values_list("id", flat=True))
        posts.update(is_hidden=False, hidden_by_ban=False)
        comments = Comment.objects.filter(author=user, is_hidden=True, hidden_by_ban=True)
        for post_id, n in _counts_by(comments.filter(is_deleted=False), "post_id"):
            Post.objects.filter(pk=post_id).update(comment_count=F("comment_count") + n)
        comment_ids = list(comments.values_list("id", flat=True))
        comments.update(is_hidden=False, hidden_by_ban=False)
        # In slices: a query takes at most 65,535 parameters on PostgreSQL (32,766 on SQLite).
        for start in range(0, max(len(post_ids), len(comment_ids)), RESTORE_SLICE):
            search.index_posts(Post.objects.filter(id__in=post_ids[start : start + RESTORE_SLICE]))
            search.index_comments(Comment.objects.filter(id__in=comment_ids[start : start + RESTORE_SLICE]))
        invalidation.member_changed()
        summary = f"글 {len(post_ids)}개, 댓글 {len(comment_ids)}개 복원"
        log_moderation(
            moderator=moderator, action="restore_user_content", target=user, reason=f"{reason} ({summary})".strip()
        )
    return len(post_ids), len(comment_ids)


def _counts_by(queryset, field):
    return queryset.order_by().values_list(field).annotate(n=Count("id")).values_list(field, "n")
