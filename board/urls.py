from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from . import feeds
from .sitemaps import SITEMAPS
from .views import comments, discovery, files, moderation, reading, reports, scraps, system, votes, writing

app_name = "board"

# The pages read most first: Django tries each route in order until one matches, and every
# route tried before it costs a regular expression and a note for the 404 page.
urlpatterns = [
    path("", reading.home, name="home"),
    path("b/<slug:slug>/", reading.post_list, name="post_list"),
    path("b/<slug:slug>/<int:post_id>/", reading.post_detail, name="post_detail"),
    path("b/<slug:slug>/<int:post_id>/comments/", comments.comment_create, name="comment_create"),
    path("b/<slug:slug>/<int:post_id>/vote/", votes.vote, name="vote"),
    path("menu/", discovery.site_menu, name="menu"),
    path("search/", discovery.site_search, name="search"),
    path("new/", discovery.new_activity, name="new"),
    path("tags/<str:slug>/", discovery.tag_posts, name="tag"),
    path("feed/", feeds.SiteFeed(), name="feed"),
    path("feed/atom/", feeds.SiteAtomFeed(), name="feed_atom"),
    path("b/<slug:slug>/feed/", feeds.BoardFeed(), name="board_feed"),
    path("b/<slug:slug>/feed/atom/", feeds.BoardAtomFeed(), name="board_feed_atom"),
    path("tags/<str:slug>/feed/", feeds.TagFeed(), name="tag_feed"),
    path("tags/<str:slug>/feed/atom/", feeds.TagAtomFeed(), name="tag_feed_atom"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "board:sitemap_section"},
        name="sitemap",
    ),
    path("sitemap-<section>.xml", sitemap_views.sitemap, {"sitemaps": SITEMAPS}, name="sitemap_section"),
    path("robots.txt", system.robots_txt, name="robots"),
    path("favicon.ico", system.favicon, name="favicon"),
    path("manifest.webmanifest", system.web_manifest, name="manifest"),
    path("healthz", system.healthz, name="healthz"),
    path("modlog/", moderation.moderation_log, name="modlog"),
    path("scraps/", scraps.scrap_list, name="scraps"),
    path("scraps/<int:scrap_id>/delete/", scraps.scrap_delete, name="scrap_delete"),
    path("b/<slug:slug>/write/", writing.post_write, name="post_write"),
    path("b/<slug:slug>/<int:post_id>/edit/", writing.post_edit, name="post_edit"),
    path("b/<slug:slug>/<int:post_id>/delete/", writing.post_delete, name="post_delete"),
    path(
        "b/<slug:slug>/<int:post_id>/files/<int:attachment_id>/",
        files.attachment_download,
        name="attachment_download",
    ),
    path("b/<slug:slug>/<int:post_id>/moderate/", moderation.post_moderate, name="post_moderate"),
    path("b/<slug:slug>/<int:post_id>/report/", reports.report_post, name="report_post"),
    path("b/<slug:slug>/<int:post_id>/scrap/", scraps.scrap_post, name="scrap"),
    path("comments/<int:comment_id>/", comments.comment_link, name="comment"),
    path("comments/<int:comment_id>/edit/", comments.comment_edit, name="comment_edit"),
    path("comments/<int:comment_id>/delete/", comments.comment_delete, name="comment_delete"),
    path("comments/<int:comment_id>/moderate/", moderation.comment_moderate, name="comment_moderate"),
    path("comments/<int:comment_id>/report/", reports.report_comment, name="report_comment"),
    path("comments/<int:comment_id>/vote/", votes.comment_vote, name="comment_vote"),
]
