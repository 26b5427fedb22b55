"""Django admin as the moderators' console. Every state change goes through services.py,
so counters, the search index and the moderation log stay true; the raw flags are
read-only in the forms."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import models
from django.template.response import TemplateResponse

from accounts.models import display_name_of

from . import (
    admin_community,  # noqa: F401 - registers 말머리, 스크랩, 댓글 추천
    services,
)
from .admin_base import ReadOnlySiteModelAdmin, SiteModelAdmin
from .forms import SiteForm
from .models import (
    Attachment,
    Board,
    Comment,
    ModerationLog,
    Post,
    PostVote,
    Report,
    ReportedComment,
    ReportedPost,
    SearchStopWord,
)


def _done(modeladmin, request, changed, message):
    modeladmin.message_user(request, message.format(n=changed), messages.SUCCESS)


@admin.register(Board)
class BoardAdmin(SiteModelAdmin):
    list_display = (
        "name", "slug", "position", "page_size", "use_downvote", "write_access", "comment_access", "is_readonly",
        "post_count",
    )  # fmt: skip
    list_editable = ("position",)
    search_fields = ("name", "slug")
    readonly_fields = ("post_count",)
    fieldsets = (
        (None, {"fields": (
            "name", "slug", "description", "position", "page_size", "use_downvote", "write_access", "comment_access",
            "is_readonly", "category_required", "post_count",
        )}),
        ("레벨", {"fields": ("read_level", "write_level", "comment_level", "download_level")}),
        ("포인트와 첨부파일", {"fields": (
            "points_post", "points_comment", "points_vote_received", "attachment_max_count", "attachment_max_mb",
        )}),
    )  # fmt: skip

    def get_readonly_fields(self, request, obj=None):
        # The slug is part of every URL of the board: fixed once the board exists.
        return ("slug", "post_count") if obj else ("post_count",)

    def save_model(self, request, obj, form, change):
        services.save_board(board=obj)

    def delete_model(self, request, obj):
        services.delete_board(board=obj)

    def delete_queryset(self, request, queryset):
        for board in queryset:
            services.delete_board(board=board)


class MoveForm(SiteForm):
    board = forms.ModelChoiceField(label="옮길 게시판", queryset=Board.objects.for_menu())
    reason = forms.CharField(label="사유", required=False, max_length=500)


@admin.register(Post)
class PostAdmin(SiteModelAdmin):
    list_display = (
        "title", "board", "author_name", "created_at", "view_count", "upvote_count", "downvote_count",
        "comment_count", "is_notice", "is_hidden", "is_deleted",
    )  # fmt: skip
    list_filter = ("board", "category", "is_hidden", "is_notice", "is_deleted", "created_at")
    list_select_related = ("board", "author")
    search_fields = ("title", "body", "author__nickname", "author__username")
    date_hierarchy = "created_at"
    autocomplete_fields = ("author",)
    readonly_fields = (
        "board", "category", "view_count", "upvote_count", "downvote_count", "comment_count", "is_notice", "is_hidden",
        "is_deleted", "created_at", "edited_at",
    )  # fmt: skip
    fields = ("title", "author", "body", "source_url", "tags", *readonly_fields)
    actions = ("hide_posts", "restore_posts", "pin_posts", "unpin_posts", "move_posts", "delete_posts")
    show_full_result_count = False  # no second COUNT(*) over every post on each page
    list_per_page = 50
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # as the write form does

    def has_add_permission(self, request):
        return False  # posts are written on the site, where the counters and limits apply

    def has_delete_permission(self, request, obj=None):
        return False  # a hard delete would bypass the counters; the 삭제 action is soft

    def get_readonly_fields(self, request, obj=None):
        # Moderators act through the actions, which are logged; rewriting a member's words
        # or author is for superusers only.
        if request.user.is_superuser:
            return self.readonly_fields
        return self.fields

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # a hard delete would bypass the counters
        return actions

    @admin.display(description="작성자", ordering="author__nickname")
    def author_name(self, post):
        return display_name_of(post.author)

    def save_model(self, request, obj, form, change):
        # Only superusers get an editable form (get_readonly_fields); the edit goes through
        # the same service as the author's, so the body is rendered, indexed and the pages
        # showing it are made again.
        if not form.changed_data:
            return
        services.edit_post(
            post=obj,
            title=obj.title,
            body=obj.body,
            tags=form.cleaned_data.get("tags", list(obj.tags.names())),
            source_url=obj.source_url,
            author=obj.author,
        )

    def save_related(self, request, form, formsets, change):
        pass  # the tags were set by edit_post

    @admin.action(description="선택한 글 숨기기", permissions=["change"])
    def hide_posts(self, request, queryset):
        changed = sum(services.hide_post(post=post, moderator=request.user) for post in queryset)
        _done(self, request, changed, "글 {n}개를 숨겼습니다.")

    @admin.action(description="선택한 글 복원", permissions=["change"])
    def restore_posts(self, request, queryset):
        changed = sum(services.restore_post(post=post, moderator=request.user) for post in queryset)
        _done(self, request, changed, "글 {n}개를 복원했습니다.")

    @admin.action(description="공지로 지정", permissions=["change"])
    def pin_posts(self, request, queryset):
        changed = sum(services.set_notice(post=post, moderator=request.user, pinned=True) for post in queryset)
        _done(self, request, changed, "글 {n}개를 공지로 지정했습니다.")

    @admin.action(description="공지 해제", permissions=["change"])
    def unpin_posts(self, request, queryset):
        changed = sum(services.set_notice(post=post, moderator=request.user, pinned=False) for post in queryset)
        _done(self, request, changed, "글 {n}개의 공지를 해제했습니다.")

    @admin.action(description="선택한 글 삭제 (목록에서 감춤, 댓글은 보존)", permissions=["change"])
    def delete_posts(self, request, queryset):
        changed = sum(services.delete_post(post=post, moderator=request.user) for post in queryset)
        _done(self, request, changed, "글 {n}개를 삭제했습니다.")

    @admin.action(description="다른 게시판으로 옮기기", permissions=["change"])
    def move_posts(self, request, queryset):
        """An intermediate page picks the board; its form posts back to this action."""
        form = MoveForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            board, reason = form.cleaned_data["board"], form.cleaned_data["reason"]
            moved = sum(
                services.move_post(post=post, board=board, moderator=request.user, reason=reason) for post in queryset
            )
            _done(self, request, moved, f"글 {{n}}개를 {board.name}(으)로 옮겼습니다.")
            return None
        return TemplateResponse(
            request,
            "admin/board/post/move_posts.html",
            {
                **self.admin_site.each_context(request),
                "title": "글 옮기기",
                "opts": self.model._meta,
                "posts": queryset,
                "form": form,
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
            },
        )


@admin.register(Comment)
class CommentAdmin(SiteModelAdmin):
    list_display = ("excerpt", "post", "author_name", "created_at", "upvote_count", "is_deleted", "is_hidden")
    list_filter = ("is_deleted", "is_hidden", "post__board", "created_at")
    list_select_related = ("post", "author")
    search_fields = ("body", "author__nickname", "author__username")
    date_hierarchy = "created_at"
    autocomplete_fields = ("post", "author", "parent")
    readonly_fields = ("post", "parent", "created_at", "edited_at", "upvote_count", "is_deleted", "is_hidden")
    fields = ("author", "body", *readonly_fields)
    actions = ("hide_comments", "restore_comments", "delete_comments")
    show_full_result_count = False
    list_per_page = 50

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if request.user.is_superuser else self.fields

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description="작성자", ordering="author__nickname")
    def author_name(self, comment):
        return display_name_of(comment.author)

    @admin.display(description="내용")
    def excerpt(self, comment):
        return comment.excerpt

    def save_model(self, request, obj, form, change):
        if form.changed_data:
            services.edit_comment(comment=obj, body=obj.body, author=obj.author)

    @admin.action(description="선택한 댓글 숨기기", permissions=["change"])
    def hide_comments(self, request, queryset):
        changed = sum(
            services.set_comment_hidden(comment=c, moderator=request.user, hidden=True)
            for c in queryset.select_related("post")
        )
        _done(self, request, changed, "댓글 {n}개를 숨겼습니다.")

    @admin.action(description="선택한 댓글 복원", permissions=["change"])
    def restore_comments(self, request, queryset):
        changed = sum(
            services.set_comment_hidden(comment=c, moderator=request.user, hidden=False)
            for c in queryset.select_related("post")
        )
        _done(self, request, changed, "댓글 {n}개를 복원했습니다.")

    @admin.action(description="선택한 댓글 삭제", permissions=["change"])
    def delete_comments(self, request, queryset):
        changed = sum(
            services.delete_comment(comment=c, moderator=request.user) for c in queryset.select_related("post")
        )
        _done(self, request, changed, "댓글 {n}개를 삭제했습니다.")


class ReportQueueAdmin(SiteModelAdmin):
    """신고 처리: one row per reported item with its open reports counted."""

    target_field = None
    list_select_related = ("author",)
    actions = ("hide_and_resolve", "dismiss")

    def get_queryset(self, request):
        return super().get_queryset(request).with_open_reports()

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description="미처리 신고", ordering="open_report_count")
    def open_reports(self, item):
        return item.open_report_count

    @admin.display(description="작성자")
    def author_name(self, item):
        return display_name_of(item.author)

    @admin.action(description="숨기고 신고 처리 완료", permissions=["change"])
    def hide_and_resolve(self, request, queryset):
        for item in queryset:
            services.hide_reported(moderator=request.user, **{self.target_field: item})
        _done(self, request, len(queryset), "{n}건을 숨기고 신고를 처리했습니다.")

    @admin.action(description="신고 기각 (문제 없음)", permissions=["change"])
    def dismiss(self, request, queryset):
        for item in queryset:
            services.dismiss_reports(moderator=request.user, **{self.target_field: item})
        _done(self, request, len(queryset), "{n}건의 신고를 기각했습니다.")


@admin.register(ReportedPost)
class ReportedPostAdmin(ReportQueueAdmin):
    target_field = "post"
    list_display = ("title", "board", "author_name", "open_reports", "is_hidden", "created_at")
    list_select_related = ("author", "board")
    fields = ("title", "body", "board", "author", "is_hidden")
    readonly_fields = fields


@admin.register(ReportedComment)
class ReportedCommentAdmin(ReportQueueAdmin):
    target_field = "comment"
    list_display = ("excerpt", "post", "author_name", "open_reports", "is_hidden", "created_at")
    list_select_related = ("author", "post")
    fields = ("body", "post", "author", "is_hidden")
    readonly_fields = fields

    @admin.display(description="내용")
    def excerpt(self, comment):
        return comment.excerpt


@admin.register(Report)
class ReportAdmin(SiteModelAdmin):
    list_display = ("__str__", "reason", "target", "reporter", "status", "created_at", "resolved_at")
    list_filter = ("status", "reason", "created_at")
    list_select_related = ("reporter", "post", "comment")
    search_fields = ("detail", "post__title", "reporter__nickname")
    date_hierarchy = "created_at"
    readonly_fields = ("reporter", "post", "comment", "reason", "detail", "status", "created_at", "resolved_at")

    def has_add_permission(self, request):
        return False

    @admin.display(description="대상")
    def target(self, report):
        return report.post or report.comment


@admin.register(ModerationLog)
class ModerationLogAdmin(ReadOnlySiteModelAdmin):
    list_display = ("created_at", "action", "target_type", "target_title", "moderator", "reason")
    list_filter = ("action", "target_type", "created_at")
    list_select_related = ("moderator",)
    search_fields = ("target_title", "reason", "moderator__nickname")
    date_hierarchy = "created_at"

    def has_delete_permission(self, request, obj=None):
        return False  # the trail is permanent


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlySiteModelAdmin):  # a list to look up; files come and go with their post's form
    list_display, list_select_related = ("original_name", "post", "size", "download_count", "created_at"), ("post",)
    search_fields, date_hierarchy, show_full_result_count = ("original_name",), "created_at", False


@admin.register(PostVote)
class PostVoteAdmin(ReadOnlySiteModelAdmin):
    list_display = ("post", "user", "value", "created_at")
    list_filter = ("value", "created_at")
    list_select_related = ("post", "user")
    autocomplete_fields = ("post", "user")
    date_hierarchy = "created_at"
    show_full_result_count = False


@admin.register(SearchStopWord)
class SearchStopWordAdmin(SiteModelAdmin):
    """인기검색어 stop list: a term that is the word, or has it as one of its words, is left
    out of the sidebar on every page at once."""

    list_display = ("word", "note", "created_at")
    search_fields = ("word", "note")
    fields = ("word", "note")

    def save_model(self, request, obj, form, change):
        services.save_stop_word(stop_word=obj)

    def delete_model(self, request, obj):
        services.delete_stop_word(stop_word=obj)

    def delete_queryset(self, request, queryset):
        for stop_word in queryset:
            services.delete_stop_word(stop_word=stop_word)
