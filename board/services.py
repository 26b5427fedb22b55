"""Writes that touch counters or several rows. Each runs in one transaction and moves
counters with F() expressions, so concurrent requests never lose an update."""

import hashlib

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from . import markup, pagecache, search
from .models import Board, Comment, ModerationLog, Post, PostImage, PostVote, Report


def pages_changed(post_id, board_id):
    """Cached anonymous pages showing this post are stale: now, and again at commit, so
    a page cached from the old rows between the two is dropped too."""
    pagecache.bump_post(post_id, board_id)
    transaction.on_commit(lambda: pagecache.bump_post(post_id, board_id))


def everything_changed():
    pagecache.bump_everything()
    transaction.on_commit(pagecache.bump_everything)


EDITABLE_FIELDS = ["title", "body", "body_html", "excerpt", "source_url", "edited_at", "updated_at"]


def create_post(*, board, author, title, body, tags=(), source_url="", images=(), is_notice=False, created_at=None):
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
        if images:
            _attach_images(post, images)
        if tags:
            post.tags.add(*tags)
        Board.objects.filter(pk=board.pk).update(post_count=F("post_count") + 1)
        search.index_posts([post])
        pages_changed(post.pk, board.pk)
    return post


def edit_post(*, post, title, body, tags, source_url, images=()):
    """The author's edit: creation time kept, 수정됨 time set, body rendered again."""
    with transaction.atomic():
        post.title, post.body, post.source_url = title, body, source_url
        post.edited_at = timezone.now()
        # Only the author's fields: the flags and counters may have moved since the form
        # was loaded (a moderator's hide, new votes), and must not be written back.
        post.save(update_fields=EDITABLE_FIELDS)
        if images:
            _attach_images(post, images)
        post.tags.set(tags, clear=False)
        post.refresh_from_db(fields=["board", "is_hidden", "is_deleted"])
        search.index_posts([post])
        pages_changed(post.pk, post.board_id)
    return post


def delete_post(*, post, moderator=None, reason=""):
    """Soft delete: gone from every list and page, comments kept in the database. A
    moderator's delete is logged; the author's own is not."""
    with transaction.atomic():
        changed = Post.objects.filter(pk=post.pk, is_deleted=False).update(is_deleted=True)
        if changed and not post.is_hidden:
            Board.objects.filter(pk=post.board_id).update(post_count=F("post_count") - 1)
        post.is_deleted = True
        search.index_posts([post])
        pages_changed(post.pk, post.board_id)
        if changed and moderator is not None and moderator.pk != post.author_id:
            log_moderation(moderator=moderator, action="delete_post", target=post, reason=reason)
    return bool(changed)


def _attach_images(post, prepared_images):
    """Store the pictures and put each where the writer wrote [이미지N], or after the text."""
    stored = [
        PostImage.objects.create(
            post=post, image=item.display, thumbnail=item.thumbnail, original_name=item.original_name
        )
        for item in prepared_images
    ]
    post.body = markup.place_images(post.body, [(img.original_name, img.image.url) for img in stored])
    if not post.thumbnail_url:
        post.thumbnail_url = stored[0].thumbnail.url
    post.save(update_fields=[*EDITABLE_FIELDS, "thumbnail_url"])


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
            pages_changed(post.pk, post.board_id)
            log_moderation(moderator=moderator, action=action, target=post, reason=reason)
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
            pages_changed(post.pk, post.board_id)
            _close_reports(Report.objects.filter(post=post), Report.DISMISSED)
            log_moderation(moderator=moderator, action="restore_post", target=post, reason=reason)
    return bool(changed)


def set_notice(*, post, moderator, pinned, reason=""):
    """공지: pin or unpin. Returns False if nothing changed."""
    with transaction.atomic():
        changed = Post.objects.filter(pk=post.pk, is_notice=not pinned).update(is_notice=pinned)
        if changed:
            post.is_notice = pinned
            pages_changed(post.pk, post.board_id)
            log_moderation(
                moderator=moderator, action="pin_post" if pinned else "unpin_post", target=post, reason=reason
            )
    return bool(changed)


def move_post(*, post, board, moderator, reason=""):
    if post.board_id == board.pk:
        return False
    with transaction.atomic():
        old_board_id = post.board_id
        Post.objects.filter(pk=post.pk).update(board=board)
        if not (post.is_hidden or post.is_deleted):
            Board.objects.filter(pk=old_board_id).update(post_count=F("post_count") - 1)
            Board.objects.filter(pk=board.pk).update(post_count=F("post_count") + 1)
        post.board = board
        search.index_posts([post])
        pages_changed(post.pk, old_board_id)
        pages_changed(post.pk, board.pk)
        old_name = Board.objects.filter(pk=old_board_id).values_list("name", flat=True).first()
        log_moderation(
            moderator=moderator, action="move_post", target=post, reason=reason or f"{old_name} → {board.name}"
        )
    return True


def add_comment(*, post, author, body, parent=None, created_at=None):
    # Replies stay one level deep: answering a reply answers its parent's thread.
    if parent is not None and parent.parent_id is not None:
        parent = parent.parent
    with transaction.atomic():
        comment = Comment(post=post, author=author, body=body, parent=parent, created_at=created_at or timezone.now())
        comment.save()
        search.index_comments([comment])
        pages_changed(post.pk, post.board_id)
        # Last, so the post's row (which every reader's view count also updates) stays
        # locked only until the commit.
        Post.objects.filter(pk=post.pk).update(comment_count=F("comment_count") + 1)
    return comment


def edit_comment(*, comment, body):
    with transaction.atomic():
        comment.body = body
        comment.edited_at = timezone.now()
        comment.save(update_fields=["body", "body_html", "edited_at"])
        search.index_comments([comment])
        pages_changed(comment.post_id, comment.post.board_id)
    return comment


def delete_comment(*, comment, moderator=None, reason=""):
    """Soft delete: replies keep their place under a "삭제된 댓글입니다" placeholder."""
    with transaction.atomic():
        changed = Comment.objects.filter(pk=comment.pk, is_deleted=False).update(is_deleted=True)
        if changed and not comment.is_hidden:
            Post.objects.filter(pk=comment.post_id).update(comment_count=F("comment_count") - 1)
        comment.is_deleted = True
        search.index_comments([comment])
        pages_changed(comment.post_id, comment.post.board_id)
        if changed and moderator is not None and moderator.pk != comment.author_id:
            log_moderation(moderator=moderator, action="delete_comment", target=comment, reason=reason)
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
            pages_changed(comment.post_id, comment.post.board_id)
            if not hidden:
                _close_reports(Report.objects.filter(comment=comment), Report.DISMISSED)
            action = action or ("hide_comment" if hidden else "restore_comment")
            log_moderation(moderator=moderator, action=action, target=comment, reason=reason)
    return bool(changed)


VOTE_COUNTER = {PostVote.UP: "upvote_count", PostVote.DOWN: "downvote_count"}


def cast_vote(*, user, post, value):
    """추천/비추천 as Korean boards do it: the same vote again cancels, the other one switches.

    Returns the member's vote afterwards (1, -1 or None). The vote row and the counters
    change in one transaction; the unique constraint settles a double click.
    """
    try:
        with transaction.atomic():
            existing = PostVote.objects.select_for_update().filter(user=user, post=post).first()
            if existing is None:
                PostVote.objects.create(user=user, post=post, value=value)
                changes, result = {VOTE_COUNTER[value]: F(VOTE_COUNTER[value]) + 1}, value
            elif existing.value == value:
                existing.delete()
                changes, result = {VOTE_COUNTER[value]: F(VOTE_COUNTER[value]) - 1}, None
            else:
                PostVote.objects.filter(pk=existing.pk).update(value=value)
                changes = {
                    VOTE_COUNTER[value]: F(VOTE_COUNTER[value]) + 1,
                    VOTE_COUNTER[existing.value]: F(VOTE_COUNTER[existing.value]) - 1,
                }
                result = value
            pages_changed(post.pk, post.board_id)
            Post.objects.filter(pk=post.pk).update(**changes)  # last: see add_comment
    except IntegrityError:
        # A simultaneous request from the same member created the vote first: keep it.
        return PostVote.objects.filter(user=user, post=post).values_list("value", flat=True).first()
    return result


def _count_of(queryset, field):
    """A correlated COUNT for UPDATE ... SET counter = (SELECT COUNT(*) ...), 0 when none."""
    counted = queryset.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), Value(0))


def recount_counters(*, posts=None):
    """Set denormalised counters from the rows themselves (views are kept: no rows record
    them). Returns how many rows were wrong, per counter.

    A few set-based UPDATEs, so it stays fast at 100,000 posts.
    """
    posts = Post.objects.all() if posts is None else posts
    truths = {
        "comment_count": _count_of(Comment.objects.visible(), "post"),
        "upvote_count": _count_of(PostVote.objects.filter(value=PostVote.UP), "post"),
        "downvote_count": _count_of(PostVote.objects.filter(value=PostVote.DOWN), "post"),
    }
    board_truth = _count_of(Post.objects.visible(), "board")
    with transaction.atomic():
        fixed = {
            field: posts.annotate(truth=truth).exclude(**{field: F("truth")}).count() for field, truth in truths.items()
        }
        fixed["post_count"] = Board.objects.annotate(truth=board_truth).exclude(post_count=F("truth")).count()
        if any(fixed[field] for field in truths):
            posts.update(**truths)
        if fixed["post_count"]:
            Board.objects.update(post_count=board_truth)
        if any(fixed.values()):
            everything_changed()
    return fixed


def record_search(query, *, client):
    """Count a search for 인기검색어: the normalised words only, nothing about the reader
    in the database. `client` (an opaque hash) lets each reader count a term once a day,
    so reloading a results page cannot push a term up the list.

    One UPSERT (SQLite and PostgreSQL speak the same ON CONFLICT), so concurrent searches
    for the same words never lose a count.
    """
    from django.core.cache import cache

    from .models import SearchTerm

    term = " ".join(query.terms)[:100]
    day = timezone.localdate()
    if not cache.add(f"searched:{day}:{client}:{hashlib.sha256(term.encode()).hexdigest()[:16]}", 1, 86_400):
        return
    table = SearchTerm._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (day, term, count) VALUES (%s, %s, 1) "
            f"ON CONFLICT (day, term) DO UPDATE SET count = {table}.count + 1",
            [day, term],
        )


# --- Moderation --------------------------------------------------------------------------


def log_moderation(*, moderator, action, target, reason=""):
    """One row of the public moderation log; called inside the action's transaction."""
    from accounts.models import User

    if isinstance(target, Post):
        kind, title = "post", target.title
    elif isinstance(target, Comment):
        # Not the comment's text: it may be what was hidden (개인정보 노출).
        kind, title = "comment", f"{target.post.title} — 댓글 #{target.pk}"
    elif isinstance(target, User):
        kind, title = "user", target.nickname
    else:
        raise TypeError(f"cannot log {target!r}")
    from .sidebar import forget_sidebar

    # Every moderation action may change what the cached sidebar shows.
    transaction.on_commit(forget_sidebar)
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
    from django.conf import settings

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


def ban_member(*, user, moderator, reason=""):
    """정지: the spam clean-up in one step. The account is switched off and every visible
    post and comment of the member is hidden, with every counter moved to match."""
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
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
        everything_changed()
        summary = f"글 {len(post_ids)}개, 댓글 {len(comment_ids)}개 숨김"
        log_moderation(moderator=moderator, action="ban_user", target=user, reason=f"{reason} ({summary})".strip())
    return len(post_ids), len(comment_ids)


def unban_member(*, user, moderator, reason=""):
    with transaction.atomic():
        user.is_active = True
        user.save(update_fields=["is_active"])
        log_moderation(moderator=moderator, action="unban_user", target=user, reason=reason)


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
        search.index_posts(Post.objects.filter(id__in=post_ids))
        search.index_comments(Comment.objects.filter(id__in=comment_ids))
        everything_changed()
        summary = f"글 {len(post_ids)}개, 댓글 {len(comment_ids)}개 복원"
        log_moderation(
            moderator=moderator, action="restore_user_content", target=user, reason=f"{reason} ({summary})".strip()
        )
    return len(post_ids), len(comment_ids)


def _counts_by(queryset, field):
    return queryset.order_by().values_list(field).annotate(n=Count("id")).values_list(field, "n")
