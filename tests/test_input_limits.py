"""Input the site's forms never produce: overlong fields, huge bodies, too many fields or
files, NUL bytes, bytes that are not UTF-8. Each gets a 4xx with a Korean message, never
a 500, and nothing is saved.

The test client sends what it can; raw bytes that no HTTP library puts in a request line
go to a real gunicorn through a socket.
"""

import re
import socket
import time

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from board import viewcounts
from board.models import Comment, ModerationLog, Post, Report
from tests.conftest import page_text

HANGUL = re.compile(r"[가-힣]")
BAD_REQUEST = "잘못된 요청입니다"


@pytest.fixture
def member(make_user):
    return make_user(username="member", nickname="회원")


@pytest.fixture
def site(member, author, make_post, make_comment, make_user):
    """The member's own post and comment, another member's post to comment on, and a
    moderator."""
    moderator = make_user(username="mod", nickname="운영자", is_staff=True)
    moderator.groups.add(Group.objects.get(name="운영진"))
    own = make_post(title="내 글", author=member)
    other = make_post(title="남의 글", author=author)
    return {"own": own, "other": other, "comment": make_comment(other, body="내 댓글", author=member)}


def saved():
    """Everything a refused request might have written."""
    return (
        list(Post.objects.order_by("pk").values_list("title", "body", "source_url", "is_hidden")),
        list(Comment.objects.order_by("pk").values_list("body", flat=True)),
        Report.objects.count(),
        ModerationLog.objects.count(),
        list(User.objects.order_by("pk").values_list("username", "nickname", "email")),
    )


def errors_shown(response):
    """The error messages on the page: Django's error lists and the site's alert boxes."""
    html = response.content.decode()
    found = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', html, re.S)
    found += re.findall(r'role="alert">(.*?)</', html, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", item) for item in found)


def send(client, who, url, data, site, content_type=None):
    if who == "member":
        client.force_login(User.objects.get(username="member"))
    elif who == "moderator":
        client.force_login(User.objects.get(username="mod"))
    url = url.format(own=site["own"].pk, other=site["other"].pk, comment=site["comment"].pk)
    if content_type:
        return client.post(url, data, content_type=content_type)
    return client.post(url, data)


SIGNUP = {"username": "newbie", "nickname": "새내기", "email": "new@example.com", "password1": "x8#Lq2!vN7@pR4$t"}
SIGNUP.update(password2=SIGNUP["password1"], agree_terms="on", agree_privacy="on")
POST = {"title": "제목", "body": "본문", "tags_text": "", "source_url": ""}
LONG = "가" * 600

# (who, url, data): one field of each form too long (or carrying a NUL byte).
FORMS = {
    "post title": ("member", "/b/ainews/write/", {**POST, "title": "가" * 201}),
    "post body": ("member", "/b/ainews/write/", {**POST, "body": "가" * (settings.BOARD_POST_MAX_LENGTH + 1)}),
    "post tag": ("member", "/b/ainews/write/", {**POST, "tags_text": "가" * 31}),
    "post tags": ("member", "/b/ainews/write/", {**POST, "tags_text": "가," * 201}),
    "post source": ("member", "/b/ainews/write/", {**POST, "source_url": "https://example.com/" + "a" * 500}),
    "edit title": ("member", "/b/ainews/{own}/edit/", {**POST, "title": "가" * 201}),
    "comment": ("member", "/b/ainews/{other}/comments/", {"body": "가" * (settings.BOARD_COMMENT_MAX_LENGTH + 1)}),
    "comment edit": ("member", "/comments/{comment}/edit/", {"body": "가" * (settings.BOARD_COMMENT_MAX_LENGTH + 1)}),
    "report detail": ("member", "/b/ainews/{other}/report/", {"reason": "other", "detail": LONG}),
    "profile nickname": ("member", "/accounts/me/profile/", {"nickname": "가" * 21, "email": "m@example.com"}),
    "signup username": ("anonymous", "/accounts/signup/", {**SIGNUP, "username": "a" * 151}),
    "signup nickname": ("anonymous", "/accounts/signup/", {**SIGNUP, "nickname": "가" * 21}),
    "signup email": ("anonymous", "/accounts/signup/", {**SIGNUP, "email": "a" * 300 + "@example.com"}),
    "login username": ("anonymous", "/accounts/login/", {"username": "a" * 5000, "password": "x"}),
    "moderation reason": ("moderator", "/b/ainews/{other}/moderate/", {"action": "hide", "reason": LONG}),
}
NUL_FORMS = {
    "post title": ("member", "/b/ainews/write/", {**POST, "title": "제\x00목"}),
    "post body": ("member", "/b/ainews/write/", {**POST, "body": "본\x00문"}),
    "post tags": ("member", "/b/ainews/write/", {**POST, "tags_text": "태\x00그"}),
    "post source": ("member", "/b/ainews/write/", {**POST, "source_url": "https://example.com/\x00"}),
    "comment": ("member", "/b/ainews/{other}/comments/", {"body": "댓\x00글"}),
    "comment edit": ("member", "/comments/{comment}/edit/", {"body": "댓\x00글"}),
    "report detail": ("member", "/b/ainews/{other}/report/", {"reason": "other", "detail": "\x00"}),
    "vote": ("member", "/b/ainews/{other}/vote/", {"value": "up\x00"}),
    "profile nickname": ("member", "/accounts/me/profile/", {"nickname": "회\x00원", "email": "m@example.com"}),
    "signup nickname": ("anonymous", "/accounts/signup/", {**SIGNUP, "nickname": "새\x00내기"}),
    "login username": ("anonymous", "/accounts/login/", {"username": "mem\x00ber", "password": "x"}),
    "moderation reason": ("moderator", "/b/ainews/{other}/moderate/", {"action": "hide", "reason": "\x00"}),
}


@pytest.mark.parametrize("case", FORMS)
def test_overlong_fields_are_refused_in_korean_and_nothing_is_saved(client, site, case):
    before = saved()

    response = send(client, *FORMS[case], site)

    assert response.status_code == 400
    assert HANGUL.search(errors_shown(response)), errors_shown(response)
    assert saved() == before


@pytest.mark.parametrize("case", NUL_FORMS)
def test_nul_bytes_in_forms_are_refused_in_korean_and_nothing_is_saved(client, site, case):
    before = saved()

    response = send(client, *NUL_FORMS[case], site)

    assert response.status_code == 400
    assert BAD_REQUEST in page_text(response)
    assert saved() == before


def test_overlong_search_is_cut_to_the_longest_query_never_an_error(client, site):
    response = client.get("/search/", {"q": "내 글 " + "가" * 10_000})

    assert response.status_code == 200


def test_tampered_and_junk_cookies_are_ignored(client, site):
    post = site["other"]
    client.cookies["viewed"] = "1.2.3:forged-signature"
    client.cookies["sessionid"] = "no-such-session-" + "x" * 24
    client.cookies["csrftoken"] = "<script>"

    response = client.get(f"/b/ainews/{post.pk}/")
    again = client.get(f"/b/ainews/{post.pk}/")

    assert response.status_code == again.status_code == 200
    viewcounts.flush()
    post.refresh_from_db()
    assert post.view_count == 1  # the forged cookie counts for nothing; the new one holds


BIG = settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1


@pytest.mark.parametrize(
    "who, url, body, content_type",
    [
        ("member", "/b/ainews/{other}/comments/", "body=" + "a" * BIG, "application/x-www-form-urlencoded"),
        ("anonymous", "/accounts/login/", "username=" + "a" * BIG, "application/x-www-form-urlencoded"),
        (
            "member",
            "/b/ainews/{other}/vote/",
            "&".join(f"f{i}=1" for i in range(1001)),
            "application/x-www-form-urlencoded",
        ),
        (
            "anonymous",
            "/accounts/signup/",
            "&".join(f"f{i}=1" for i in range(1001)),
            "application/x-www-form-urlencoded",
        ),
    ],
    ids=["huge comment", "huge login", "too many fields", "too many fields anonymous"],
)
def test_huge_bodies_and_too_many_fields_get_a_korean_400(client, site, who, url, body, content_type):
    before = saved()

    response = send(client, who, url, body, site, content_type=content_type)

    assert response.status_code == 400
    assert BAD_REQUEST in page_text(response)
    assert saved() == before


def test_a_huge_text_field_in_a_multipart_post_gets_a_korean_400(client, site):
    before = saved()

    response = send(client, "member", "/b/ainews/write/", {**POST, "body": "a" * BIG}, site)

    assert response.status_code == 400
    assert BAD_REQUEST in page_text(response)
    assert saved() == before


def test_too_many_files_get_a_korean_400(client, site):
    files = [SimpleUploadedFile(f"{i}.png", b"x", content_type="image/png") for i in range(101)]
    before = saved()

    response = send(client, "member", "/b/ainews/write/", {**POST, "images": files}, site)

    assert response.status_code == 400
    assert BAD_REQUEST in page_text(response)
    assert saved() == before


@pytest.mark.parametrize("query", ["q=%FF%FE", "q=%C0%AF", "page=%ED%A0%80", "q=%E3%81"])
@pytest.mark.parametrize("path", ["/search/", "/b/ainews/", "/new/"])
def test_query_strings_that_are_not_utf8_get_a_korean_400(client, site, path, query):
    response = client.get(f"{path}?{query}")

    assert response.status_code == 400
    assert BAD_REQUEST in page_text(response)


def test_paths_that_are_not_utf8_get_a_korean_404(client, site):
    for path in ["/b/%FF/", "/tags/%C0%AF/", "/u/%E3%81/"]:
        response = client.get(path)
        assert response.status_code == 404, path
        assert "페이지를 찾을 수 없습니다" in page_text(response)


def multipart(fields, boundary="----limits"):
    """A multipart body built by hand, so a field can hold bytes that are not UTF-8."""
    body = b""
    for name, value in fields.items():
        value = value if isinstance(value, bytes) else value.encode()
        body += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value + b"\r\n"
    return body + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


@pytest.mark.parametrize(
    "url, body, content_type",
    [
        ("/b/ainews/{other}/comments/", b"body=%FF%FE", "application/x-www-form-urlencoded"),
        ("/b/ainews/{other}/comments/", b"body=\xff\xfe", "application/x-www-form-urlencoded"),
        ("/b/ainews/{other}/vote/", b"value=up&%C0%AF=1", "application/x-www-form-urlencoded"),
        ("/b/ainews/write/", *multipart({**POST, "title": b"\xff\xfe\xc0\xaf"})),
        ("/b/ainews/write/", *multipart({**POST, "body": b"\xed\xa0\x80"})),
    ],
    ids=["comment escaped", "comment raw", "field name", "multipart title", "multipart body"],
)
def test_forms_that_are_not_utf8_get_a_korean_400(client, site, url, body, content_type):
    before = saved()

    response = send(client, "member", url, body, site, content_type=content_type)

    assert response.status_code == 400
    assert BAD_REQUEST in page_text(response)
    assert saved() == before


def test_a_pasted_replacement_character_is_not_taken_for_broken_bytes(client, site):
    body, content_type = multipart({**POST, "title": "한글 제목 \ufffd 그대로"})

    response = send(client, "member", "/b/ainews/write/", body, site, content_type=content_type)

    assert response.status_code == 302
    assert Post.objects.filter(title="한글 제목 \ufffd 그대로").exists()


# --- Through a real server ---------------------------------------------------------------


def raw_request(server, head, body=b""):
    """Send bytes exactly as given; return the status and the page."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=20) as sock:
        sock.sendall(head + body)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    response = b"".join(chunks)
    status = int(response.split(b" ", 2)[1])
    return status, response.partition(b"\r\n\r\n")[2].decode(errors="replace")


def post_head(path, length, content_type="application/x-www-form-urlencoded"):
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {length}\r\nConnection: close\r\n\r\n"
    ).encode()


def get_head(target: bytes, host=b"127.0.0.1"):
    return b"GET " + target + b" HTTP/1.1\r\nHost: " + host + b"\r\nConnection: close\r\n\r\n"


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_malformed_requests_through_gunicorn_get_a_korean_4xx(start_server):
    server = start_server()
    huge = b"body=" + b"a" * BIG
    many = "&".join(f"f{i}=1" for i in range(1001)).encode()
    cases = {
        "escaped bytes in the query": get_head(b"/search/?q=%FF%FE"),
        "NUL in the query": get_head(b"/search/?q=%00"),
        "escaped bytes in the path": get_head(b"/u/%FF%FE/"),
        "huge body": post_head("/accounts/login/", len(huge)) + huge,
        "too many fields": post_head("/accounts/login/", len(many)) + many,
        "body not UTF-8": post_head("/accounts/login/", 12) + b"username=\xff\xfe\xfd",
        "NUL in a form": post_head("/accounts/login/", 14) + b"username=a%00b",
        "multipart without a boundary": post_head("/accounts/login/", 7, "multipart/form-data") + b"garbage",
        "unknown host": get_head(b"/", host=b"evil.example"),
    }
    # Bytes outside printable ASCII in the request line never reach Django: gunicorn
    # refuses them itself (RFC 9112), with its own plain 400. Browsers percent-encode.
    unescaped = [get_head(b"/search/?q=\xff\xfe"), get_head(b"/b/\xff\xfe/"), get_head(b"/search/?q=a\x00b")]
    # Nor do request lines over gunicorn's limit_request_line (4,094 bytes): a 414.
    too_long = get_head(b"/search/?q=" + b"a" * 5000)

    answers = {name: raw_request(server, request) for name, request in cases.items()}

    for name, (status, page) in answers.items():
        if name == "escaped bytes in the path":
            assert (status, "페이지를 찾을 수 없습니다" in page) == (404, True), page[:300]
        else:
            assert (status, BAD_REQUEST in page) == (400, True), (name, page[:300])
    for request in unescaped:
        status, page = raw_request(server, request)
        assert status == 400 and "Invalid HTTP request line" in page, page
    assert raw_request(server, too_long)[0] == 414
    log = server.log()
    assert "Traceback" not in log and "Internal Server Error" not in log, log[-3000:]
    assert raw_request(server, get_head(b"/healthz"))[0] == 200


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_body_shorter_than_its_content_length_gets_a_quick_korean_400(start_server):
    """The client announces 1,000 bytes and sends 10, then waits: the worker gives up after
    its read timeout and answers in Korean, instead of being held until it is killed."""
    server = start_server(GUNICORN_READ_TIMEOUT="2")
    head = post_head("/accounts/login/", 1000)

    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", server.port), timeout=20) as sock:
        sock.sendall(head + b"username=a")  # and nothing more, connection kept open
        response = b""
        while chunk := sock.recv(65536):
            response += chunk
    waited = time.monotonic() - started

    assert int(response.split(b" ", 2)[1]) == 400
    assert BAD_REQUEST in response.decode(errors="replace")
    assert waited < 5
    assert raw_request(server, get_head(b"/healthz"))[0] == 200  # the worker is free again
    assert "Traceback" not in server.log()
