"""Uploads in an S3-compatible bucket (issue 13, point 11): django-storages' S3 backend,
configured as MEDIA_S3_* makes it (config.settings.object_storage), against a real S3
server on loopback (moto in server mode, tests/servers.py). The two-node test
(tests/test_multinode.py) serves one node's upload through the other."""

import io
import re
import urllib.request

import pytest
from PIL import Image

from board.models import Post
from tests.conftest import image_file

pytestmark = pytest.mark.slow


@pytest.fixture
def member_client(client, make_user):
    client.force_login(make_user(username="writer", nickname="글쓴이"))
    return client


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310  (the local S3 server)
        return response.status, dict(response.headers), response.read()


def test_pictures_and_thumbnails_go_to_the_bucket_and_are_served_as_their_format(
    member_client, board, settings, media_in_bucket
):
    pictures = [
        image_file("사진.png", size=(2000, 1000)),
        image_file("사진.jpg", fmt="JPEG"),
        image_file("움짤.gif", fmt="GIF"),
        image_file("사진.webp", fmt="WEBP"),
    ]
    response = member_client.post(
        "/b/ainews/write/", {"title": "버킷에 올린 글", "body": "본문", "tags_text": "", "images": pictures}
    )

    assert response.status_code == 302
    post = Post.objects.get()
    images = list(post.images.order_by("id"))
    assert len(media_in_bucket.objects()) == 8  # four pictures, four thumbnails
    assert not (settings.MEDIA_ROOT.exists() and any(p.is_file() for p in settings.MEDIA_ROOT.rglob("*")))

    article = member_client.get(post.get_absolute_url()).content.decode()
    assert [image.image.url for image in images] == re.findall(r'<img[^>]+src="([^"]+)"', post.body_html)
    assert all(f'src="{image.image.url}"' in article for image in images)
    assert all(image.image.url.startswith(media_in_bucket.media_url) for image in images)
    for image, (fmt, content_type) in zip(
        images,
        [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("GIF", "image/gif"), ("WEBP", "image/webp")],
        strict=True,
    ):
        status, headers, body = fetch(image.image.url)
        assert status == 200 and headers["content-type"] == content_type
        assert headers["cache-control"] == "public, max-age=31536000, immutable"
        with Image.open(io.BytesIO(body)) as served:
            assert served.format == fmt
            assert served.width == min(1600, {"PNG": 2000}.get(fmt, 320))  # the re-encoded copy
    # The list shows the first picture's thumbnail, from the bucket too.
    listing = member_client.get("/b/ainews/").content.decode()
    assert f'src="{images[0].thumbnail.url}"' in listing and post.thumbnail_url == images[0].thumbnail.url
    status, headers, body = fetch(images[0].thumbnail.url)
    assert headers["content-type"] == "image/jpeg"
    with Image.open(io.BytesIO(body)) as thumbnail:
        assert (thumbnail.format, thumbnail.size) == ("JPEG", (240, 160))


def test_pictures_in_the_bucket_are_the_sites_own_media_but_no_other_http_image_is(
    member_client, board, settings, media_in_bucket
):
    """The bucket here is on plain http: its pictures are kept as the site's own media, an
    image from any other http address, or one that climbs out of the bucket, is dropped."""
    own = f"{settings.MEDIA_URL}posts/2026/01/0123456789abcdef.png"
    escapes = [
        f"{settings.MEDIA_URL}../other-bucket/posts/2026/01/0123456789abcdef.png",
        f"{settings.MEDIA_URL}posts/2026/01/%2e%2e/../../search/?q=x",
        f"{settings.MEDIA_URL}posts//x.png",
    ]
    body = "\n\n".join(
        [f"![우리 사진]({own})", "![남의 사진](http://example.com/x.png)"] + [f"![우회]({u})" for u in escapes]
    )
    member_client.post("/b/ainews/write/", {"title": "링크", "body": body, "tags_text": ""})

    sources = re.findall(r'<img[^>]+src="([^"]+)"', Post.objects.get().body_html)
    assert sources == [own]
