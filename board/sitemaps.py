from django.contrib.sitemaps import Sitemap

from .models import Board, Post


class BoardSitemap(Sitemap):
    changefreq = "hourly"
    priority = 0.8

    def items(self):
        return Board.objects.for_menu()

    def lastmod(self, board):
        return Post.objects.visible().in_board(board).newest_first().values_list("created_at", flat=True).first()


class PostSitemap(Sitemap):
    changefreq = "weekly"
    limit = 5000  # small pages, so a crawler's request stays cheap at any size

    def items(self):
        return (
            Post.objects.visible()
            .open_to_all()
            .select_related("board")
            .only("id", "updated_at", "board__slug")
            .order_by("-id")
        )

    def lastmod(self, post):
        return post.updated_at


SITEMAPS = {"boards": BoardSitemap, "posts": PostSitemap}
