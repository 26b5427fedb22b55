"""The old addresses of an imported Gnuboard5 site (board/legacy.py), included last in
config/urls.py so that every route of this site comes first."""

from django.urls import path, re_path

from . import legacy

BOARD = r"(?P<bo_table>[A-Za-z0-9_]{1,20})"

urlpatterns = [
    path("bbs/board.php", legacy.board_php, name="legacy_board_php"),
    path("bbs/rss.php", legacy.rss_php, name="legacy_rss_php"),
    path("bbs/search.php", legacy.search_php, name="legacy_search_php"),
    re_path(rf"^data/file/{BOARD}/(?P<name>[^/]{{1,255}})$", legacy.data_file, name="legacy_data_file"),
    re_path(r"^data/editor/(?P<month>[0-9]{4})/(?P<name>[^/]{1,255})$", legacy.data_editor, name="legacy_data_editor"),
    re_path(rf"^{BOARD}/(?P<wr_id>[0-9]{{1,12}})/?$", legacy.short_post, name="legacy_short_post"),
    re_path(rf"^{BOARD}/?$", legacy.short_board, name="legacy_short_board"),
]
