"""The addresses of an imported Gnuboard5 site, answered with 301s to where their content
lives now, from the LegacyLink table import_gnuboard fills. Search engines move their
index over and bookmarks keep working. One indexed lookup each; nothing is cached
because nothing here is expensive.

- /bbs/board.php?bo_table=X[&page=N] → the board (same page; its page size came along)
- /bbs/board.php?bo_table=X&wr_id=N → the post, or for a comment its post at #c<id>
- /X and /X/N (Gnuboard's short addresses) → the same
- /bbs/rss.php?bo_table=X → the board's feed
- /bbs/search.php?stx=…[&sfl=…] → our search with the same words (and field where ours has one)
- /data/file/X/<name>, /data/editor/<yymm>/<name> → the picture's copy. An attachment that
  is not a picture has no copy yet (docs/import.md), so its address sends readers to its
  post with a temporary 302, to become a 301 once attachments are imported.
"""

from urllib.parse import urlencode

from django.http import Http404, HttpResponsePermanentRedirect, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse

from .models import LegacyLink
from .pagination import parse_page_number


def _link(kind, board_key, old_key):
    links = LegacyLink.objects.filter(source=LegacyLink.GNUBOARD, board_key=board_key, old_key=old_key[:255])
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return links.filter(kind__in=kinds).select_related("board", "post__board", "comment__post__board").first()


def _board(board_key):
    link = _link(LegacyLink.BOARD, board_key or "", board_key or "")
    if link is None or link.board is None:
        raise Http404("옮겨 온 게시판이 아닙니다.")
    return link.board


def _target(board_key, wr_id, page=None):
    """The new address of a board, or of a post or comment in it."""
    if wr_id is not None:
        link = _link((LegacyLink.POST, LegacyLink.COMMENT), board_key or "", str(wr_id))
        if link is not None and link.post is not None:
            return link.post.get_absolute_url()
        if link is not None and link.comment is not None:
            return f"{link.comment.post.get_absolute_url()}#c{link.comment.pk}"
        raise Http404("옮겨 온 글이 아닙니다.")
    url = _board(board_key).get_absolute_url()
    return f"{url}?page={page}" if page and page > 1 else url


def _wr_id(value):
    value = (value or "").strip()
    if not value:
        return None
    if not (value.isascii() and value.isdigit() and len(value) <= 12):
        raise Http404("글 번호가 올바르지 않습니다.")
    return int(value)


def board_php(request):
    """/bbs/board.php: other parameters (sca, sfl, stx, …) have no counterpart and are dropped."""
    page = parse_page_number(request.GET.get("page"))
    return HttpResponsePermanentRedirect(_target(request.GET.get("bo_table"), _wr_id(request.GET.get("wr_id")), page))


def rss_php(request):
    board = _board(request.GET.get("bo_table"))
    return HttpResponsePermanentRedirect(reverse("board:board_feed", args=[board.slug]))


# Gnuboard's search fields (sfl) and ours; a combination ("wr_subject||wr_content") is 제목+내용.
SEARCH_FIELDS = {"wr_subject": "title", "wr_content": "body", "mb_id": "author", "wr_name": "author"}


def search_php(request):
    words = (request.GET.get("stx") or "").strip()[:100]
    if not words:
        return HttpResponsePermanentRedirect(reverse("board:search"))
    field = SEARCH_FIELDS.get(request.GET.get("sfl") or "", "title_body")
    return HttpResponsePermanentRedirect(f"{reverse('board:search')}?{urlencode({'q': words, 'field': field})}")


def short_board(request, bo_table):
    """/X: an imported board's short address. Anything else keeps Django's APPEND_SLASH
    behaviour (this pattern would otherwise shadow it, e.g. /search → /search/)."""
    try:
        return HttpResponsePermanentRedirect(_target(bo_table, None, parse_page_number(request.GET.get("page"))))
    except Http404:
        if not request.path.endswith("/") and _route_of(f"{request.path}/") not in {None, short_board}:
            return HttpResponsePermanentRedirect(f"{request.path}/")
        raise


def _route_of(path):
    try:
        return resolve(path).func
    except Resolver404:
        return None


def short_post(request, bo_table, wr_id):
    return HttpResponsePermanentRedirect(_target(bo_table, wr_id))


def data_file(request, bo_table, name):
    link = _link(LegacyLink.FILE, bo_table, name)
    if link is None:
        raise Http404("옮겨 온 파일이 아닙니다.")
    if link.url:
        return HttpResponsePermanentRedirect(link.url)
    if link.post is not None:
        return HttpResponseRedirect(link.post.get_absolute_url())
    raise Http404("옮겨 온 파일이 아닙니다.")


def data_editor(request, month, name):
    link = _link(LegacyLink.EDITOR_IMAGE, "", f"{month}/{name}")
    if link is None or not link.url:
        raise Http404("옮겨 온 이미지가 아닙니다.")
    return HttpResponsePermanentRedirect(link.url)
