"""What a reader chose for a list (search, field, order, period) and how a list is fetched
and labelled; shared by the board list, the article's list, and 전체 검색."""

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.utils import timezone

from .. import search, services
from ..models import Post
from ..pagination import PAGER_WINDOW, parse_page_number

SORTS = {"new": "최신순", "views": "조회순", "votes": "추천순", "comments": "댓글순", "popular": "인기"}
SEARCH_SORTS = {"new": "최신순", "relevance": "정확도순"}
PERIODS = {"today": ("오늘", 1), "week": ("이번 주", 7), "month": ("이번 달", 30)}
FIELD_LABELS = {
    "title_body": "제목+내용",
    "title": "제목",
    "body": "내용",
    "author": "글쓴이",
    "comment": "댓글",
}
QUERY_TOO_SHORT = "검색어는 두 글자 이상 입력해 주세요."


@dataclass(frozen=True)
class ListOptions:
    """What a reader chose for a list: a search, a field, an order, a period, a 말머리
    (its id as asked for: the view checks it is one of the board's)."""

    query: search.Query
    field: str
    sort: str
    period: str
    category_id: int | None = None

    @classmethod
    def from_request(cls, request):
        query = search.parse_query(request.GET.get("q"))
        field = request.GET.get("field", search.DEFAULT_FIELD)
        if field not in search.FIELDS:
            field = search.DEFAULT_FIELD
        sorts = SEARCH_SORTS if query else SORTS
        sort = request.GET.get("sort", "new")
        period = request.GET.get("period", "week")
        category = (request.GET.get("category") or "").strip()
        return cls(
            query=query,
            field=field,
            sort=sort if sort in sorts else "new",
            period=period if period in PERIODS else "week",
            category_id=parse_category(category) if category else None,
        )

    @property
    def searching(self):
        return bool(self.query)

    @property
    def query_error(self):
        return QUERY_TOO_SHORT if self.query.too_short else ""

    def article_query(self):
        """The part of a list's URL an article link keeps, so 이전글/다음글 follow the search."""
        if not self.searching:
            return ""
        return "?" + urlencode({"q": self.query.text, "field": self.field})

    def results(self, board=None, category=None):
        order = "relevance" if self.sort == "relevance" else "new"
        return search.Results(self.query, self.field, board=board, order=order, category=category)

    def apply(self, board, page, category=None):
        """How to fetch a page of this list (of one 말머리 if `category`), its total, and the
        total as shown (a search counts only as far as the pager needs: "200+")."""
        if self.searching:
            results = self.results(board, category)
            limit = count_limit(page, board.page_size)
            count = results.count(limit)
            return search_page(results), count, count_label(count, limit)
        if category is None and self.sort != "popular":
            # The board's own list in one of its orders: the total is kept on the board, and the
            # query is built only if a page of rows must be read (a shared page's come from the
            # cache, fragments.py).
            def fetch(offset, limit):
                return Post.objects.visible().in_board(board).sorted_by(self.sort).for_list().page(offset, limit)

            return fetch, board.post_count, f"{board.post_count:,}"
        posts = Post.objects.visible().in_board(board)
        if category is not None:
            # Counted in post_category_visible_idx; Board.post_count is the whole board's.
            posts = posts.in_category(category)
        if self.sort == "popular":
            since = timezone.now() - timedelta(days=PERIODS[self.period][1])
            ordered = posts.popular_since(since)
        else:
            ordered = posts.sorted_by(self.sort)
        total = ordered.count()
        return ordered.for_list().page, total, f"{total:,}"


def parse_category(raw):
    """A 말머리 id as asked for; anything but a whole number is 0, which no 말머리 has (the
    list then says 404, never shows another list under that address)."""
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 18 else 0


def search_page(results):
    """fetch(offset, limit) -> the posts of one page of search results, in their order."""

    def fetch(offset, limit):
        return Post.objects.visible().for_list().select_related("board").in_id_order(results.ids(offset, limit))

    return fetch


def count_limit(page, per_page):
    """How far to count for a results page: enough to draw its window of ten page numbers
    and the 다음 link, never past search.COUNT_CAP. Counting every match of a common word
    costs more than the page itself (docs/search.md)."""
    window_end = ((page - 1) // PAGER_WINDOW + 1) * PAGER_WINDOW
    return min(window_end * per_page, search.COUNT_CAP) + 1


def count_label(count, limit):
    """ "37" or, when counting stopped at the limit, "200+"."""
    return f"{limit - 1:,}+" if count >= limit else f"{count:,}"


def pages_label(pager, total_label):
    """ "12" pages, or "10+" when a search stopped counting (its pager counts one more)."""
    return f"{pager.num_pages - 1:,}+" if total_label.endswith("+") else f"{pager.num_pages:,}"


def count_search(request, **_):
    """인기검색어 counts a search on its first page, cached page or not."""
    query = search.parse_query(request.GET.get("q"))
    if query and parse_page_number(request.GET.get("page")) == 1:
        services.record_search(query, client=client_fingerprint(request))


def client_fingerprint(request):
    """An opaque, salted hash of the reader's address and browser, used only as a cache key
    (never stored): enough to count a search once per reader."""
    raw = f"{request.META.get('REMOTE_ADDR', '')}|{request.headers.get('User-Agent', '')}|{settings.SECRET_KEY}"
    return hashlib.sha256(raw.encode()).hexdigest()[:24]
