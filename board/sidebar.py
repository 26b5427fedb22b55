"""The header menu and sidebar shown on every page, cached because every page shows them."""

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from accounts.models import shows_staff_badge
from config.precompiled import compiled_objects

from .invalidation import MENU_KEY, SIDEBAR_POPULAR_KEY, SIDEBAR_RECENT_COMMENTS_KEY
from .models import Board, Category, Comment, Post, SearchStopWord, SearchTerm

POPULAR_POSTS = 10
RECENT_COMMENTS = 5
POPULAR_TAGS = 20
POPULAR_TERMS = 10
POPULAR_TERM_DAYS = 3


def board_menu():
    """(slug, name, id) of every board, in menu order; kept until a board or a 말머리
    changes (invalidation.board_changed, categories_changed)."""
    return _menu()["boards"]


def board_categories(board):
    """The board's 말머리 in order, from the cached menu (a list page asks for them, and
    every page has the menu warm): Category objects with their id and name."""
    return [Category(pk=pk, name=name, board=board) for pk, name in _menu()["categories"].get(board.pk, [])]


def _menu():
    """Every board with its 말머리, from one query (a LEFT JOIN: a board without any is
    one row), kept until a board or a 말머리 changes."""
    menu = cache.get(MENU_KEY)
    if menu is None:
        rows = (
            Board.objects.for_menu()
            .order_by("position", "id", "categories__position", "categories__id")
            .values_list("slug", "name", "pk", "categories__pk", "categories__name")
        )
        menu = {"boards": [], "categories": {}}
        for slug, name, pk, category_pk, category_name in rows:
            if not menu["boards"] or menu["boards"][-1][2] != pk:
                menu["boards"].append((slug, name, pk))
                menu["categories"][pk] = []
            if category_pk is not None:
                menu["categories"][pk].append((category_pk, category_name))
        cache.set(MENU_KEY, menu, None)
    return menu


def sidebar(found=None):
    """The sidebar's blocks in one cache round trip, as data and as the HTML every page
    prints (rendered once when a block is built, not on every page). 인기글, tags and
    인기검색어 are kept for BOARD_SIDEBAR_CACHE_SECONDS; 최근 댓글 until a comment changes.
    Moderation forgets both (invalidation.py). `found`: what a caller already read of
    SIDEBAR_KEYS in a round trip of its own."""
    if found is None:
        found = cache.get_many([SIDEBAR_POPULAR_KEY, SIDEBAR_RECENT_COMMENTS_KEY])
    popular = found.get(SIDEBAR_POPULAR_KEY)
    if popular is None:
        popular = build_popular()
        popular["posts_html"] = render_to_string("includes/sidebar_popular.html", {"sidebar": popular, "part": "posts"})
        popular["rest_html"] = render_to_string("includes/sidebar_popular.html", {"sidebar": popular, "part": "rest"})
        cache.set(SIDEBAR_POPULAR_KEY, popular, settings.BOARD_SIDEBAR_CACHE_SECONDS)
    recent = found.get(SIDEBAR_RECENT_COMMENTS_KEY)
    if recent is None:
        recent = rebuild_recent_comments()
    return {
        **popular,
        "posts_html": mark_safe(popular["posts_html"]),  # noqa: S308 - our templates' output, escaped there
        "rest_html": mark_safe(popular["rest_html"]),  # noqa: S308
        "recent_comments": recent["items"],
        "recent_html": mark_safe(recent["html"]),  # noqa: S308
    }


def rebuild_recent_comments():
    """최근 댓글 made again from the database and kept: by the first page that finds it
    gone, and by a comment's writer once it is committed (invalidation.comment_changed)."""
    items = build_recent_comments()
    html = render_to_string("includes/sidebar_recent.html", {"sidebar": {"recent_comments": items}})
    recent = {"items": items, "html": html}
    cache.set(SIDEBAR_RECENT_COMMENTS_KEY, recent, settings.BOARD_SIDEBAR_CACHE_SECONDS)
    return recent


def build_recent_comments():
    # Every comment's writer makes the block again: its SQL is compiled once (config/precompiled.py).
    comments = compiled_objects(
        "recent-comments",
        lambda: Comment.objects.recent().only(
            "id",
            "body_html",
            "created_at",
            "post__id",
            "post__title",
            "post__board__slug",
            "guest_name",
            "author__nickname",
            "author__withdrawn_at",
            "author__is_staff",
            "author__is_active",
        )[:RECENT_COMMENTS],
        [],
    )
    return [
        {
            "url": c.get_absolute_url(),
            "text": c.excerpt,
            "post_title": c.post.title,
            "author": c.byline,
            "author_is_staff": c.author_id is not None and shows_staff_badge(c.author),
            "created_at": c.created_at,
        }
        for c in comments
    ]


def popular_terms():
    """인기검색어 of the last POPULAR_TERM_DAYS days: terms enough different readers searched
    (BOARD_POPULAR_TERM_MIN_SEARCHERS on one day), without the stop list's words (admin).
    Markup and one-letter searches are never counted (services.record_search)."""
    stop_words = set(SearchStopWord.objects.values_list("word", flat=True))
    terms = SearchTerm.objects.popular_since(
        timezone.localdate() - timedelta(days=POPULAR_TERM_DAYS - 1),
        min_searchers=settings.BOARD_POPULAR_TERM_MIN_SEARCHERS,
    )
    shown = []
    # Read a few more than shown, so stop words do not leave the list short.
    for row in terms[: POPULAR_TERMS + len(stop_words)]:
        term = row["term"]
        if term in stop_words or stop_words & set(term.split()):
            continue
        shown.append(term)
    return shown[:POPULAR_TERMS]


def build_popular():
    since = timezone.now() - timedelta(days=settings.BOARD_POPULAR_DAYS)
    popular = (
        Post.objects.popular_since(since)
        .open_to_all()
        .select_related("board")
        .only("id", "title", "view_count", "comment_count", "board__slug")[:POPULAR_POSTS]
    )
    # Counted over visible posts only: a tag that only hidden or deleted posts carry (a
    # name, a leaked address) must not be advertised beside every page.
    tags = Post.objects.visible().open_to_all().tag_counts()[:POPULAR_TAGS]
    return {
        "popular_terms": popular_terms(),
        "popular_posts": [
            {"url": p.get_absolute_url(), "title": p.title, "views": p.view_count, "comments": p.comment_count}
            for p in popular
        ],
        "popular_tags": [
            {"name": t["tag__name"], "url": reverse("board:tag", args=[t["tag__slug"]]), "count": t["count"]}
            for t in tags
        ],
    }
