"""Pages for machines and for errors: /healthz, robots.txt, the 400 and CSRF-failure pages."""

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse


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
