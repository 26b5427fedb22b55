"""Pictures of posts: storing uploads, keeping them across 미리보기 (PendingImage), and
turning a post form's list of pictures into the post's PostImage rows.

Files are written before the post's transaction and removed again if it fails; files of
pictures a member took out of a post are removed once the change is committed.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .. import markup
from ..models import PendingImage, PostImage
from ..storage import WRITE_ERRORS, is_out_of_space

logger = logging.getLogger(__name__)


class ImagesNotStored(Exception):
    """The storage could not take a picture (a full disk, an unreachable object store);
    nothing was saved and every file this upload wrote is gone again."""

    what = "이미지"

    def __init__(self, *, out_of_space):
        super().__init__("out of space" if out_of_space else "storage failed")
        self.out_of_space = out_of_space


def store_images(prepared_images):
    """Write the display copies and thumbnails (images.prepare_upload) to storage before the
    post's transaction, as unsaved PostImage rows. If writing one fails, those already
    written are removed (the storage removes what it wrote of the failing one itself,
    board/storage.py), so a refused upload leaves no file behind."""
    return _store(prepared_images, lambda item: PostImage(original_name=item.original_name))


def _store(prepared_images, make_row):
    stored = []
    try:
        for item in prepared_images:
            row = make_row(item)
            stored.append(row)
            _write(row, item)
    except WRITE_ERRORS as error:
        remove_image_files(stored)
        # One line, no traceback: a full disk is an operations matter, not a bug.
        logger.warning("Pictures not stored (%s): %s", "out of space" if is_out_of_space(error) else "storage", error)
        raise ImagesNotStored(out_of_space=is_out_of_space(error)) from error
    except BaseException:
        remove_image_files(stored)
        raise
    return stored


def _write(image, item):
    image.image.save(item.display.name, item.display, save=False)
    image.thumbnail.save(item.thumbnail.name, item.thumbnail, save=False)


def remove_image_files(images):
    """Delete the files of these pictures (rows never saved, or rows being removed). A
    delete that fails (the store is away) is logged and the rest go on: the member's answer
    must not change."""
    for image in images:
        for field in (image.image, image.thumbnail):
            if field.name:
                try:
                    field.storage.delete(field.name)
                except WRITE_ERRORS as error:
                    logger.warning("Orphan picture file %s left in storage: %s", field.name, error)


def keep_pending_images(*, owner, prepared_images):
    """Store pictures chosen on the post form for later (미리보기, a refused submission):
    PendingImage rows of this member, in the order chosen. The member's own pictures left
    from more than BOARD_PENDING_IMAGE_HOURS ago go at the same time."""
    remove_expired_pending_images(owner=owner)
    kept = _store(prepared_images, lambda item: PendingImage(owner=owner, original_name=item.original_name))
    try:
        PendingImage.objects.bulk_create(kept)
    except BaseException:
        remove_image_files(kept)
        raise
    return kept


def remove_expired_pending_images(*, owner=None, now=None):
    """Pictures chosen but never used, older than BOARD_PENDING_IMAGE_HOURS: rows and files.
    Returns how many went."""
    cutoff = (now or timezone.now()) - timedelta(hours=settings.BOARD_PENDING_IMAGE_HOURS)
    expired = PendingImage.objects.filter(created_at__lt=cutoff)
    if owner is not None:
        expired = expired.filter(owner=owner)
    removed = 0
    for pending in expired.iterator():
        # The row first: a file without a row is harmless, a row without its file is not.
        if PendingImage.objects.filter(pk=pending.pk).delete()[0]:
            remove_image_files([pending])
            removed += 1
    return removed


def discard_pending_image(*, owner, pending):
    """The member took a pending picture out of the form: row and files go now."""
    if PendingImage.objects.filter(pk=pending.pk, owner=owner).delete()[0]:
        remove_image_files([pending])


def place_pictures(body, pictures):
    """The body as stored: each [이미지N] replaced by the N-th picture, the rest after the text."""
    if not pictures:
        return body
    return markup.place_images(body, [(picture.original_name, picture.image.url) for picture in pictures])


def attach_pictures(post, pictures):
    """Make `pictures` (PostImage rows of the post, unsaved PostImage rows just stored, or the
    member's PendingImage rows) the post's pictures, in this order. Inside the post's
    transaction; returns the post's PostImage rows that are no longer wanted, whose files
    the caller removes after the commit."""
    kept_ids = set()
    new_rows, pending_ids, moved = [], [], []
    for position, picture in enumerate(pictures):
        if isinstance(picture, PendingImage):
            pending_ids.append(picture.pk)
            picture = PostImage(
                image=picture.image.name,
                thumbnail=picture.thumbnail.name,
                width=picture.width,
                height=picture.height,
                original_name=picture.original_name,
            )
        picture.post, picture.position = post, position
        if picture.pk is None:
            new_rows.append(picture)
        else:
            kept_ids.add(picture.pk)
            moved.append(picture)
    dropped = list(PostImage.objects.filter(post=post).exclude(pk__in=kept_ids))
    PostImage.objects.filter(pk__in=[image.pk for image in dropped]).delete()
    if moved:
        PostImage.objects.bulk_update(moved, ["position"])
    PostImage.objects.bulk_create(new_rows)
    # Used: the files now belong to the post's rows.
    PendingImage.objects.filter(pk__in=pending_ids).delete()
    return dropped


def remove_files_after_commit(images):
    if images:
        transaction.on_commit(lambda: remove_image_files(images))
