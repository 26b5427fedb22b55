"""The header menu and sidebar shown on every page, cached because every page shows them."""

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from taggit.models import Tag

from accounts.models import display_name_of

from .models import Board, Comment, Post, SearchTerm

MENU_CACHE_KEY = "board:menu"
SIDEBAR_CACHE_KEY = "board:sidebar"
POPULAR_POSTS = 10
RECENT_COMMENTS = 5
POPULAR_TAGS = 20
POPULAR_TERMS = 10
POPULAR_TERM_DAYS = 3


def board_menu():
    """(slug, name, id) of every board, in menu order."""
    menu = cache.get(MENU_CACHE_KEY)
    if menu is None:
        menu = [(board.slug, board.name, board.pk) for board in Board.objects.for_menu()]
        cache.set(MENU_CACHE_KEY, menu, None)
    return menu


@receiver([post_save, post_delete], sender=Board)
def forget_board_menu(**kwargs):
    from . import pagecache

    cache.delete(MENU_CACHE_KEY)
    pagecache.bump_everything()  # every page shows the menu


def forget_sidebar():
    """After moderation: hidden titles and comments must leave the sidebar at once."""
    cache.delete(SIDEBAR_CACHE_KEY)


def sidebar():
    data = cache.get(SIDEBAR_CACHE_KEY)
    if data is None:
        data = build_sidebar()
        cache.set(SIDEBAR_CACHE_KEY, data, settings.BOARD_SIDEBAR_CACHE_SECONDS)
    return data


def build_sidebar():
    since = timezone.now() - timedelta(days=settings.BOARD_POPULAR_DAYS)
    popular = (
        Post.objects.popular_since(since)
        .select_related("board")
        .only("id", "title", "view_count", "comment_count", "board__slug")[:POPULAR_POSTS]
    )
    comments = Comment.objects.recent().only(
        "id",
        "body_html",
        "created_at",
        "post__id",
        "post__title",
        "post__board__slug",
        "author__nickname",
        "author__withdrawn_at",
    )[:RECENT_COMMENTS]
    # Counted over visible posts only: a tag that only hidden or deleted posts carry (a
    # name, a leaked address) must not be advertised beside every page.
    tags = (
        Tag.objects.filter(taggit_taggeditem_items__object_id__in=Post.objects.visible().values("pk"))
        .annotate(num_posts=Count("taggit_taggeditem_items"))
        .order_by("-num_posts", "name")[:POPULAR_TAGS]
    )
    terms = SearchTerm.objects.popular_since(timezone.localdate() - timedelta(days=POPULAR_TERM_DAYS - 1))
    return {
        "popular_terms": [row["term"] for row in terms[:POPULAR_TERMS]],
        "popular_posts": [
            {"url": p.get_absolute_url(), "title": p.title, "views": p.view_count, "comments": p.comment_count}
            for p in popular
        ],
        "recent_comments": [
            {
                "url": f"{c.post.get_absolute_url()}#c{c.pk}",
                "text": c.excerpt,
                "post_title": c.post.title,
                "author": display_name_of(c.author),
                "created_at": c.created_at,
            }
            for c in comments
        ],
        "popular_tags": [{"name": t.name, "slug": t.slug, "count": t.num_posts} for t in tags],
    }
