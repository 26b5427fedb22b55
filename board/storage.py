"""Where uploaded pictures are stored, and what a failed write leaves behind: nothing.

Two storages, chosen in settings (`STORAGES["default"]`, docs/deploy.md):

- `MediaStorage`, the local media folder (the default). A file appears under its name only
  once it is complete: it is written to a hidden `.<name>.<token>.part` file beside it and
  then hard-linked into place. A write that fails part-way (ENOSPC on a full disk, EDQUOT)
  removes its `.part` file, so a failed upload leaves no truncated copy behind, and a
  worker killed mid-write leaves only a `.part` file that is plainly garbage.
- django-storages' `S3Storage` (MEDIA_S3_BUCKET), for several app servers. A PUT stores the
  whole object or nothing, and a multipart upload that fails is aborted by boto3.

Either way the service that stores a post's pictures (services/posts.py) removes the files
it wrote before the one that failed.
"""

import errno
import os
import secrets

from django.core.files.storage import FileSystemStorage

try:  # django-storages' S3 backend, when installed
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:  # pragma: no cover
    BotoCoreError = ClientError = None

# What a storage raises when it cannot take a file: the disk (OSError) or the object store.
WRITE_ERRORS = (OSError,) + tuple(e for e in (BotoCoreError, ClientError) if e is not None)

OUT_OF_SPACE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
# What S3-compatible servers answer when they are full or over a quota (MinIO, Ceph RGW).
OUT_OF_SPACE_CODES = {"XMinioStorageFull", "QuotaExceeded", "XMinioAdminBucketQuotaExceeded", "InsufficientStorage"}


def is_out_of_space(error):
    """Whether a storage write failed for want of space (rather than an unreachable store)."""
    if isinstance(error, OSError) and error.errno in OUT_OF_SPACE_ERRNOS:
        return True
    response = getattr(error, "response", None) or {}
    code = response.get("Error", {}).get("Code")
    return code in OUT_OF_SPACE_CODES or response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 507


class MediaStorage(FileSystemStorage):
    """The local media folder; a file is visible under its name only once complete."""

    def _save(self, name, content):
        directory, base = os.path.split(name)
        # The token makes the name ours alone: no other write uses it, so whatever is found
        # there after a failure is what this write left.
        part_name = os.path.join(directory, f".{base}.{secrets.token_hex(6)}.part")
        try:
            part_name = super()._save(part_name, content)
            while True:
                try:
                    # link, not rename: it fails if the name was taken meanwhile instead of
                    # replacing another member's picture.
                    os.link(self.path(part_name), self.path(name))
                    break
                except FileExistsError:
                    name = self.get_available_name(name)
        finally:
            try:
                os.unlink(self.path(part_name))
            except FileNotFoundError:
                pass
        return name.replace("\\", "/")
