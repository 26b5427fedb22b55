from django.contrib import admin

from .models import Board, Comment, Post, PostVote


@admin.register(Board)
class BoardAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "position", "page_size", "use_downvote", "post_count")
    list_editable = ("position",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("post_count",)


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = (
        "title", "board", "author", "created_at", "view_count", "upvote_count",
        "downvote_count", "comment_count", "is_notice", "is_hidden", "is_deleted",
    )  # fmt: skip
    list_filter = ("board", "is_hidden", "is_notice", "is_deleted", "created_at")
    list_select_related = ("board", "author")
    search_fields = ("title", "body", "author__nickname", "author__username")
    date_hierarchy = "created_at"
    autocomplete_fields = ("author",)
    readonly_fields = ("view_count", "upvote_count", "downvote_count", "comment_count", "edited_at")


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("__str__", "post", "author", "created_at", "is_deleted", "is_hidden")
    list_filter = ("is_deleted", "is_hidden", "created_at")
    list_select_related = ("post", "author")
    search_fields = ("body", "author__nickname", "author__username")
    date_hierarchy = "created_at"
    autocomplete_fields = ("post", "author", "parent")


@admin.register(PostVote)
class PostVoteAdmin(admin.ModelAdmin):
    list_display = ("post", "user", "value", "created_at")
    list_filter = ("value",)
    list_select_related = ("post", "user")
    autocomplete_fields = ("post", "user")
