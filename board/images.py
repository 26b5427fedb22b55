"""Uploaded pictures: checked by opening them with Pillow, then re-encoded.

The name and the browser's content type are never trusted: files are stored under random
names with the extension of the format Pillow found. Every accepted file is decoded
and saved again with its pixels only: EXIF (GPS positions), XMP, comments (JPEG COM, GIF
comment extensions), PNG text chunks, the ICC profile (its colours converted to sRGB
first) and anything appended to the image are gone, so what is served is always a plain
picture in one of four formats.
"""

import io
import os
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageCms, ImageOps, ImageSequence, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
# Every file we store, relative to MEDIA_ROOT: PostImage's upload_to ("posts/%Y/%m/",
# "thumbs/%Y/%m/"), then the random stem and extension chosen below; a name the storage
# found taken gets "_" and 7 letters or digits. markup.py lets a local <img> show only
# these.
STORED_NAME = re.compile(r"(?:posts|thumbs)/\d{4}/\d{2}/[0-9a-f]{16}(?:_[A-Za-z0-9]{7})?\.(?:jpg|png|gif|webp)")
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
DISPLAY_MAX_WIDTH = 1600
THUMBNAIL_SIZE = (240, 160)


@dataclass
class PreparedImage:
    original_name: str
    display: ContentFile
    thumbnail: ContentFile


def _refuse(name, reason):
    raise ValidationError(f"{name}: {reason}", code="invalid_image")


MAX_FRAMES = 300


def prepare_upload(upload):
    """Check one uploaded file and return its display copy and thumbnail, or raise a
    ValidationError whose message names the file."""
    name = os.path.basename(upload.name or "이미지")[:255]
    if upload.size > settings.BOARD_IMAGE_MAX_BYTES:
        _refuse(name, f"{_size_label(settings.BOARD_IMAGE_MAX_BYTES)}를 넘는 이미지는 올릴 수 없습니다.")
    data = upload.read()
    not_an_image = "이미지 파일이 아닙니다. JPEG, PNG, GIF, WebP만 올릴 수 있습니다."
    too_big = "이미지가 너무 큽니다. 4천만 화소 이하만 올릴 수 있습니다."
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ALLOWED_FORMATS:
                _refuse(name, not_an_image)
            width, height = probe.size
            frames = getattr(probe, "n_frames", 1)
            # Refused before decoding, so a decompression bomb never reaches memory; the
            # frames of an animation count too.
            if width * height * min(frames, MAX_FRAMES) > settings.BOARD_IMAGE_MAX_PIXELS or frames > MAX_FRAMES:
                _refuse(
                    name,
                    f"이미지가 너무 큽니다 ({width}×{height}, {frames}프레임). 4천만 화소 이하만 올릴 수 있습니다.",
                )
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            extension, content_type = ALLOWED_FORMATS[image.format], CONTENT_TYPES[image.format]
            icc_profile = image.info.get("icc_profile")
            display = _encode_display(image, icc_profile)
            thumbnail = _encode_thumbnail(image, icc_profile)
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        _refuse(name, too_big)
    except UnidentifiedImageError:
        _refuse(name, not_an_image)
    except Exception:  # noqa: BLE001  (any decoder failure: truncated, corrupt frames, bad EXIF)
        _refuse(name, "이미지 파일이 손상되었거나 일부가 잘렸습니다.")
    # Stored under a name the server chose, never the uploader's: "evil.html.png" or
    # "shell.php.jpg" would be run or served as HTML by a web server that reads every
    # extension of a name (Apache's mod_mime does), and file names can be personal.
    stem = secrets.token_hex(8)
    return PreparedImage(
        original_name=name,
        display=_content(display, f"{stem}.{extension}", content_type),
        thumbnail=_content(thumbnail, f"{stem}.jpg", "image/jpeg"),
    )


def _content(data, name, content_type):
    # The type of the format written, sent by an object store as Content-Type (the local
    # folder's web server goes by the extension, which says the same).
    content = ContentFile(data, name=name)
    content.content_type = content_type
    return content


def _size_label(size):
    return f"{size // (1024 * 1024)}MB" if size >= 1024 * 1024 else f"{size // 1024}KB"


def _in_srgb(frame, icc_profile):
    """The colours the picture's ICC profile describes, converted to sRGB (what browsers
    assume for a picture without a profile), so phone photos in Display P3 keep their
    colours once the profile is dropped. A profile that cannot be read or does not fit the
    picture's mode (grey, palette) is dropped without conversion."""
    if not icc_profile or frame.mode not in {"RGB", "RGBA", "CMYK"}:
        return frame
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        return ImageCms.profileToProfile(frame, source, _SRGB, outputMode="RGBA" if frame.mode == "RGBA" else "RGB")
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return frame


_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
# The one piece of metadata that is part of the picture: a palette's transparent colour.
# Pillow writes what it finds in `info` (a JPEG COM comment, a GIF comment, a PNG's ICC
# profile), so everything else is dropped before saving: comments, XMP, EXIF, ICC, text.
_KEPT_INFO = {"transparency"}


def _bare(frame, icc_profile):
    """The frame in sRGB, with no metadata left to write. Called on the resized frame: the
    colour conversion costs per pixel (a 12 MP photo took a second more converted whole)."""
    frame = _in_srgb(frame, icc_profile)
    frame.info = {key: value for key, value in frame.info.items() if key in _KEPT_INFO}
    return frame


def _fit_width(frame, icc_profile):
    frame = ImageOps.exif_transpose(frame)
    if frame.width > DISPLAY_MAX_WIDTH:
        height = max(1, round(frame.height * DISPLAY_MAX_WIDTH / frame.width))
        frame = frame.resize((DISPLAY_MAX_WIDTH, height), Image.Resampling.LANCZOS)
    return _bare(frame, icc_profile)


def _encode_display(image, icc_profile):
    fmt = image.format
    out = io.BytesIO()
    if getattr(image, "is_animated", False) and fmt in {"GIF", "WEBP"}:
        frames = [_fit_width(frame.convert("RGBA"), icc_profile) for frame in ImageSequence.Iterator(image)]
        frames[0].save(
            out,
            fmt,
            save_all=True,
            append_images=frames[1:],
            loop=image.info.get("loop", 0),
            duration=image.info.get("duration", 100),
            disposal=2,
        )
        return out.getvalue()
    frame = _fit_width(image, icc_profile)
    if fmt == "JPEG":
        frame.convert("RGB").save(out, "JPEG", quality=85, optimize=True, progressive=True)
    elif fmt == "PNG":
        frame.save(out, "PNG", optimize=True)
    elif fmt == "GIF":
        frame.save(out, "GIF")
    else:
        frame.save(out, "WEBP", quality=85)
    return out.getvalue()


def _encode_thumbnail(image, icc_profile):
    frame = ImageOps.exif_transpose(image.copy() if not getattr(image, "is_animated", False) else image.convert("RGBA"))
    if frame.mode in {"RGBA", "LA", "P"}:
        frame = frame.convert("RGBA")
        background = Image.new("RGB", frame.size, (255, 255, 255))
        background.paste(frame, mask=frame.split()[-1])
        frame = background
    elif frame.mode not in {"RGB", "CMYK"}:  # CMYK goes to RGB through its profile, if it has one
        frame = frame.convert("RGB")
    thumb = _bare(ImageOps.fit(frame, THUMBNAIL_SIZE, Image.Resampling.LANCZOS), icc_profile).convert("RGB")
    thumb.info = {}
    out = io.BytesIO()
    thumb.save(out, "JPEG", quality=80, optimize=True)
    return out.getvalue()
