"""Finding things: 전체메뉴, 전체 검색, tag pages, 새글/새댓글."""

import heapq

from django.shortcuts import get_object_or_404, render
from taggit.models import Tag

from ..models import Board, Comment, Post, attach_tags
from ..pagecache import cached_for_readers
from ..pagination import Pager, parse_page_number
from .listing import FIELD_LABELS, SEARCH_SORTS, ListOptions, count_label, count_limit, count_search, search_page

SITE_PAGE_SIZE = 20
NEW_KINDS = {"all": "전체", "posts": "원글만", "comments": "댓글만"}
NEW_MAX_ITEMS = 1000  # 새글/새댓글 is about what is new: fifty pages at most


def site_menu(request):
    """전체메뉴: every board, the ways to find things, tags and the member's links on one page,
    so the footer's 전체메뉴 works on a phone without JavaScript. The board menu and the tags
    come from the cached chrome (sidebar.py): no query of its own."""
    return render(request, "board/site_menu.html")


@cached_for_readers("site", parameters=("page", "q", "field", "sort", "board"), on_hit=count_search)
def site_search(request):
    """전체 검색: every board the reader may read, a capped count per board, one result list."""
    options = ListOptions.from_request(request)
    boards = list(Board.objects.for_menu())
    context = {"options": options, "fields": FIELD_LABELS, "sorts": SEARCH_SORTS, "boards": boards}
    if not options.searching:
        return render(request, "board/search.html", context, status=400 if options.query.too_short else 200)
    requested_page = parse_page_number(request.GET.get("page"))
    limit = count_limit(requested_page, SITE_PAGE_SIZE)
    counts = {board.slug: options.results(board).count(limit) for board in boards}
    selected = next((b for b in boards if b.slug == request.GET.get("board")), None)
    total = counts[selected.slug] if selected else min(sum(counts.values()), limit)
    pager = Pager.for_total(requested_page, total, SITE_PAGE_SIZE)
    posts = search_page(options.results(selected))(pager.offset, SITE_PAGE_SIZE)
    count_search(request)
    context.update(
        {
            "counts": [(board, count_label(counts[board.slug], limit)) for board in boards],
            "selected": selected,
            "total_label": count_label(total, limit),
            "pager": pager,
            "posts": posts,
            "link_query": options.article_query(),
        }
    )
    return render(request, "board/search.html", context)


def tag_posts(request, slug):
    tag = get_object_or_404(Tag, slug=slug)
    tagged = Post.objects.visible().open_to_all().filter(tags__slug=tag.slug)
    pager = Pager.for_total(parse_page_number(request.GET.get("page")), tagged.count(), SITE_PAGE_SIZE)
    posts = list(tagged.for_list().newest_first().select_related("board")[pager.offset : pager.offset + SITE_PAGE_SIZE])
    attach_tags(posts)
    return render(request, "board/tag_posts.html", {"tag": tag, "pager": pager, "posts": posts})


@cached_for_readers("site", parameters=("page", "kind"))
def new_activity(request):
    """새글/새댓글: the newest posts and comments of every readable board in one stream.

    Each kind is read newest first from its own index, only as far as the page needs, and
    the two are merged here; no query touches the older rows.
    """
    kind = request.GET.get("kind", "all")
    kind = kind if kind in NEW_KINDS else "all"
    pager = Pager.for_total(parse_page_number(request.GET.get("page")), NEW_MAX_ITEMS, SITE_PAGE_SIZE)
    wanted = pager.offset + SITE_PAGE_SIZE
    streams = []
    if kind in ("all", "posts"):
        posts = Post.objects.visible().open_to_all().newest_first().values_list("created_at", "id")[:wanted]
        streams.append([(created, pk, "post") for created, pk in posts])
    if kind in ("all", "comments"):
        comments = (
            Comment.objects.on_visible_posts()
            .open_to_all()
            .order_by("-created_at", "-id")
            .values_list("created_at", "id")
        )
        streams.append([(created, pk, "comment") for created, pk in comments[:wanted]])
    merged = list(heapq.merge(*streams, key=lambda item: (item[0], item[1]), reverse=True))
    pager = Pager.for_total(pager.number, min(len(merged), NEW_MAX_ITEMS), SITE_PAGE_SIZE)
    page = merged[pager.offset : pager.offset + SITE_PAGE_SIZE]
    post_ids = [pk for _, pk, k in page if k == "post"]
    comment_ids = [pk for _, pk, k in page if k == "comment"]
    found_posts = Post.objects.select_related("board", "author").defer("body", "body_html").in_bulk(post_ids)
    found_comments = Comment.objects.select_related("post__board", "author").in_bulk(comment_ids)
    items = [found_posts.get(pk) if k == "post" else found_comments.get(pk) for _, pk, k in page]
    return render(
        request,
        "board/new_activity.html",
        {"items": [i for i in items if i is not None], "kind": kind, "kinds": NEW_KINDS, "pager": pager},
    )
