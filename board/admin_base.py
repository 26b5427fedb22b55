"""What every model admin of the board shares (board/admin.py and admin_community.py)."""

from django.contrib import admin
from django.db import models

from .forms import SiteModelForm


class SiteModelAdmin(admin.ModelAdmin):
    # Moderators' edits are text on the site like members' (no control characters), and a
    # URL typed without a scheme is https, as on the write form.
    form = SiteModelForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class ReadOnlySiteModelAdmin(SiteModelAdmin):
    """Rows the site writes itself (votes, logs, histories, members' own records): 운영진
    look them up here, never add or change one."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
