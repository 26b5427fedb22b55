"""Admin of the community tools: 말머리 (defined here, per board), 스크랩 and 댓글 추천
(looked at, never written: they are the members' own, and counters move only through
services)."""

from django.contrib import admin

from accounts.models import display_name_of

from . import services
from .admin_base import ReadOnlySiteModelAdmin, SiteModelAdmin
from .models import Category, CommentVote, Scrap


@admin.register(Category)
class CategoryAdmin(SiteModelAdmin):
    list_display = ("name", "board", "position")
    list_editable = ("position",)
    list_filter = ("board",)
    list_select_related = ("board",)
    search_fields = ("name",)
    fields = ("board", "name", "position")

    def save_model(self, request, obj, form, change):
        services.save_category(category=obj)

    def delete_model(self, request, obj):
        services.delete_category(category=obj)

    def delete_queryset(self, request, queryset):
        for category in queryset:
            services.delete_category(category=category)


@admin.register(Scrap)
class ScrapAdmin(ReadOnlySiteModelAdmin):  # a member's memo is theirs
    list_display = ("post", "member", "memo", "created_at")
    list_select_related = ("post", "user")
    search_fields = ("user__nickname", "user__username", "post__title")
    date_hierarchy = "created_at"
    show_full_result_count = False

    @admin.display(description="회원", ordering="user__nickname")
    def member(self, scrap):
        return display_name_of(scrap.user)


@admin.register(CommentVote)
class CommentVoteAdmin(ReadOnlySiteModelAdmin):
    list_display = ("comment", "member", "created_at")
    list_select_related = ("comment", "user")
    autocomplete_fields = ("comment", "user")
    search_fields = ("user__nickname", "user__username")
    date_hierarchy = "created_at"
    show_full_result_count = False

    def has_delete_permission(self, request, obj=None):
        return False  # Comment.upvote_count moves only through services.vote_comment

    @admin.display(description="회원", ordering="user__nickname")
    def member(self, vote):
        return display_name_of(vote.user)
