from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

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

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
