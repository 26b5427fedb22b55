"""Writing, editing, deleting and moving posts, and saving boards.

Markdown is rendered here, once, when the text is saved; pages only show the stored HTML.
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts import notifying
from accounts.models import PointEntry

from .. import invalidation, markup, search, source_urls
from ..models import Board, Post
from . import attachments as attachments_service
from . import pictures as pictures_service
from . import points
from .moderation import log_moderation

EDITABLE_FIELDS = ["title", "body", "body_html", "excerpt", "source_url", "edited_at", "updated_at"]


def render_post_body(post, mentions=None):
    post.body_html = markup.render_post(post.body, mentions)
    post.excerpt = markup.excerpt_from_html(post.body_html, settings.BOARD_EXCERPT_LENGTH)


def create_post(
    *,
    board,
    author,
    title,
    body,
    tags=(),
    source_url="",
    images=(),
    pictures=(),
    is_notice=False,
    created_at=None,
    submission_key="",
    category=None,
    files=(),
):
    """A new post. `pictures` are the member's pictures kept across 미리보기 (PendingImage),
    `images` new uploads (images.prepare_upload); [이미지N] in the body counts through both,
    in that order; `files` are 첨부파일 (attachments.check_upload). Sent again with the same
    `submission_key` (a form submitted twice), it
    makes nothing and returns the post the first submission made, marked `.repeated`."""
    if repeated := repeated_submission(Post, author, submission_key):
        return repeated
    stored = pictures_service.store_images(images)
    mentions, found = notifying.mentions_in(body)
    try:
        stored_files = attachments_service.store_files(files)
    except BaseException:
        pictures_service.remove_image_files(stored)
        raise
    try:
        with transaction.atomic():
            ordered = [*pictures, *stored]
            post = Post(
                board=board,
                author=author,
                title=title,
                body=pictures_service.place_pictures(body, ordered),
                source_url=source_url,
                source_key=source_urls.normalise(source_url),
                is_notice=is_notice,
                created_at=created_at or timezone.now(),
                thumbnail_url=ordered[0].thumbnail.url if ordered else "",
                submission_key=submission_key,
                category=category,
            )
            render_post_body(post, mentions)
            post.save()
            pictures_service.attach_pictures(post, ordered)
            attachments_service.attach_files(post, stored_files)
            if tags:
                post.tags.add(*tags)
            Board.objects.filter(pk=board.pk).update(post_count=F("post_count") + 1)
            points.award_points(
                member_id=author.pk if author else None,
                amount=board.points_post,
                reason=PointEntry.POST,
                post_id=post.pk,
            )
            search.index_posts([post], fresh=True)
            invalidation.post_changed(post.pk, board.slug)
            if found:
                notifying.notify_mentions(post=post, mentioned=notifying.mentioned(mentions, found))
    except IntegrityError:
        # The same form, sent twice at once: the other request's post won the unique key.
        pictures_service.remove_image_files(stored)
        attachments_service.remove_files(stored_files)
        if repeated := repeated_submission(Post, author, submission_key):
            return repeated
        raise
    except BaseException:
        pictures_service.remove_image_files(stored)
        attachments_service.remove_files(stored_files)
        raise
    post.repeated = False
    return post


def repeated_submission(model, author, submission_key):
    """The row this member's form with this key made already, marked `.repeated`."""
    if not submission_key or author is None:
        return None
    found = model.objects.filter(author=author, submission_key=submission_key).first()
    if found is not None:
        found.repeated = True
    return found


# edit_post's `category` when the caller does not change it (the admin's edit).
UNCHANGED = object()


def edit_post(
    *,
    post,
    title,
    body,
    tags,
    source_url,
    images=(),
    pictures=None,
    author=None,
    category=UNCHANGED,
    files=(),
    kept_files=None,
):
    """The author's edit: creation time kept, 수정됨 time set, body rendered again.

    `pictures` is the post form's list in the member's order (the post's PostImage rows,
    PendingImage rows), new uploads `images` after them; a picture of the post left out is
    removed, files too, after the commit. None (the admin's edit) keeps the post's pictures
    as they are and adds `images` after them. `author` is for superusers correcting a post
    in admin. `kept_files` are the post's attachments the member kept (None: all), `files`
    new ones after them."""
    stored = pictures_service.store_images(images)
    mentions, found = notifying.mentions_in(body)
    try:
        stored_files = attachments_service.store_files(files)
    except BaseException:
        pictures_service.remove_image_files(stored)
        raise
    try:
        with transaction.atomic():
            before = post.body
            post.title, post.source_url = title, source_url
            post.source_key = source_urls.normalise(source_url)
            fields = [*EDITABLE_FIELDS, "source_key", "thumbnail_url"]
            if pictures is None:
                ordered = [*post.images.all(), *stored]
                post.body = pictures_service.place_pictures(body, stored)
            else:
                ordered = [*pictures, *stored]
                post.body = pictures_service.place_pictures(body, ordered)
            post.thumbnail_url = ordered[0].thumbnail.url if ordered else ""
            post.edited_at = timezone.now()
            render_post_body(post, mentions)
            if author is not None:
                post.author = author
                fields.append("author")
            if category is not UNCHANGED:
                post.category = category
                fields.append("category")
            # Only the author's fields: the flags and counters may have moved since the form
            # was loaded (a moderator's hide, new votes), and must not be written back.
            post.save(update_fields=fields)
            dropped = pictures_service.attach_pictures(post, ordered)
            pictures_service.remove_files_after_commit(dropped)
            attachments_service.replace_files(post, kept_files, stored_files)
            post.tags.set(tags, clear=False)
            post.refresh_from_db(fields=["board", "is_hidden", "is_deleted"])
            search.index_posts([post])
            invalidation.post_changed(post.pk, post.board.slug)
            if newly := notifying.mentioned(mentions, found, before=before):
                notifying.notify_mentions(post=post, mentioned=newly)
    except BaseException:
        pictures_service.remove_image_files(stored)
        attachments_service.remove_files(stored_files)
        raise
    return post


def delete_post(*, post, moderator=None, reason=""):
    """Soft delete: gone from every list and page, comments kept in the database. A
    moderator's delete is logged; the author's own is not."""
    with transaction.atomic():
        changed = Post.objects.filter(pk=post.pk, is_deleted=False).update(is_deleted=True)
        if changed and not post.is_hidden:
            Board.objects.filter(pk=post.board_id).update(post_count=F("post_count") - 1)
        if changed:
            points.take_back_points(member_id=post.author_id, post=post)
        post.is_deleted = True
        search.index_posts([post])
        invalidation.post_removed(post.pk, post.board.slug)
        if changed and moderator is not None and moderator.pk != post.author_id:
            log_moderation(moderator=moderator, action="delete_post", target=post, reason=reason)
    return bool(changed)


def move_post(*, post, board, moderator, reason=""):
    if post.board_id == board.pk:
        return False
    with transaction.atomic():
        old_board = Board.objects.get(pk=post.board_id)
        # A 말머리 is of one board: the moved post has none in the new one.
        Post.objects.filter(pk=post.pk).update(board=board, category=None)
        if not (post.is_hidden or post.is_deleted):
            Board.objects.filter(pk=old_board.pk).update(post_count=F("post_count") - 1)
            Board.objects.filter(pk=board.pk).update(post_count=F("post_count") + 1)
        post.board, post.category = board, None
        search.index_posts([post])
        invalidation.post_removed(post.pk, old_board.slug, board.slug)
        log_moderation(
            moderator=moderator, action="move_post", target=post, reason=reason or f"{old_board.name} → {board.name}"
        )
    return True


def save_board(*, board):
    """Add or change a board (admin); the menu on every page shows it."""
    with transaction.atomic():
        board.save()
        invalidation.board_changed()
    return board


def delete_board(*, board):
    """Only a board without posts can go (posts are PROTECTed)."""
    with transaction.atomic():
        board.delete()
        invalidation.board_changed()
