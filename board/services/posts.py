"""Writing, editing, deleting and moving posts, and saving boards.

Markdown is rendered here, once, when the text is saved; pages only show the stored HTML.
"""

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .. import invalidation, markup, search
from ..models import Board, Post, PostImage
from ..storage import WRITE_ERRORS, is_out_of_space
from .moderation import log_moderation

logger = logging.getLogger(__name__)

EDITABLE_FIELDS = ["title", "body", "body_html", "excerpt", "source_url", "edited_at", "updated_at"]


def render_post_body(post):
    post.body_html = markup.render_post(post.body)
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
    is_notice=False,
    created_at=None,
    submission_key="",
):
    """A new post. Sent again with the same `submission_key` (a form submitted twice), it
    makes nothing and returns the post the first submission made, marked `.repeated`."""
    if repeated := repeated_submission(Post, author, submission_key):
        return repeated
    stored = store_images(images)
    try:
        with transaction.atomic():
            post = Post(
                board=board,
                author=author,
                title=title,
                body=_with_images(body, stored),
                source_url=source_url,
                is_notice=is_notice,
                created_at=created_at or timezone.now(),
                thumbnail_url=stored[0].thumbnail.url if stored else "",
                submission_key=submission_key,
            )
            render_post_body(post)
            post.save()
            _attach(post, stored)
            if tags:
                post.tags.add(*tags)
            Board.objects.filter(pk=board.pk).update(post_count=F("post_count") + 1)
            search.index_posts([post])
            invalidation.post_changed(post.pk, board.slug)
    except IntegrityError:
        # The same form, sent twice at once: the other request's post won the unique key.
        remove_image_files(stored)
        if repeated := repeated_submission(Post, author, submission_key):
            return repeated
        raise
    except BaseException:
        remove_image_files(stored)
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


def edit_post(*, post, title, body, tags, source_url, images=(), author=None):
    """The author's edit: creation time kept, 수정됨 time set, body rendered again.
    `author` is for superusers correcting a post in admin."""
    stored = store_images(images)
    try:
        with transaction.atomic():
            post.title, post.source_url = title, source_url
            post.body = _with_images(body, stored)
            post.edited_at = timezone.now()
            render_post_body(post)
            fields = list(EDITABLE_FIELDS)
            if stored and not post.thumbnail_url:
                post.thumbnail_url = stored[0].thumbnail.url
                fields.append("thumbnail_url")
            if author is not None:
                post.author = author
                fields.append("author")
            # Only the author's fields: the flags and counters may have moved since the form
            # was loaded (a moderator's hide, new votes), and must not be written back.
            post.save(update_fields=fields)
            _attach(post, stored)
            post.tags.set(tags, clear=False)
            post.refresh_from_db(fields=["board", "is_hidden", "is_deleted"])
            search.index_posts([post])
            invalidation.post_changed(post.pk, post.board.slug)
    except BaseException:
        remove_image_files(stored)
        raise
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
        invalidation.post_changed(post.pk, post.board.slug)
        if changed and moderator is not None and moderator.pk != post.author_id:
            log_moderation(moderator=moderator, action="delete_post", target=post, reason=reason)
    return bool(changed)


def move_post(*, post, board, moderator, reason=""):
    if post.board_id == board.pk:
        return False
    with transaction.atomic():
        old_board = Board.objects.get(pk=post.board_id)
        Post.objects.filter(pk=post.pk).update(board=board)
        if not (post.is_hidden or post.is_deleted):
            Board.objects.filter(pk=old_board.pk).update(post_count=F("post_count") - 1)
            Board.objects.filter(pk=board.pk).update(post_count=F("post_count") + 1)
        post.board = board
        search.index_posts([post])
        invalidation.post_changed(post.pk, old_board.slug, board.slug)
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


# --- Pictures ----------------------------------------------------------------------------


class ImagesNotStored(Exception):
    """The storage could not take a picture (a full disk, an unreachable object store);
    nothing was saved and every file this upload wrote is gone again."""

    def __init__(self, *, out_of_space):
        super().__init__("out of space" if out_of_space else "storage failed")
        self.out_of_space = out_of_space


def store_images(prepared_images):
    """Write the display copies and thumbnails (images.prepare_upload) to storage before the
    post's transaction, as unsaved PostImage rows. If writing one fails, those already
    written are removed (the storage removes what it wrote of the failing one itself,
    board/storage.py), so a refused upload leaves no file behind."""
    stored = []
    try:
        for item in prepared_images:
            image = PostImage(original_name=item.original_name)
            stored.append(image)
            image.image.save(item.display.name, item.display, save=False)
            image.thumbnail.save(item.thumbnail.name, item.thumbnail, save=False)
    except WRITE_ERRORS as error:
        remove_image_files(stored)
        # One line, no traceback: a full disk is an operations matter, not a bug.
        logger.warning("Pictures not stored (%s): %s", "out of space" if is_out_of_space(error) else "storage", error)
        raise ImagesNotStored(out_of_space=is_out_of_space(error)) from error
    except BaseException:
        remove_image_files(stored)
        raise
    return stored


def remove_image_files(stored):
    """Delete the files of pictures whose post was never saved. A delete that fails (the
    store is away) is logged and the rest go on: the member's answer must not change."""
    for image in stored:
        for field in (image.image, image.thumbnail):
            if field.name:
                try:
                    field.storage.delete(field.name)
                except WRITE_ERRORS as error:
                    logger.warning("Orphan picture file %s left in storage: %s", field.name, error)


def _with_images(body, stored):
    """Each picture where the writer wrote [이미지N], or after the text."""
    if not stored:
        return body
    return markup.place_images(body, [(image.original_name, image.image.url) for image in stored])


def _attach(post, stored):
    for image in stored:
        image.post = post
    PostImage.objects.bulk_create(stored)
