from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "nickname", "email", "is_active", "is_staff", "date_joined")
    list_filter = ("is_active", "is_staff", "is_superuser", "date_joined")
    search_fields = ("username", "nickname", "email")
    date_hierarchy = "date_joined"
    ordering = ("-date_joined",)
    fieldsets = BaseUserAdmin.fieldsets + (("게시판", {"fields": ("nickname", "withdrawn_at")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + (("게시판", {"fields": ("nickname", "email")}),)
