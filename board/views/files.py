"""첨부파일 downloads: the file under its original name, counted, for readers at the board's
download level."""

from urllib.parse import quote

from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from .. import attachments, permissions
from ..models import Attachment
from ..storage import WRITE_ERRORS
from .lookups import get_post
from .reading import check_read_level


@require_safe
def attachment_download(request, slug, post_id, attachment_id):
    post = get_post(slug, post_id, request.user)
    check_read_level(request.user, post.board)
    # Through this post only: another post's attachment id is a 404 here.
    attachment = get_object_or_404(Attachment, pk=attachment_id, post=post)
    refusal = permissions.level_refusal(request.user, post.board, "download")
    if refusal:
        raise PermissionDenied(refusal)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, *WRITE_ERRORS) as error:
        raise Http404("파일을 찾을 수 없습니다.") from error
    if request.method == "GET":
        Attachment.objects.filter(pk=attachment.pk).update(download_count=F("download_count") + 1)
    response = FileResponse(handle, content_type=attachments.content_type_for(attachment.original_name))
    response["Content-Disposition"] = content_disposition(attachment.original_name)
    response["Content-Length"] = str(attachment.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def content_disposition(name):
    """`attachment` with the original name: an ASCII fallback for old clients and the real
    name in RFC 5987 form (filename*=UTF-8''…), which every current browser reads, Korean
    included."""
    fallback = "".join(ch if ch.isascii() and ch.isprintable() and ch not in '"\\;' else "_" for ch in name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
