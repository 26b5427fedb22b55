"""Storage faults (issue 13, point 5): a disk that fills up in the middle of an upload.

In-process, the storage is the configured one (the local folder, or whatever STORAGES
names) with a byte budget: it writes what still fits of a file and then raises
OSError(ENOSPC) from the real write path, as a full disk does. The last test does the same
against gunicorn with a real 1 MB tmpfs as the media folder.
"""

import errno
import re
import time
from html import unescape

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.utils.functional import empty
from django.utils.module_loading import import_string

from board import images as board_images
from board.models import Post, PostImage
from tests.conftest import image_file, main_text

pytestmark = pytest.mark.faults

FULL_MESSAGE = "저장 공간이 부족해 이미지를 올리지 못했습니다"


class _Budgeted:
    """The content of one file, cut off where the disk fills up."""

    def __init__(self, content, storage):
        self.content, self.storage = content, storage
        self.name, self.size = content.name, content.size

    def chunks(self, chunk_size=None):
        for chunk in self.content.chunks():
            room = self.storage.free_bytes
            self.storage.free_bytes = max(0, room - len(chunk))
            if len(chunk) > room:
                if room:
                    yield chunk[:room]  # written, as a disk writes what fits
                raise OSError(errno.ENOSPC, "No space left on device")
            yield chunk

    def __getattr__(self, name):
        return getattr(self.content, name)


def storage_with_room_for(free_bytes, error=None):
    """The configured default storage with only `free_bytes` left (or failing with `error`)."""
    base = import_string(settings.STORAGES["default"]["BACKEND"])

    class NearlyFull(base):
        def _save(self, name, content):
            if error is not None:
                raise error
            return super()._save(name, _Budgeted(content, self))

    storage = NearlyFull(**settings.STORAGES["default"].get("OPTIONS", {}))
    storage.free_bytes = free_bytes
    return storage


@pytest.fixture
def full_disk():
    """full_disk(free_bytes) makes every upload field use a storage that fills up then."""

    def fill(free_bytes, error=None):
        default_storage._wrapped = storage_with_room_for(free_bytes, error)
        return default_storage._wrapped

    yield fill
    default_storage._wrapped = empty


@pytest.fixture
def member_client(client, make_user):
    client.force_login(make_user(username="writer", nickname="글쓴이"))
    return client


def stored_files(settings):
    """Every file left in the media folder, hidden `.part` files included."""
    root = settings.MEDIA_ROOT
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def two_pictures():
    return [image_file("첫째.png", size=(640, 400)), image_file("둘째.jpg", size=(900, 500), fmt="JPEG")]


def encoded_sizes():
    """Bytes of [display 1, thumbnail 1, display 2, thumbnail 2] as the site stores them."""
    sizes = []
    for upload in two_pictures():
        prepared = board_images.prepare_upload(upload)
        sizes += [prepared.display.size, prepared.thumbnail.size]
    return sizes


def form_value(response, name):
    html = response.content.decode()
    if name == "body":
        return unescape(re.search(r'<textarea name="body"[^>]*>\n?(.*?)</textarea>', html, re.S).group(1))
    return unescape(re.search(rf'<input type="text" name="{name}" value="([^"]*)"', html).group(1))


# Where the disk fills up: before anything, in the first display copy, in its thumbnail,
# in the second display copy, in the last thumbnail.
FILL_POINTS = {
    "nothing fits": lambda s: 0,
    "first picture half-written": lambda s: s[0] // 2,
    "first thumbnail half-written": lambda s: s[0] + s[1] // 2,
    "second picture half-written": lambda s: s[0] + s[1] + s[2] // 2,
    "last thumbnail half-written": lambda s: s[0] + s[1] + s[2] + s[3] // 2,
}


@pytest.mark.parametrize("where", FILL_POINTS)
def test_a_disk_full_mid_upload_leaves_no_file_no_post_and_gives_the_form_back(
    member_client, board, settings, full_disk, where
):
    room = FILL_POINTS[where](encoded_sizes())
    disk = full_disk(room)
    data = {"title": "용량 부족 시험", "body": "지우면 안 되는\n**본문**", "tags_text": "LLM", "source_url": ""}

    response = member_client.post("/b/ainews/write/", {**data, "images": two_pictures()})

    assert response.status_code == 507
    text = main_text(response)
    assert FULL_MESSAGE in text and "글은 아직 등록되지 않았습니다" in text
    assert "입력한 내용을 확인해 주세요" not in text  # nothing was wrong with what they typed
    assert form_value(response, "title") == "용량 부족 시험"
    assert form_value(response, "body") == "지우면 안 되는\n**본문**"
    assert form_value(response, "tags_text") == "LLM"
    assert not Post.objects.exists() and not PostImage.objects.exists()
    assert stored_files(settings) == []
    assert disk.free_bytes == 0  # the budget was really used: the failure came from a write
    board.refresh_from_db()
    assert board.post_count == 0

    # The same form, sent again without pictures, is saved.
    assert member_client.post("/b/ainews/write/", data).status_code == 302
    assert Post.objects.get().title == "용량 부족 시험"


def test_a_disk_full_while_editing_keeps_the_post_and_its_pictures_as_they_were(
    member_client, board, settings, full_disk
):
    member_client.post(
        "/b/ainews/write/",
        {"title": "원래 제목", "body": "원래 본문", "tags_text": "", "images": [image_file("원래.png")]},
    )
    post = Post.objects.get()
    before = stored_files(settings)
    assert len(before) == 2  # its picture and thumbnail
    sizes = encoded_sizes()
    full_disk(sizes[0] + sizes[1] + sizes[2] // 2)

    response = member_client.post(
        f"/b/ainews/{post.pk}/edit/",
        {"title": "고친 제목", "body": "고친 본문", "tags_text": "", "images": two_pictures()},
    )

    assert response.status_code == 507
    text = main_text(response)
    assert FULL_MESSAGE in text and "글은 아직 수정되지 않았습니다" in text
    assert form_value(response, "title") == "고친 제목" and form_value(response, "body") == "고친 본문"
    post.refresh_from_db()
    assert (post.title, post.edited_at) == ("원래 제목", None)
    assert [i.original_name for i in post.images.all()] == ["원래.png"]
    assert stored_files(settings) == before


def test_an_unreachable_store_is_a_503_with_its_own_message(member_client, board, settings, full_disk):
    full_disk(10**9, error=PermissionError(errno.EACCES, "Permission denied"))

    response = member_client.post(
        "/b/ainews/write/", {"title": "저장소 고장", "body": "본문", "tags_text": "", "images": two_pictures()}
    )

    assert response.status_code == 503
    assert "이미지 저장소에 문제가 있어 이미지를 올리지 못했습니다" in main_text(response)
    assert form_value(response, "title") == "저장소 고장"
    assert not Post.objects.exists() and stored_files(settings) == []


# --- A real full disk under gunicorn ------------------------------------------------------

PASSWORD = "faults-storage-pass-2025"
SETUP_SITE = f"""
from accounts.models import User
from board.models import Board
from board import services
services.save_board(board=Board(slug="ainews", name="AI 뉴스"))
user = User(username="writer", nickname="글쓴이", email="writer@example.com")
user.set_password("{PASSWORD}")
user.save()
"""


def png_bytes(size, noise=False):
    import io
    import os

    from PIL import Image

    picture = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)) if noise else Image.new("RGB", size)
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    return buffer.getvalue()


def files_on(disk):
    return sorted(str(p.relative_to(disk)) for p in disk.rglob("*") if p.is_file())


@pytest.mark.slow
@pytest.mark.tmpfs
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_gunicorn_on_a_full_1mb_media_disk_keeps_nothing_and_answers_with_the_form(tiny_disk, start_server):
    from tests.servers import Browser, manage

    disk = tiny_disk("media", "1m")  # where start_server puts MEDIA_ROOT
    server = start_server()
    manage(server.env, "shell", "-c", SETUP_SITE)
    member = Browser()
    login = member.post(f"{server.base}/accounts/login/", {"username": "writer", "password": PASSWORD})
    assert login.status == 302
    small = ("작은사진.png", png_bytes((320, 200)), "image/png")
    big = ("큰사진.png", png_bytes((800, 600), noise=True), "image/png")  # ~1.4 MB re-encoded
    write_url = f"{server.base}/b/ainews/write/"
    typed = {"title": "디스크가 찬 날", "body": "지워지면 안 되는 본문", "tags_text": "", "source_url": ""}

    refused = member.post(write_url, typed, files={"images": [small, big]})

    assert refused.status == 507
    assert FULL_MESSAGE in refused.text and "글은 아직 등록되지 않았습니다" in refused.text
    assert 'value="디스크가 찬 날"' in refused.text and "지워지면 안 되는 본문</textarea>" in refused.text
    assert files_on(disk) == []  # the small picture, its thumbnail and the part of the big one: gone
    assert "디스크가 찬 날" not in Browser().get(f"{server.base}/b/ainews/").text

    # With the small picture alone there is room: saved, and its files are on the disk.
    saved = member.post(write_url, typed, files={"images": [small]})
    assert saved.status == 302
    article = saved.headers["Location"]
    assert len(files_on(disk)) == 2

    # Editing it with the big picture: refused the same way, the post and its files as they were.
    edit_url = f"{server.base}{article}edit/"
    refused_edit = member.post(edit_url, {**typed, "title": "고친 제목"}, files={"images": [big]})
    assert refused_edit.status == 507
    assert "글은 아직 수정되지 않았습니다" in refused_edit.text and 'value="고친 제목"' in refused_edit.text
    assert len(files_on(disk)) == 2
    page = Browser().get(f"{server.base}{article}")
    assert "디스크가 찬 날" in page.text and "고친 제목" not in page.text

    log = server.log()
    assert "Traceback" not in log
    assert log.count("Pictures not stored (out of space)") == 2


# --- The same with the uploads in an S3-compatible bucket ---------------------------------


@pytest.fixture
def full_bucket(media_in_bucket):
    """full_bucket(n): the bucket (on the S3 server) takes `n` more objects, then answers as
    MinIO does when its drives are full: 507 XMinioStorageFull. A PUT stores all of an
    object or nothing, so there is no partial object to find."""
    from botocore.exceptions import ClientError

    base = import_string(settings.STORAGES["default"]["BACKEND"])

    class FullBucket(base):
        def _save(self, name, content):
            if self.objects_left <= 0:
                error = {"Code": "XMinioStorageFull", "Message": "Storage backend has reached its minimum free drive"}
                raise ClientError({"Error": error, "ResponseMetadata": {"HTTPStatusCode": 507}}, "PutObject")
            self.objects_left -= 1
            return super()._save(name, content)

    def fill(room):
        storage = FullBucket(**settings.STORAGES["default"]["OPTIONS"])
        storage.objects_left = room
        default_storage._wrapped = storage

    yield fill
    default_storage._wrapped = empty


@pytest.mark.parametrize("room", [0, 1, 2, 3])
def test_a_full_bucket_mid_upload_leaves_no_object_and_gives_the_form_back(
    member_client, board, settings, media_in_bucket, full_bucket, room
):
    full_bucket(room)

    response = member_client.post(
        "/b/ainews/write/", {"title": "버킷이 찬 날", "body": "본문", "tags_text": "", "images": two_pictures()}
    )

    assert response.status_code == 507
    assert FULL_MESSAGE in main_text(response) and form_value(response, "title") == "버킷이 찬 날"
    assert not Post.objects.exists() and not PostImage.objects.exists()
    assert media_in_bucket.objects() == []  # the `room` objects stored before the refusal: deleted
    assert stored_files(settings) == []


def test_an_unreachable_bucket_is_a_503_within_seconds(member_client, board, settings, media_in_bucket):
    from tests.servers import free_port

    options = {**settings.STORAGES["default"]["OPTIONS"], "endpoint_url": f"http://127.0.0.1:{free_port()}"}
    settings.STORAGES = {**settings.STORAGES, "default": {**settings.STORAGES["default"], "OPTIONS": options}}
    started = time.monotonic()

    response = member_client.post(
        "/b/ainews/write/", {"title": "버킷이 꺼진 날", "body": "본문", "tags_text": "", "images": two_pictures()}
    )

    assert response.status_code == 503
    assert "이미지 저장소에 문제가 있어" in main_text(response) and form_value(response, "title") == "버킷이 꺼진 날"
    assert not Post.objects.exists()
    assert time.monotonic() - started < 10


@pytest.mark.slow
@pytest.mark.tmpfs
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_full_temporary_folder_while_receiving_a_big_upload_is_a_korean_507(tiny_disk, start_server):
    """Uploads over 2.5 MB are spooled to the temporary folder (TMPDIR) while the request
    is read, before any view runs: filling it is the same fault one step earlier."""
    from tests.servers import Browser, manage

    spool = tiny_disk("spool", "1m")
    server = start_server(TMPDIR=str(spool))
    manage(server.env, "shell", "-c", SETUP_SITE)
    member = Browser()
    assert member.post(f"{server.base}/accounts/login/", {"username": "writer", "password": PASSWORD}).status == 302
    big = ("큰사진.png", png_bytes((1200, 1000), noise=True), "image/png")  # 3.6 MB
    typed = {"title": "임시 폴더가 찬 날", "body": "본문", "tags_text": "", "source_url": ""}

    refused = member.post(f"{server.base}/b/ainews/write/", typed, files={"images": [big]})

    assert refused.status == 507
    assert FULL_MESSAGE in refused.text
    assert files_on(spool) == []
    assert "임시 폴더가 찬 날" not in Browser().get(f"{server.base}/b/ainews/").text
    assert "Traceback" not in server.log()
