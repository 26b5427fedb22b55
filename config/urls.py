import re

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from accounts import views as accounts_views

admin.site.site_header = "AI 뉴스 보드 관리"
admin.site.site_title = "AI 뉴스 보드 관리"
admin.site.index_title = "운영"

handler400 = "board.views.system.bad_request"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("u/<str:username>/", accounts_views.profile, name="profile"),
    path("", include("board.urls")),
    # Last: an imported Gnuboard5 site's old addresses, so no route of ours is shadowed.
    path("", include("board.legacy_urls")),
]

if settings.DEBUG or settings.SERVE_MEDIA:
    # Uploads from MEDIA_ROOT through Django: `make run` (DEBUG) and `make serve`
    # (DJANGO_SERVE_MEDIA=1), on one local machine. A real deployment serves /media/ from
    # nginx or object storage (docs/deploy.md) and leaves DJANGO_SERVE_MEDIA unset.
    media = re.escape(settings.MEDIA_URL.lstrip("/"))
    urlpatterns += [re_path(rf"^{media}(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})]
