"""Pages for machines and for errors: /healthz, robots.txt, favicon.ico, the web app
manifest, the 400 and CSRF-failure pages."""

from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.db import connection
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control

ICON_MAX_AGE = 7 * 24 * 3600


def healthz(request):
    """200 when the database and the cache answer, 503 otherwise (for load balancers)."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception as error:  # noqa: BLE001  (any failure means unhealthy)
        checks["database"] = f"error: {type(error).__name__}"
    try:
        # A real round trip, past the cache's breaker (which hides an outage from pages).
        if hasattr(cache, "ping"):
            cache.ping()
            checks["cache"] = "ok"
        else:
            cache.set("healthz", "ok", 10)
            checks["cache"] = "ok" if cache.get("healthz") == "ok" else "error: no round trip"
    except Exception as error:  # noqa: BLE001
        checks["cache"] = f"error: {type(error).__name__}"
    healthy = all(value == "ok" for value in checks.values())
    response = JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)
    response["Cache-Control"] = "no-store"
    return response


def robots_txt(request):
    lines = [
        "User-agent: *",
        f"Disallow: {reverse('admin:index')}",
        f"Disallow: {reverse('accounts:index')}",
        f"Disallow: {reverse('board:search')}",
        f"Sitemap: {request.build_absolute_uri(reverse('board:sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@cache_control(public=True, max_age=ICON_MAX_AGE)
def favicon(request):
    """/favicon.ico, where browsers and feed readers look for it whatever the page says
    (pages link the hashed copy under /static/)."""
    path = finders.find("favicon.ico")
    if path is None:
        raise Http404
    return FileResponse(open(path, "rb"), content_type="image/x-icon")


@cache_control(public=True, max_age=24 * 3600)
def web_manifest(request):
    """The web app manifest: name, colours and icons, so the site can be added to a phone's
    home screen. A view, so the icons are named by their hashed static addresses."""
    manifest = {
        "name": "AI 뉴스 보드",
        "short_name": "AI 뉴스",
        "description": "한국어 AI 뉴스 커뮤니티 게시판",
        "lang": "ko",
        "start_url": reverse("board:home"),
        "scope": reverse("board:home"),
        "display": "standalone",
        "background_color": "#f4f5f7",
        "theme_color": "#1d5fd1",
        "icons": [
            {"src": static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("icons/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    response = JsonResponse(manifest, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


def bad_request(request, exception=None):
    """handler400: Django's own renders 400.html without the request, so without the menu."""
    return render(request, "400.html", status=400)


def csrf_failure(request, reason=""):
    return render(
        request,
        "403.html",
        {"exception": "보안 토큰이 없거나 만료되었습니다. 페이지를 새로 고친 뒤 다시 시도해 주세요."},
        status=403,
    )
