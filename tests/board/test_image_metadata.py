"""Re-encoded uploads keep no metadata (issue 18, point 4).

Each format is built holding `<script>` in every metadata block it can carry, uploaded
through the 글쓰기 form, and the stored display copy and thumbnail are read block by block:
only the blocks that draw the picture may be there, and the script nowhere. ICC profiles
are converted to sRGB, then dropped.
"""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, PngImagePlugin

from board.models import PostImage

SCRIPT = "<script>alert(1)</script>"
XMP = f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description>{SCRIPT}</rdf:Description></x:xmpmeta>'


def icc_profile(description=SCRIPT, gamma=1.0):
    """A small, valid ICC v2 RGB profile: sRGB primaries with a plain gamma curve (1.0:
    linear light, so mid-grey 128 is sRGB 188) and the description given."""

    def s15(value):
        return struct.pack(">i", round(value * 65536))

    def xyz(x, y, z):
        return b"XYZ " + b"\0" * 4 + s15(x) + s15(y) + s15(z)

    curve = b"curv" + b"\0" * 4 + struct.pack(">IH", 1, round(gamma * 256)) + b"\0\0"
    text = description.encode("ascii") + b"\0"
    tags = [
        (b"desc", b"desc" + b"\0" * 4 + struct.pack(">I", len(text)) + text + b"\0" * 78),
        (b"cprt", b"text" + b"\0" * 4 + text),
        (b"wtpt", xyz(0.9642, 1.0, 0.8249)),
        (b"rXYZ", xyz(0.4361, 0.2225, 0.0139)),
        (b"gXYZ", xyz(0.3851, 0.7169, 0.0971)),
        (b"bXYZ", xyz(0.1431, 0.0606, 0.7141)),
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, data = struct.pack(">I", len(tags)), b""
    for signature, body in tags:
        data += b"\0" * (-(offset + len(data)) % 4)
        table += signature + struct.pack(">II", offset + len(data), len(body))
        data += body
    header = struct.pack(">I", offset + len(data)) + b"lcms" + bytes([2, 0x10, 0, 0]) + b"mntrRGB XYZ " + b"\0" * 12
    header += b"acsp" + b"\0" * 28 + s15(0.9642) + s15(1.0) + s15(0.8249) + b"\0" * 48
    return header + table + data


def exif_bytes():
    exif = Image.Exif()
    exif[0x010E] = SCRIPT  # ImageDescription
    exif[0x010F] = SCRIPT  # Make
    exif[0x9286] = SCRIPT  # UserComment, in the Exif sub-IFD
    return exif.tobytes()


def picture(mode="RGB", size=(64, 48), colour=(128, 128, 128)):
    return Image.new(mode, size, colour)


def segment(marker, payload):
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def jpeg_with_everything():
    buffer = io.BytesIO()
    picture().save(buffer, "JPEG", exif=exif_bytes(), icc_profile=icc_profile(), comment=SCRIPT, xmp=XMP.encode())
    data = buffer.getvalue()
    extra = segment(0xED, b"Photoshop 3.0\0" + SCRIPT.encode())  # APP13: IPTC
    extra += segment(0xEF, SCRIPT.encode())  # APP15, anything
    extra += segment(0xFE, b"second " + SCRIPT.encode())  # another COM
    return data[:2] + extra + data[2:]


def png_with_everything(mode="RGB"):
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", SCRIPT)
    info.add_text("Description", SCRIPT, zip=True)  # zTXt: compressed, so not visible as bytes
    info.add_itxt("XML:com.adobe.xmp", XMP)
    info.add_itxt("Title", SCRIPT, lang="ko", tkey=SCRIPT, zip=True)
    buffer = io.BytesIO()
    image = picture(mode) if mode != "P" else picture().convert("P")
    image.save(buffer, "PNG", pnginfo=info, exif=exif_bytes(), icc_profile=icc_profile())
    return buffer.getvalue()


def gif_with_everything(frames=1):
    buffer = io.BytesIO()
    images = [picture(colour=(40 * i, 100, 200)).convert("P") for i in range(frames)]
    images[0].save(buffer, "GIF", save_all=frames > 1, append_images=images[1:], comment=SCRIPT, loop=0, duration=90)
    data = buffer.getvalue()
    application = b"\x21\xff\x0bXMP DataXMP" + sub_blocks(XMP.encode()) + b"\0"
    plain_text = b"\x21\x01\x0c" + b"\0" * 12 + sub_blocks(SCRIPT.encode()) + b"\0"
    comment = b"\x21\xfe" + sub_blocks(b"second " + SCRIPT.encode()) + b"\0"
    first_block = 13 + 3 * 2 ** ((data[10] & 7) + 1)  # after the header and global colour table
    return data[:first_block] + application + plain_text + comment + data[first_block:]


def sub_blocks(data):
    return b"".join(bytes([len(data[i : i + 255])]) + data[i : i + 255] for i in range(0, len(data), 255))


def webp_with_everything(frames=1):
    buffer = io.BytesIO()
    images = [picture(colour=(40 * i, 100, 200)) for i in range(frames)]
    images[0].save(
        buffer,
        "WEBP",
        save_all=frames > 1,
        append_images=images[1:],
        exif=exif_bytes(),
        xmp=XMP.encode(),
        icc_profile=icc_profile(),
        quality=90,
    )
    return buffer.getvalue()


# --- Reading the stored files block by block ----------------------------------------------


def jpeg_blocks(data):
    """The markers before the picture's data (where every metadata block lives), and COM or
    APPn anywhere after it."""
    assert data[:2] == b"\xff\xd8"
    markers, position = [], 2
    while position < len(data):
        marker = data[position + 1]
        if marker == 0xD9:
            break
        length = struct.unpack(">H", data[position + 2 : position + 4])[0]
        markers.append((marker, data[position + 4 : position + 2 + length]))
        position += 2 + length
        if marker == 0xDA:  # image data: skip to the next marker that is not a restart or escape
            while position < len(data) - 1 and not (
                data[position] == 0xFF and data[position + 1] not in (0x00, *range(0xD0, 0xD8))
            ):
                position += 1
    return markers


def png_chunks(data):
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, position = [], 8
    while position < len(data):
        length = struct.unpack(">I", data[position : position + 4])[0]
        chunks.append(data[position + 4 : position + 8].decode("latin-1"))
        position += 12 + length
    return chunks


def gif_blocks(data):
    """Extensions by label (and the application's name), images as "image"."""
    assert data[:6] in (b"GIF87a", b"GIF89a")
    position = 13 + (3 * 2 ** ((data[10] & 7) + 1) if data[10] & 0x80 else 0)
    blocks = []
    while data[position] != 0x3B:
        if data[position] == 0x21:
            label = data[position + 1]
            position += 2
            first = data[position + 1 : position + 1 + data[position]]
            blocks.append((label, first if label == 0xFF else b""))
        else:
            assert data[position] == 0x2C
            flags = data[position + 9]
            position += 10 + (3 * 2 ** ((flags & 7) + 1) if flags & 0x80 else 0) + 1
            blocks.append(("image", b""))
        while data[position]:
            position += data[position] + 1
        position += 1
    return blocks


def webp_chunks(data):
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    chunks, position = [], 12
    while position < len(data):
        name, size = (
            data[position : position + 4].decode("latin-1"),
            struct.unpack("<I", data[position + 4 : position + 8])[0],
        )
        chunks.append(name)
        if name == "ANMF":  # frames hold chunks of their own
            chunks += webp_chunks(b"RIFF\0\0\0\0WEBP" + data[position + 24 : position + 8 + size])
        position += 8 + size + size % 2
    return chunks


def allowed_jpeg(data):
    # APP0 is JFIF (density only); DQT, SOF, DHT, DRI and SOS draw the picture.
    return {marker for marker, _ in jpeg_blocks(data)} <= {0xE0, 0xDB, 0xC0, 0xC2, 0xC4, 0xDD, 0xDA}


def no_script_anywhere(data):
    decompressed = b""
    if data[:4] == b"\x89PNG":  # zTXt, iTXt and iCCP are compressed
        position = 8
        while position < len(data):
            length = struct.unpack(">I", data[position : position + 4])[0]
            body = data[position + 8 : position + 8 + length]
            if data[position + 4 : position + 8] in (b"zTXt", b"iCCP", b"iTXt"):
                try:
                    decompressed += zlib.decompress(body[body.index(b"\0") + 2 :])
                except zlib.error:
                    decompressed += body
            position += 12 + length
    return b"script" not in (data + decompressed).lower()


@pytest.fixture
def upload(client, make_user, board):
    client.force_login(make_user())

    def send(name, data):
        response = client.post(
            "/b/ainews/write/",
            {"title": "메타데이터", "body": "본문", "tags_text": "", "images": [SimpleUploadedFile(name, data)]},
        )
        assert response.status_code == 302, response.content.decode()[:500]
        stored = PostImage.objects.latest("id")
        return stored.image.read(), stored.thumbnail.read()

    return send


def test_the_files_really_carry_the_script_in_every_block():
    """The test files are what they claim: each block is there, holding the script."""
    jpeg = jpeg_blocks(jpeg_with_everything())
    assert {0xFE, 0xE1, 0xE2, 0xED, 0xEF} <= {marker for marker, _ in jpeg}
    assert sum(marker == 0xE1 for marker, _ in jpeg) == 2  # Exif and XMP
    assert {"tEXt", "zTXt", "iTXt", "iCCP", "eXIf"} <= set(png_chunks(png_with_everything()))
    assert {(0xFE, b""), (0x01, b""), (0xFF, b"XMP DataXMP")} <= set(gif_blocks(gif_with_everything()))
    assert {"EXIF", "XMP ", "ICCP"} <= set(webp_chunks(webp_with_everything()))
    for data in (jpeg_with_everything(), png_with_everything(), gif_with_everything(), webp_with_everything()):
        assert not no_script_anywhere(data)


def test_jpeg_keeps_no_comment_exif_xmp_iptc_icc_or_other_app_segment(upload):
    display, thumbnail = upload("사진.jpg", jpeg_with_everything())

    for stored in (display, thumbnail):
        assert allowed_jpeg(stored), [hex(marker) for marker, _ in jpeg_blocks(stored)]
        assert no_script_anywhere(stored)


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "P"])
def test_png_keeps_no_text_xmp_exif_or_icc_chunk(upload, mode):
    display, thumbnail = upload("그림.png", png_with_everything(mode))

    assert set(png_chunks(display)) <= {"IHDR", "PLTE", "tRNS", "IDAT", "IEND"}, png_chunks(display)
    assert allowed_jpeg(thumbnail)
    assert no_script_anywhere(display) and no_script_anywhere(thumbnail)


@pytest.mark.parametrize("frames", [1, 3], ids=["still", "animated"])
def test_gif_keeps_no_comment_plain_text_or_xmp_extension(upload, frames):
    display, thumbnail = upload("움짤.gif", gif_with_everything(frames))

    blocks = gif_blocks(display)
    assert {label for label, _ in blocks} <= {"image", 0xF9, 0xFF}, blocks
    assert {name for label, name in blocks if label == 0xFF} <= {b"NETSCAPE2.0"}  # the loop count
    assert sum(label == "image" for label, _ in blocks) == frames
    assert allowed_jpeg(thumbnail)
    assert no_script_anywhere(display) and no_script_anywhere(thumbnail)


@pytest.mark.parametrize("frames", [1, 3], ids=["still", "animated"])
def test_webp_keeps_no_exif_xmp_or_icc_chunk(upload, frames):
    display, thumbnail = upload("그림.webp", webp_with_everything(frames))

    assert set(webp_chunks(display)) <= {"VP8 ", "VP8L", "VP8X", "ALPH", "ANIM", "ANMF"}, webp_chunks(display)
    assert allowed_jpeg(thumbnail)
    assert no_script_anywhere(display) and no_script_anywhere(thumbnail)


def test_colours_of_a_profile_are_converted_to_srgb_before_it_is_dropped(upload):
    """Mid-grey 128 in linear light is 188 in sRGB: a browser would show the stored file as
    the uploader's screen showed the original."""
    buffer = io.BytesIO()
    picture(colour=(128, 128, 128)).save(buffer, "PNG", icc_profile=icc_profile("linear"))

    display, thumbnail = upload("선형.png", buffer.getvalue())

    with Image.open(io.BytesIO(display)) as stored:
        assert "icc_profile" not in stored.info
        assert stored.convert("RGB").getpixel((10, 10)) == (188, 188, 188)
    with Image.open(io.BytesIO(thumbnail)) as thumb:
        assert all(abs(channel - 188) <= 2 for channel in thumb.getpixel((10, 10)))


def test_a_profile_that_cannot_be_read_is_dropped_and_the_picture_kept(upload):
    buffer = io.BytesIO()
    picture(colour=(128, 128, 128)).save(buffer, "PNG", icc_profile=SCRIPT.encode() * 8)

    display, _ = upload("깨진프로필.png", buffer.getvalue())

    with Image.open(io.BytesIO(display)) as stored:
        assert "icc_profile" not in stored.info
        assert stored.convert("RGB").getpixel((10, 10)) == (128, 128, 128)
