"""첨부파일: what a post may carry (kinds checked by content, per-board count and size),
how it is stored (random names, nothing left after a failure), served (original name,
RFC 5987, nosniff, counted) and guarded (download level, this post's files only)."""

import io
import zipfile
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from board import services
from board.attachments import clean_name
from board.models import Attachment, Post
from board.views.files import content_disposition
from tests.conftest import main_text

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def pdf(name="보고서.pdf", data=PDF_BYTES):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def office(name="발표.docx", folder="word/"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{folder}document.xml", "<document/>")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


def upload(name, data):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.fixture
def member(make_user):
    return make_user(username="writer", nickname="글쓴이")


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


def write(client, slug="ainews", **data):
    fields = {"title": "자료 공유", "body": "첨부한 자료입니다.", "tags_text": "", "source_url": ""}
    fields.update(data)
    return client.post(f"/b/{slug}/write/", fields)


def stored(settings):
    root = settings.MEDIA_ROOT / "files"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


# --- Writing with attachments -------------------------------------------------------------


def test_a_member_attaches_a_pdf_and_a_docx_stored_under_random_names(member_client, board, settings):
    response = write(member_client, files=[pdf(), office()])

    post = Post.objects.get()
    assert response.status_code == 302
    files = list(post.attachments.all())
    assert [(f.original_name, f.position) for f in files] == [("보고서.pdf", 0), ("발표.docx", 1)]
    assert files[0].size == len(PDF_BYTES)
    assert post.attachment_count == 2  # the article asks for files only when there are some
    on_disk = stored(settings)
    assert len(on_disk) == 2
    # Nothing of the member's name (nor an extension a web server would act on) on disk.
    assert all("보고서" not in p.name and "." not in p.name for p in on_disk)

    page = main_text(member_client.get(post.get_absolute_url()))
    assert "첨부파일 2개" in page and "보고서.pdf" in page and "발표.docx" in page


@pytest.mark.parametrize(
    "name, data",
    [
        ("notes.txt", "한글 메모입니다.\n".encode()),
        ("표.csv", "이름,점수\n가,1\n".encode("cp949")),  # Excel's Korean CSV
        ("archive.zip", None),
        ("문서.hwp", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100),
    ],
)
def test_each_allowed_kind_passes_its_content_check(member_client, board, name, data):
    if data is None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("a.txt", "a")
        data = buffer.getvalue()

    assert write(member_client, files=[upload(name, data)]).status_code == 302
    assert Attachment.objects.get().original_name == name


@pytest.mark.parametrize(
    "name, data, says",
    [
        ("보고서.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "확장자만 바꾼 파일"),  # a renamed .exe
        ("보고서.pdf", b"<html><script>alert(1)</script></html>", "확장자만 바꾼 파일"),
        ("표.xlsx", b"PK\x03\x04 not really a zip", "확장자만 바꾼 파일"),
        ("문서.hwp", b"plain text pretending", "확장자만 바꾼 파일"),
        ("run.exe", b"MZ\x90\x00", "첨부할 수 없는 파일 형식"),
        ("page.html", b"<html></html>", "첨부할 수 없는 파일 형식"),
        ("noext", b"hello", "첨부할 수 없는 파일 형식"),
        ("빈.txt", b"", "빈 파일"),
    ],
)
def test_a_renamed_or_forbidden_file_brings_the_form_back_with_a_korean_reason(
    member_client, board, settings, name, data, says
):
    response = write(member_client, files=[upload(name, data)])

    assert response.status_code == 400
    assert says in main_text(response)
    assert "자료 공유" in response.content.decode()  # the title as typed
    assert not Post.objects.exists() and not Attachment.objects.exists()
    assert stored(settings) == []


def test_a_docx_must_be_a_word_document_not_any_zip(member_client, board):
    response = write(member_client, files=[office("표.docx", folder="xl/")])

    assert response.status_code == 400
    assert "DOCX 형식이 아닙니다" in main_text(response)


def test_oversize_and_too_many_files_are_refused_by_the_boards_limits(member_client, make_board, settings):
    make_board(slug="data", name="자료실", attachment_max_count=2, attachment_max_mb=1)
    big = pdf("큰파일.pdf", PDF_BYTES + b"0" * (1024 * 1024))

    response = write(member_client, slug="data", files=[big])
    assert response.status_code == 400
    assert "파일 하나에 1MB까지" in main_text(response)

    response = write(member_client, slug="data", files=[pdf("1.pdf"), pdf("2.pdf"), pdf("3.pdf")])
    assert response.status_code == 400
    assert "2개까지 올릴 수 있습니다" in main_text(response)
    assert not Attachment.objects.exists() and stored(settings) == []


def test_a_board_without_attachments_says_so(member_client, make_board):
    make_board(slug="talk", name="잡담", attachment_max_count=0)

    assert "파일 고르기" not in main_text(member_client.get("/b/talk/write/"))
    response = write(member_client, slug="talk", files=[pdf()])
    assert response.status_code == 400
    assert "이 게시판은 첨부파일을 받지 않습니다." in main_text(response)


def test_the_allowed_kinds_are_a_setting(member_client, board, settings):
    settings.BOARD_ATTACHMENT_EXTENSIONS = ["txt"]

    response = write(member_client, files=[pdf()])

    assert response.status_code == 400
    assert "TXT만 올릴 수 있습니다" in main_text(response)


def test_a_failing_storage_leaves_no_post_and_no_file(member_client, board, settings, monkeypatch):
    from board.storage import MediaStorage

    real_save = MediaStorage._save
    calls = []

    def full_disk(self, name, content):
        calls.append(name)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real_save(self, name, content)

    monkeypatch.setattr(MediaStorage, "_save", full_disk)
    response = write(member_client, files=[pdf("1.pdf"), pdf("2.pdf")])

    assert response.status_code == 507
    assert "저장 공간이 부족해 파일을 올리지 못했습니다" in main_text(response)  # 을, after 받침
    assert not Post.objects.exists() and stored(settings) == []


def test_an_edit_keeps_drops_and_adds_attachments(member_client, board, settings, django_capture_on_commit_callbacks):
    write(member_client, files=[pdf("a.pdf"), pdf("b.pdf")])
    post = Post.objects.get()
    a, b = post.attachments.all()
    b_path = settings.MEDIA_ROOT / b.file.name

    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(
            f"/b/ainews/{post.pk}/edit/",
            {"title": "자료 공유", "body": "고친 본문", "tags_text": "", "source_url": "", "drop_files": [b.pk],
             "files": [pdf("c.pdf")]},
        )  # fmt: skip

    assert response.status_code == 302
    assert [f.original_name for f in post.attachments.all()] == ["a.pdf", "c.pdf"]
    assert not b_path.exists()
    post.refresh_from_db()
    assert post.attachment_count == 2
    Post.objects.filter(pk=post.pk).update(attachment_count=0)
    assert services.recount_counters()["attachment_count"] == 1
    post.refresh_from_db()
    assert post.attachment_count == 2


def test_another_posts_attachment_cannot_be_dropped_through_this_posts_form(member_client, board, member):
    write(member_client, files=[pdf("mine.pdf")])
    write(member_client, title="다른 글", files=[pdf("other.pdf")], submission_key="k" * 20)
    first, second = Post.objects.order_by("id")
    others = second.attachments.get()

    response = member_client.post(
        f"/b/ainews/{first.pk}/edit/",
        {"title": "자료 공유", "body": "본문", "tags_text": "", "source_url": "", "drop_files": [others.pk]},
    )

    assert response.status_code == 400
    assert Attachment.objects.filter(pk=others.pk).exists()


def test_an_edit_cannot_go_over_the_count_with_kept_files(member_client, make_board):
    make_board(slug="data", name="자료실", attachment_max_count=1)
    write(member_client, slug="data", files=[pdf("a.pdf")])
    post = Post.objects.get()

    response = member_client.post(
        f"/b/data/{post.pk}/edit/",
        {"title": "자료 공유", "body": "본문", "tags_text": "", "source_url": "", "files": [pdf("b.pdf")]},
    )

    assert response.status_code == 400
    assert "1개까지" in main_text(response)


# --- Downloading -----------------------------------------------------------------------------


def test_a_download_has_the_original_korean_name_nosniff_and_is_counted(member_client, board):
    write(member_client, files=[pdf("2025 보고서 (최종).pdf")])
    post = Post.objects.get()
    attachment = post.attachments.get()
    url = f"/b/ainews/{post.pk}/files/{attachment.pk}/"
    client = Client()  # a visitor: Lv.1 downloads are open to everyone

    response = client.get(url)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote('2025 보고서 (최종).pdf', safe='')}" in disposition
    assert 'filename="2025 ___ (__).pdf"' in disposition
    client.get(url)
    attachment.refresh_from_db()
    assert attachment.download_count == 2


def test_a_header_cannot_be_broken_by_a_name():
    value = content_disposition('a";\r\nSet-Cookie: x=1.pdf')
    assert "\r" not in value and "\n" not in value
    assert value.count('"') == 2
    assert clean_name("..\\..\\etc/passwd\x00.txt") == "passwd.txt"


def test_another_posts_attachment_through_this_posts_url_is_404(member_client, board, client):
    write(member_client, files=[pdf("a.pdf")])
    write(member_client, title="둘째", files=[pdf("b.pdf")], submission_key="k" * 20)
    first, second = Post.objects.order_by("id")
    others = second.attachments.get()

    assert client.get(f"/b/ainews/{first.pk}/files/{others.pk}/").status_code == 404
    assert client.get(f"/b/ainews/{first.pk}/files/999999/").status_code == 404


def test_a_hidden_posts_attachment_is_404(member_client, board, client):
    write(member_client, files=[pdf("a.pdf")])
    post = Post.objects.get()
    attachment = post.attachments.get()
    services.hide_post(post=post)

    assert client.get(f"/b/ainews/{post.pk}/files/{attachment.pk}/").status_code == 404


def test_downloading_below_the_boards_level_is_refused_in_korean(make_board, make_user, client):
    make_board(slug="data", name="자료실", download_level=3)
    writer = make_user(level_override=5)
    client.force_login(writer)
    write(client, slug="data", files=[pdf("a.pdf")])
    post = Post.objects.latest("id")
    url = f"/b/data/{post.pk}/files/{post.attachments.get().pk}/"

    newcomer = make_user()
    client.force_login(newcomer)
    response = client.get(url)
    assert response.status_code == 403
    assert "Lv.3 이상 회원만 첨부파일을 내려받을 수 있습니다" in main_text(response)
    assert "지금 레벨은 Lv.1" in main_text(response)
    assert post.attachments.get().download_count == 0

    client.logout()
    response = client.get(url)
    assert response.status_code == 403 and "로그인해 주세요" in main_text(response)

    client.force_login(writer)
    assert client.get(url).status_code == 200
    # The article says which level a download takes.
    assert "Lv.3 이상 다운로드" in main_text(client.get(post.get_absolute_url()))
