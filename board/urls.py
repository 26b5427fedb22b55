from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from . import feeds, views
from .sitemaps import SITEMAPS

app_name = "board"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.site_search, name="search"),
    path("new/", views.new_activity, name="new"),
    path("tags/<str:slug>/", views.tag_posts, name="tag"),
    path("feed/", feeds.SiteFeed(), name="feed"),
    path("feed/atom/", feeds.SiteAtomFeed(), name="feed_atom"),
    path("b/<slug:slug>/feed/", feeds.BoardFeed(), name="board_feed"),
    path("b/<slug:slug>/feed/atom/", feeds.BoardAtomFeed(), name="board_feed_atom"),
    path("tags/<str:slug>/feed/", feeds.TagFeed(), name="tag_feed"),
    path("tags/<str:slug>/feed/atom/", feeds.TagAtomFeed(), name="tag_feed_atom"),
    path("sitemap.xml", sitemap_views.index, {"sitemaps": SITEMAPS, "sitemap_url_name": "board:sitemap_section"}),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path("robots.txt", views.robots_txt, name="robots"),
    path("healthz", views.healthz, name="healthz"),
    path("b/<slug:slug>/", views.post_list, name="post_list"),
    path("b/<slug:slug>/write/", views.post_write, name="post_write"),
    path("b/<slug:slug>/<int:post_id>/", views.post_detail, name="post_detail"),
    path("b/<slug:slug>/<int:post_id>/edit/", views.post_edit, name="post_edit"),
    path("b/<slug:slug>/<int:post_id>/delete/", views.post_delete, name="post_delete"),
    path("b/<slug:slug>/<int:post_id>/comments/", views.comment_create, name="comment_create"),
    path("b/<slug:slug>/<int:post_id>/vote/", views.vote, name="vote"),
    path("b/<slug:slug>/<int:post_id>/moderate/", views.post_moderate, name="post_moderate"),
    path("b/<slug:slug>/<int:post_id>/report/", views.report_post, name="report_post"),
    path("comments/<int:comment_id>/moderate/", views.comment_moderate, name="comment_moderate"),
    path("comments/<int:comment_id>/report/", views.report_comment, name="report_comment"),
    path("modlog/", views.moderation_log, name="modlog"),
    path("comments/<int:comment_id>/edit/", views.comment_edit, name="comment_edit"),
    path("comments/<int:comment_id>/delete/", views.comment_delete, name="comment_delete"),
]
