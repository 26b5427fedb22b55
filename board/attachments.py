"""첨부파일 checks: what a post may carry, judged by name, size and first bytes.

The extension must be one of BOARD_ATTACHMENT_EXTENSIONS, and the file must look like one:
a program renamed to .pdf is refused. The checks are the cheap ones (a few bytes, a ZIP's
directory), enough to stop a renamed executable; they are not a virus scanner.
"""

import codecs
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass

from django import forms
from django.conf import settings

PDF = b"%PDF-"
ZIP = (b"PK\x03\x04", b"PK\x05\x06")
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # HWP 5 (and old Office) compound files
EXECUTABLE = (b"MZ", b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"#!")
# Office Open XML: a ZIP holding [Content_Types].xml and its part's folder.
OFFICE_FOLDERS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "zip": "application/zip",
    "txt": "text/plain; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "hwp": "application/x-hwp",
}
MAX_NAME_LENGTH = 150


@dataclass
class CheckedFile:
    upload: object
    original_name: str
    extension: str
    size: int


def allowed_extensions():
    return [extension.lower().lstrip(".") for extension in settings.BOARD_ATTACHMENT_EXTENSIONS]


def extension_of(name):
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def content_type_for(name):
    return CONTENT_TYPES.get(extension_of(name), "application/octet-stream")


def clean_name(name):
    """The name as the member's computer gave it, without folders, control characters or
    more length than a header should carry (the extension kept)."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, extension = name.rpartition(".")
        name = stem[: MAX_NAME_LENGTH - len(extension) - 1] + dot + extension if dot else name[:MAX_NAME_LENGTH]
    return name or "file"


def random_name():
    """Where a file is stored: nothing of the member's name, nothing to guess, no extension."""
    return secrets.token_hex(16)


def check_upload(upload, *, max_bytes):
    """A CheckedFile, or a ValidationError in Korean naming the file and what is wrong."""
    name = clean_name(upload.name)
    extension = extension_of(name)
    allowed = allowed_extensions()
    if extension not in allowed:
        kinds = ", ".join(kind.upper() for kind in allowed)
        raise forms.ValidationError(f"{name}: 첨부할 수 없는 파일 형식입니다. ({kinds}만 올릴 수 있습니다)")
    if upload.size > max_bytes:
        raise forms.ValidationError(
            f"{name}: 파일이 너무 큽니다. 파일 하나에 {max_bytes // (1024 * 1024)}MB까지 올릴 수 있습니다."
        )
    if upload.size == 0:
        raise forms.ValidationError(f"{name}: 빈 파일입니다.")
    if not looks_like(upload, extension):
        raise forms.ValidationError(
            f"{name}: 파일 내용이 {extension.upper()} 형식이 아닙니다. 확장자만 바꾼 파일은 올릴 수 없습니다."
        )
    return CheckedFile(upload=upload, original_name=name, extension=extension, size=upload.size)


def looks_like(upload, extension):
    """Whether the file's content matches its extension (a few bytes, a ZIP's directory)."""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if head.startswith(EXECUTABLE):
        return False
    if extension == "pdf":
        return head.startswith(PDF)
    if extension == "hwp":
        return head.startswith(OLE) or (head.startswith(ZIP) and _zip_names(upload) is not None)  # HWP 5 or HWPX
    if extension == "zip":
        return head.startswith(ZIP) and _zip_names(upload) is not None
    if extension in OFFICE_FOLDERS:
        names = _zip_names(upload) if head.startswith(ZIP) else None
        folder = OFFICE_FOLDERS[extension]
        return names is not None and "[Content_Types].xml" in names and any(n.startswith(folder) for n in names)
    if extension in ("txt", "csv"):
        return _is_text(head)
    return True  # a kind added in settings without a check of its own


def _zip_names(upload):
    try:
        with zipfile.ZipFile(upload) as archive:
            return set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        upload.seek(0)


def _is_text(head):
    """Text in UTF-8 or CP949 (EUC-KR), as Korean spreadsheets save CSV: no NUL bytes."""
    if b"\x00" in head:
        return False
    for encoding in ("utf-8", "cp949"):
        try:
            # Not final: a multi-byte character may be cut at the end of the sample.
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
            return True
        except UnicodeDecodeError:
            continue
    return False
