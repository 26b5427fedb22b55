"""The site's URLconf and one view with a bug, so tests can see the 500 page."""

from django.urls import path

from config.urls import handler400  # noqa: F401  (Django looks it up in the URLconf)
from config.urls import urlpatterns as site_urlpatterns


def fail(request):
    raise RuntimeError("a bug")


urlpatterns = [path("fail/", fail), *site_urlpatterns]
