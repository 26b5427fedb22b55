"""Refuse requests whose link or form carries a NUL byte or bytes that are not UTF-8.

No page or form of the site sends them (browsers send UTF-8), PostgreSQL refuses NUL in
text (a DataError would be a 500), and Django would quietly turn broken bytes into "�"
and store them. A clear Korean 400 is what the sender of a mangled request should see.

Bodies over DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields or files, and multipart bodies
that cannot be parsed raise while the form is read here; Django answers those with its
400 handler (board.views.system.bad_request, the same Korean page). A full temporary
folder while pictures are received is a Korean 507 page (docs/deploy.md).
"""

import codecs
import logging
from urllib.parse import unquote_to_bytes

from django.http import UnreadablePostError
from django.shortcuts import render

from .storage import is_out_of_space

logger = logging.getLogger(__name__)

STRICT_UTF8 = "board-strict-utf-8"


def _strict_utf8(name):
    # Django decodes multipart fields with errors="replace"; this codec ignores that and
    # raises, so broken bytes in a field are found without reading the raw body (which
    # may hold 100 MB of pictures).
    if name != STRICT_UTF8.replace("-", "_"):
        return None
    return codecs.CodecInfo(
        name=STRICT_UTF8,
        encode=codecs.utf_8_encode,
        decode=lambda data, errors="strict": codecs.utf_8_decode(data, "strict", True),
    )


codecs.register(_strict_utf8)


def reject_malformed_input(get_response):
    def middleware(request):
        if "\x00" in request.path or not is_clean(query_bytes(request)):
            return refuse(request)
        if request.method == "POST":
            try:
                clean = form_is_clean(request)
            except UnreadablePostError:
                # The body stopped coming before its Content-Length was reached (the
                # server's read timeout, config/gunicorn.py): a 400 now, not a worker held.
                clean = False
            except OSError as error:
                # Pictures over 2.5 MB are spooled to the temporary folder as they arrive.
                if not is_out_of_space(error):
                    raise
                return out_of_space(request)
            if not clean:
                return refuse(request)
        return get_response(request)

    return middleware


def form_is_clean(request):
    """Read the form now, before the CSRF check, so a body over the size or field limits, or
    one that never arrives, is a 400 for anyone; and refuse NUL bytes and broken UTF-8."""
    if request.content_type == "application/x-www-form-urlencoded":
        return is_clean(request.body) and request.POST is not None
    if request.content_type == "multipart/form-data":
        request.encoding = STRICT_UTF8
        try:
            texts = [key for key, _ in request.POST.lists()]
            texts += [value for _, values in request.POST.lists() for value in values]
            texts += [upload.name or "" for _, uploads in request.FILES.lists() for upload in uploads]
        except UnicodeDecodeError:
            return False
        return not any("\x00" in text for text in texts)
    return True


def query_bytes(request):
    """The query string as the client sent it (WSGI hands it over decoded as Latin-1)."""
    query = request.META.get("QUERY_STRING", "")
    try:
        return query.encode("latin-1")
    except UnicodeEncodeError:
        return query.encode()


def is_clean(urlencoded):
    """UTF-8 and free of NUL once percent-escapes are undone."""
    raw = unquote_to_bytes(urlencoded)
    if b"\x00" in raw:
        return False
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def refuse(request):
    return render(request, "400.html", status=400)


def out_of_space(request):
    # The half-received file would go with the request's garbage, some time later; the
    # disk needs the room now.
    for handler in request.upload_handlers:
        spooled = getattr(handler, "file", None)
        if spooled is not None:
            try:
                spooled.close()  # a temporary file: removed on close
            except OSError:
                pass
    logger.warning("Upload not received, the temporary folder is full: %s %s", request.method, request.path)
    return render(request, "507.html", status=507)
