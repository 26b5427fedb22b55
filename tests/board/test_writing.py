import io
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from board.models import Board, PendingImage, Post, PostImage
from tests.conftest import image_file, main_text, page_text


@pytest.fixture
def member(make_user):
    return make_user(username="writer", nickname="글쓴이")


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


def post_data(**overrides):
    data = {"title": "새 모델 소식", "body": "**굵은** 본문입니다.", "tags_text": "LLM, 강화학습", "source_url": ""}
    data.update(overrides)
    return data


def stored_files(settings):
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# --- Who may write -----------------------------------------------------------------------


def test_unknown_board_write_is_404(member_client):
    assert member_client.get("/b/nope/write/").status_code == 404


# --- Writing -----------------------------------------------------------------------------


def test_member_writes_an_article_with_markdown_two_images_and_tags(member_client, board):
    response = member_client.post(
        "/b/ainews/write/",
        post_data(
            body="첫 문단\n\n[이미지2]\n\n## 소제목\n\n- 항목",
            images=[image_file("첫째.png"), image_file("둘째.jpg", fmt="JPEG", colour=(200, 40, 40))],
        ),
    )

    post = Post.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/b/ainews/{post.pk}/"
    assert sorted(t.name for t in post.tags.all()) == ["LLM", "강화학습"]
    images = list(post.images.order_by("id"))
    assert [i.original_name for i in images] == ["첫째.png", "둘째.jpg"]
    # [이미지2] put the second picture after the first paragraph; the first one follows the text.
    html = post.body_html
    assert html.index("둘째") < html.index("<h2>소제목</h2>") < html.index("첫째")
    assert f'src="{images[1].image.url}"' in html
    board.refresh_from_db()
    assert board.post_count == 1

    listing = member_client.get("/b/ainews/").content.decode()
    first_row = re.search(r'<li class="post-row[^"]*">.*?</li>', listing, re.S).group(0)
    assert "새 모델 소식" in first_row
    assert f'src="{images[0].thumbnail.url}"' in first_row
    assert "첫 문단" in first_row  # the excerpt
    assert "#LLM" in first_row


def test_preview_shows_the_rendered_body_and_saves_nothing(member_client, board):
    response = member_client.post(
        "/b/ainews/write/", post_data(body="**미리** 보기 <script>alert(1)</script>", preview="1")
    )

    assert response.status_code == 200
    html = response.content.decode()
    preview = html[html.index('id="preview-title"') :]
    assert "<strong>미리</strong> 보기" in preview
    assert "<script>alert(1)</script>" not in preview
    assert not Post.objects.exists()


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"title": ""}, "제목을 입력해 주세요."),
        ({"title": "   "}, "제목을 입력해 주세요."),
        ({"title": "가" * 201}, "제목은 200자 이하로 입력해 주세요."),
        ({"body": ""}, "본문을 입력해 주세요."),
        ({"body": "가" * 50_001}, "본문은(는) 50,000자 이하로 입력해 주세요."),
        ({"tags_text": ",".join(f"태그{i}" for i in range(11))}, "태그는 10개까지 달 수 있습니다."),
        ({"source_url": "javascript:alert(1)"}, "원문 URL은 http:// 또는 https:// 주소만"),
        ({"source_url": "ftp://example.com/a"}, "원문 URL은 http:// 또는 https:// 주소만"),
    ],
)
def test_bad_post_input_is_refused_in_korean_and_nothing_is_saved(
    member_client, member, board, settings, overrides, message
):
    response = member_client.post("/b/ainews/write/", post_data(images=[image_file()], **overrides))

    assert response.status_code == 400
    assert message in page_text(response)
    assert not Post.objects.exists()
    assert not PostImage.objects.exists()
    assert Board.objects.get(slug="ainews").post_count == 0
    # The chosen picture is kept for the member's next try (not part of any post), and the
    # form names it; nothing else was written.
    kept = PendingImage.objects.get()
    assert kept.owner == member and kept.original_name == "사진.png"
    assert f'value="{kept.token}"' in response.content.decode()
    assert sorted(stored_files(settings)) == sorted(
        settings.MEDIA_ROOT / f for f in (kept.image.name, kept.thumbnail.name)
    )


# 원문 URL (issue 18, point 5): characters that could break out of an attribute, a feed or an
# importer's quoting are refused with a message naming them, whatever the URL parser thinks.
UNSAFE_SOURCE_URLS = {
    "double quote": 'https://example.com/"><script>alert(1)</script>',
    "single quote": "https://example.com/a'onerror='x",
    "angle brackets": "https://example.com/<b>",
    "backtick": "https://example.com/`x`",
    "space": "https://example.com/a b",
    "ideographic space": "https://example.com/a\u3000b",
    "no-break space": "https://example.com/a\u00a0b",
    "tab": "https://example.com/a\tb",
    "line break": "https://example.com/a\nb",
    "C0 control": "https://example.com/a\x01b",
    "DEL": "https://example.com/a\x7fb",
    "C1 control": "https://example.com/a\x9bb",
}


@pytest.mark.parametrize("url", UNSAFE_SOURCE_URLS.values(), ids=UNSAFE_SOURCE_URLS.keys())
def test_source_urls_with_quotes_brackets_spaces_or_controls_are_refused_in_korean(member_client, board, url):
    response = member_client.post("/b/ainews/write/", post_data(source_url=url))

    assert response.status_code == 400
    assert "원문 URL에는 따옴표" in page_text(response) and "제어 문자를 쓸 수 없습니다" in page_text(response)
    assert not Post.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/a%22b%20c?q=%3Cx%3E#frag",
        "https://ko.wikipedia.org/wiki/인공지능",
        "  https://example.com/news/1  ",  # pasted with spaces around: trimmed
        "http://example.com/path_(1)?a=1&b=2",
    ],
)
def test_ordinary_source_urls_are_kept(member_client, board, url):
    response = member_client.post("/b/ainews/write/", post_data(source_url=url))

    assert response.status_code == 302
    assert Post.objects.get().source_url == url.strip()


# --- Images ------------------------------------------------------------------------------


def jpeg_with_exif(size=(400, 200), orientation=6):
    image = Image.new("RGB", size, (10, 120, 60))
    exif = Image.Exif()
    exif[0x0112] = orientation  # Orientation: rotate 90° clockwise to display
    exif[0x8825] = {1: "N", 2: (37.0, 33.0, 0.0)}  # GPS position
    exif[0x010F] = "TestCam"
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return SimpleUploadedFile("gps.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_uploaded_jpeg_loses_exif_and_is_turned_upright(member_client, board):
    member_client.post("/b/ainews/write/", post_data(images=[jpeg_with_exif()]))

    stored = PostImage.objects.get()
    with Image.open(stored.image.path) as image:
        assert image.size == (200, 400)  # orientation applied
        assert not image.getexif()
        assert "exif" not in image.info


def test_wide_images_get_a_1600px_display_copy_and_a_thumbnail(member_client, board):
    member_client.post("/b/ainews/write/", post_data(images=[image_file("wide.png", size=(2400, 1200))]))

    stored = PostImage.objects.get()
    assert (stored.width, stored.height) == (1600, 800)
    with Image.open(stored.thumbnail.path) as thumb:
        assert thumb.size == (240, 160) and thumb.format == "JPEG"


def test_gif_and_webp_are_accepted(member_client, board):
    response = member_client.post(
        "/b/ainews/write/", post_data(images=[image_file("a.gif", fmt="GIF"), image_file("b.webp", fmt="WEBP")])
    )

    assert response.status_code == 302
    assert sorted(p.image.name.rsplit(".", 1)[1] for p in PostImage.objects.all()) == ["gif", "webp"]


def truncated_jpeg():
    whole = image_file("잘린사진.jpg", size=(800, 600), fmt="JPEG").read()
    return SimpleUploadedFile("잘린사진.jpg", whole[: len(whole) // 2], content_type="image/jpeg")


def bomb_png():
    buffer = io.BytesIO()
    Image.new("1", (8000, 6000)).save(buffer, "PNG")  # 48 megapixels in a few kilobytes
    return SimpleUploadedFile("폭탄.png", buffer.getvalue(), content_type="image/png")


@pytest.mark.parametrize(
    "upload, message",
    [
        (
            lambda: SimpleUploadedFile(
                "그림.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "image/svg+xml"
            ),
            "그림.svg: 이미지 파일이 아닙니다",
        ),
        (
            lambda: SimpleUploadedFile("가짜.jpg", b"<html><script>alert(1)</script></html>", "image/jpeg"),
            "가짜.jpg: 이미지 파일이 아닙니다",
        ),
        (truncated_jpeg, "잘린사진.jpg: 이미지 파일이 손상되었거나 일부가 잘렸습니다."),
        (bomb_png, "폭탄.png: 이미지가 너무 큽니다"),
        (lambda: SimpleUploadedFile("사진.bmp", _bmp(), "image/bmp"), "사진.bmp: 이미지 파일이 아닙니다"),
    ],
)
def test_bad_images_are_refused_naming_the_file(member_client, board, settings, upload, message):
    response = member_client.post("/b/ainews/write/", post_data(images=[image_file("좋은사진.png"), upload()]))

    assert response.status_code == 400
    assert message in page_text(response)
    assert not Post.objects.exists() and not PostImage.objects.exists()
    assert stored_files(settings) == []


def _bmp():
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, "BMP")
    return buffer.getvalue()


def test_oversize_file_is_refused_before_decoding(member_client, board, settings):
    settings.BOARD_IMAGE_MAX_BYTES = 50_000
    noisy = Image.effect_noise((400, 400), 80).convert("RGB")
    buffer = io.BytesIO()
    noisy.save(buffer, "PNG")
    assert len(buffer.getvalue()) > 50_000

    response = member_client.post(
        "/b/ainews/write/", post_data(images=[SimpleUploadedFile("큰사진.png", buffer.getvalue(), "image/png")])
    )

    assert response.status_code == 400
    assert "큰사진.png: 48KB를 넘는 이미지는 올릴 수 없습니다." in page_text(response)
    assert not Post.objects.exists()


def test_more_than_ten_images_are_refused(member_client, board):
    response = member_client.post("/b/ainews/write/", post_data(images=[image_file(f"{i}.png") for i in range(11)]))

    assert response.status_code == 400
    assert "이미지는 글 하나에 10장까지" in page_text(response)
    assert not Post.objects.exists()


# --- Editing and deleting ----------------------------------------------------------------


def test_author_edit_keeps_creation_time_shows_edited_and_rerenders(member_client, member, make_post):
    created = timezone.now() - timedelta(days=3)
    post = make_post(author=member, body="옛 본문", created_at=created, tags=["옛태그"])

    response = member_client.post(f"/b/ainews/{post.pk}/edit/", post_data(title="고친 제목", body="*새* 본문"))

    assert response.status_code == 302
    post.refresh_from_db()
    assert post.created_at == created
    assert post.edited_at is not None
    assert post.body_html == "<p><em>새</em> 본문</p>"
    assert sorted(t.name for t in post.tags.all()) == ["LLM", "강화학습"]
    text = page_text(member_client.get(post.get_absolute_url()))
    assert "고친 제목" in text
    assert f"수정됨 {timezone.localtime(post.edited_at):%Y.%m.%d %H:%M}" in text


def test_moderators_may_edit_any_post_but_other_staff_may_not(client, make_user, make_post):
    from django.contrib.auth.models import Group

    post = make_post()
    client.force_login(make_user(is_staff=True))  # staff, but not 운영진
    assert client.post(f"/b/ainews/{post.pk}/edit/", post_data(title="가로챈 제목")).status_code == 403
    moderator = make_user(is_staff=True)
    moderator.groups.add(Group.objects.get(name="운영진"))
    client.force_login(moderator)

    response = client.post(f"/b/ainews/{post.pk}/edit/", post_data(title="운영진이 고친 제목"))

    assert response.status_code == 302
    post.refresh_from_db()
    assert post.title == "운영진이 고친 제목"


def test_bad_edit_keeps_the_old_post(member_client, member, make_post):
    post = make_post(author=member, title="멀쩡한 제목")

    response = member_client.post(f"/b/ainews/{post.pk}/edit/", post_data(title=""))

    assert response.status_code == 400
    assert "제목을 입력해 주세요." in page_text(response)
    post.refresh_from_db()
    assert post.title == "멀쩡한 제목" and post.edited_at is None


def test_delete_is_soft_hides_everywhere_and_keeps_comments(member_client, member, make_post, make_comment, board):
    post = make_post(author=member, title="지울 글")
    make_comment(post, body="남을 댓글")

    confirm = member_client.get(f"/b/ainews/{post.pk}/delete/")
    response = member_client.post(f"/b/ainews/{post.pk}/delete/")

    assert confirm.status_code == 200 and "글을 삭제할까요?" in page_text(confirm)
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.is_deleted
    assert post.comments.count() == 1
    assert member_client.get(post.get_absolute_url()).status_code == 404
    assert "지울 글" not in main_text(member_client.get("/b/ainews/"))
    board.refresh_from_db()
    assert board.post_count == 0


def test_write_form_page_renders_for_members(member_client, board):
    response = member_client.get("/b/ainews/write/")

    assert response.status_code == 200
    text = page_text(response)
    for label in ["제목", "본문", "태그", "원문 URL", "이미지", "미리보기", "등록하기"]:
        assert label in text


def animated(fmt="GIF", frames=3, size=(60, 40)):
    pictures = [Image.new("RGB", size, (i * 40 % 255, 80, 160)) for i in range(frames)]
    buffer = io.BytesIO()
    pictures[0].save(buffer, fmt, save_all=True, append_images=pictures[1:], duration=80, loop=0)
    return buffer.getvalue()


def test_animations_with_too_many_frames_are_refused(member_client, board):
    upload = SimpleUploadedFile("움짤.gif", animated(frames=301, size=(8, 8)), "image/gif")

    response = member_client.post("/b/ainews/write/", post_data(images=[upload]))

    assert response.status_code == 400
    assert "움짤.gif: 이미지가 너무 큽니다" in page_text(response)


def test_animated_gif_keeps_its_frames(member_client, board):
    upload = SimpleUploadedFile("움짤.gif", animated(frames=4), "image/gif")

    member_client.post("/b/ainews/write/", post_data(images=[upload]))

    with Image.open(PostImage.objects.get().image.path) as stored:
        assert stored.n_frames == 4


@pytest.mark.parametrize("fmt, name", [("GIF", "깨진.gif"), ("WEBP", "깨진.webp"), ("PNG", "깨진.png")])
def test_damaged_images_are_refused_never_a_500(member_client, board, settings, fmt, name):
    settings.BOARD_RATE_LIMITS = {**settings.BOARD_RATE_LIMITS, "post": (1000, 600)}
    whole = animated(fmt, frames=3) if fmt != "PNG" else image_file(fmt="PNG").read()
    for position in range(len(whole) // 4, len(whole) - 4, max(1, len(whole) // 12)):
        damaged = bytearray(whole)
        damaged[position : position + 4] = b"\xff\x00\xff\x00"
        upload = SimpleUploadedFile(name, bytes(damaged), "image/" + fmt.lower())

        response = member_client.post("/b/ainews/write/", post_data(images=[upload]))

        assert response.status_code in (302, 400), (position, response.status_code)
        if response.status_code == 400:
            assert name in page_text(response)
