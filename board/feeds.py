"""RSS 2.0 and Atom feeds for the whole site, each board and each tag, built from the same
querysets as the pages (hidden and deleted posts never appear)."""

import mimetypes
import re

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from taggit.models import Tag

from .models import Board, Post

FEED_ITEMS = 30

# What XML 1.0 cannot carry (C0 controls but tab and line breaks, surrogates, U+FFFE and
# U+FFFF) and the C1 controls, which it can but feed readers choke on. Forms refuse them and
# a migration removed them from old rows; the feeds strip them anyway, because one post
# that got through (an import, an old row, an entity in Markdown) must not turn every feed
# into a 500 until 30 newer posts push it out.
_NOT_FOR_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def xml_safe(value):
    if isinstance(value, str):
        return _NOT_FOR_XML.sub("", value)
    if isinstance(value, list | tuple):
        return [xml_safe(item) for item in value]
    return value


class XmlSafeFeedMixin:
    """Every text of the feed and of each item, whatever it is, goes through xml_safe."""

    def __init__(self, *args, **kwargs):
        super().__init__(*map(xml_safe, args), **{key: xml_safe(value) for key, value in kwargs.items()})

    def add_item(self, *args, **kwargs):
        super().add_item(*map(xml_safe, args), **{key: xml_safe(value) for key, value in kwargs.items()})


class SafeRssFeed(XmlSafeFeedMixin, Rss201rev2Feed):
    pass


class SafeAtomFeed(XmlSafeFeedMixin, Atom1Feed):
    pass


class SiteFeed(Feed):
    feed_type = SafeRssFeed
    language = "ko"

    def get_object(self, request):
        return None

    def title(self, obj):
        return "AI 뉴스 보드"

    def link(self, obj):
        return reverse("board:home")

    def description(self, obj):
        return "한국어 AI 뉴스 커뮤니티의 새 글"

    def posts(self, obj):
        return Post.objects.visible().open_to_all()

    def items(self, obj):
        return (
            self.posts(obj)
            .for_list()
            .newest_first()
            .select_related("board")
            .defer(None)
            .prefetch_related("tags", "images")[:FEED_ITEMS]
        )

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.body_html  # stored, sanitised HTML

    def item_link(self, item):
        return item.get_absolute_url()

    def item_author_name(self, item):
        return item.byline

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.edited_at or item.created_at

    def item_categories(self, item):
        """The 말머리 first (joined by for_list), then the tags."""
        tags = [tag.name for tag in item.tags.all()]
        return [item.category.name, *tags] if item.category_id else tags

    def item_enclosures(self, item):
        images = list(item.images.all())
        if not images:
            return []
        first = images[0]
        mime = mimetypes.guess_type(first.image.name)[0] or "image/jpeg"
        return [Enclosure(self.request.build_absolute_uri(first.image.url), str(first.image.size), mime)]

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)


class BoardFeed(SiteFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Board, slug=slug)

    def title(self, board):
        return f"{board.name} | AI 뉴스 보드"

    def link(self, board):
        return board.get_absolute_url()

    def description(self, board):
        return board.description or board.name

    def posts(self, board):
        # A board with a reading level has no feed: a feed reader is nobody's level.
        return Post.objects.visible().in_board(board).open_to_all()


class TagFeed(SiteFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Tag, slug=slug)

    def title(self, tag):
        return f"#{tag.name} | AI 뉴스 보드"

    def link(self, tag):
        return reverse("board:tag", args=[tag.slug])

    def description(self, tag):
        return f"#{tag.name} 태그가 달린 글"

    def posts(self, tag):
        return Post.objects.visible().open_to_all().filter(tags__slug=tag.slug)


class AtomMixin:
    feed_type = SafeAtomFeed
    subtitle = SiteFeed.description


class SiteAtomFeed(AtomMixin, SiteFeed):
    subtitle = SiteFeed.description


class BoardAtomFeed(AtomMixin, BoardFeed):
    subtitle = BoardFeed.description


class TagAtomFeed(AtomMixin, TagFeed):
    subtitle = TagFeed.description
