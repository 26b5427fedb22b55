"""첨부파일 of posts: stored before the post's transaction under random names, removed
again if it fails (as pictures are, services/pictures.py), and kept or dropped on an edit."""

import logging

from django.core.files import File
from django.db import transaction
from django.db.models import F

from .. import attachments
from ..models import Attachment, Post
from ..storage import WRITE_ERRORS, is_out_of_space
from .pictures import ImagesNotStored

logger = logging.getLogger(__name__)


class FilesNotStored(ImagesNotStored):
    """The storage could not take an attachment; nothing was saved and every file this
    upload wrote is gone again. A kind of ImagesNotStored: the post form answers both alike."""

    what = "파일"


def store_files(checked_files):
    """Write the checked uploads (attachments.check_upload) to storage, as unsaved Attachment
    rows. If one fails, those already written are removed."""
    stored = []
    try:
        for item in checked_files:
            row = Attachment(original_name=item.original_name, size=item.size)
            stored.append(row)
            item.upload.seek(0)
            row.file.save(attachments.random_name(), File(item.upload), save=False)
    except WRITE_ERRORS as error:
        remove_files(stored)
        problem = "out of space" if is_out_of_space(error) else "storage"
        logger.warning("Attachments not stored (%s): %s", problem, error)
        raise FilesNotStored(out_of_space=is_out_of_space(error)) from error
    except BaseException:
        remove_files(stored)
        raise
    return stored


def remove_files(rows):
    """Delete these attachments' files (rows never saved, or rows being removed); a delete
    that fails is logged and the rest go on."""
    for row in rows:
        if row.file.name:
            try:
                row.file.storage.delete(row.file.name)
            except WRITE_ERRORS as error:
                logger.warning("Orphan attachment file %s left in storage: %s", row.file.name, error)


def attach_files(post, stored, *, start=0):
    """Save the stored (unsaved) rows as the post's, after its `start` kept ones."""
    for position, row in enumerate(stored, start=start):
        row.post, row.position = post, position
    Attachment.objects.bulk_create(stored)
    if stored:
        Post.objects.filter(pk=post.pk).update(attachment_count=F("attachment_count") + len(stored))


def replace_files(post, kept, stored):
    """An edit: the post's attachments become `kept` (None: all it has) then `stored`.
    Inside the post's transaction; dropped files go once it commits."""
    current = list(Attachment.objects.filter(post=post))
    kept_ids = {row.pk for row in current} if kept is None else {row.pk for row in kept}
    dropped = [row for row in current if row.pk not in kept_ids]
    if dropped:
        Attachment.objects.filter(pk__in=[row.pk for row in dropped]).delete()
        Post.objects.filter(pk=post.pk).update(attachment_count=F("attachment_count") - len(dropped))
        transaction.on_commit(lambda: remove_files(dropped))
    attach_files(post, stored, start=len(current) - len(dropped))
