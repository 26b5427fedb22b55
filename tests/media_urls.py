"""The URLconf of `make run` (DEBUG on), where config/urls.py also serves uploads with
Django's static view; the tests run with DEBUG off, so they ask for it explicitly."""

from django.conf import settings
from django.urls import path
from django.views.static import serve

from config.urls import urlpatterns as site_urlpatterns


def serve_media(request, path):
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [path("media/<path:path>", serve_media), *site_urlpatterns]
