"""Files of a Gnuboard5 site, read from a copy of its data/ folder.

Pictures (image attachments, editor images) go through the same checks as a member's
upload (board/images.py: opened with Pillow, re-encoded, EXIF gone, stored under a random
name). Other attachments are not copied: this site has no attachments yet, so they are
recorded (LegacyRecord) for the import that brings them, and their files stay in data/.
A missing or refused file is recorded and reported, never fatal. Paths come from the
database, so each one is checked to stay inside data/ before it is opened.
"""

import io
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from board import images
from board.models import LegacyLink, PostImage

_DATA_PATH = re.compile(r"(?:^|/)data/((?:editor/[^/]+|file/[A-Za-z0-9_]+)/[^/]+)$")
IMAGE_EXTENSIONS = {"jpg", "jpeg", "png", "gif", "webp"}


@dataclass
class Stored:
    """A picture copied here (or, in a dry run, checked)."""

    url: str
    image: str = ""
    thumbnail: str = ""
    width: int = 0
    height: int = 0
    original_name: str = ""
    new: bool = False  # copied by this run: its PostImage and LegacyLink are still to write

    @property
    def thumbnail_url(self):
        return default_storage.url(self.thumbnail) if self.thumbnail else ""


@dataclass
class Problem:
    kind: str  # LegacyRecord.MISSING_FILE or REJECTED_FILE
    path: str
    reason: str = ""


def data_path(src):
    """'editor/2301/a.jpg' or 'file/free/b.png' for a URL into a Gnuboard data/ folder
    (any host: sites move), else None."""
    path = unquote(urlsplit((src or "").strip()).path)
    match = _DATA_PATH.search(path)
    return match.group(1) if match else None


class Files:
    def __init__(self, data_dir, *, dry_run=False):
        self.root = Path(data_dir).resolve() if data_dir else None
        self.dry_run = dry_run
        # Pictures copied by earlier runs: their address here, so nothing is copied twice.
        self.copies = {}
        links = LegacyLink.objects.filter(kind__in=[LegacyLink.EDITOR_IMAGE, LegacyLink.FILE]).exclude(url="")
        for kind, board_key, old_key, url in links.values_list("kind", "board_key", "old_key", "url"):
            relative = f"editor/{old_key}" if kind == LegacyLink.EDITOR_IMAGE else f"file/{board_key}/{old_key}"
            self.copies[relative] = Stored(url=url)

    def locate(self, relative):
        """The file's path inside data/, or None when there is none (or it would leave data/)."""
        if self.root is None or not relative:
            return None
        parts = relative.split("/")
        if any(part in {"", ".", ".."} or "\\" in part or "\x00" in part for part in parts):
            return None
        path = (self.root / posixpath.join(*parts)).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            return None
        return path

    def picture(self, relative, original_name=""):
        """Copy a picture once per run and site: Stored, or Problem when missing or refused."""
        if relative in self.copies:
            return self.copies[relative]
        result = self._copy(relative, original_name or relative.rsplit("/", 1)[-1])
        self.copies[relative] = result
        return result

    def _copy(self, relative, original_name):
        path = self.locate(relative)
        if path is None:
            return Problem("missing", relative, "파일 없음")
        upload = SimpleUploadedFile(original_name, path.read_bytes())
        try:
            prepared = images.prepare_upload(upload)
        except ValidationError as error:
            return Problem("rejected", relative, " ".join(error.messages))
        display = prepared.display.read()
        prepared.display.seek(0)
        with Image.open(io.BytesIO(display)) as opened:
            width, height = opened.size
        if self.dry_run:
            return Stored(url=f"{settings.MEDIA_URL}dry-run/{prepared.display.name}", original_name=original_name)
        image = default_storage.save(_upload_name("image", prepared.display.name), prepared.display)
        thumbnail = default_storage.save(_upload_name("thumbnail", prepared.thumbnail.name), prepared.thumbnail)
        return Stored(
            url=default_storage.url(image),
            image=image,
            thumbnail=thumbnail,
            width=width,
            height=height,
            original_name=original_name[:255],
            new=True,
        )

    def attachment_is_picture(self, row):
        extension = (row.get("bf_source") or row.get("bf_file") or "").rsplit(".", 1)[-1].lower()
        return int(row.get("bf_type") or 0) != 0 or extension in IMAGE_EXTENSIONS


def _upload_name(field, name):
    return PostImage._meta.get_field(field).generate_filename(None, name)
