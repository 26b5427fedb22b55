from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from board import services as board_services
from board.admin_base import ReadOnlySiteModelAdmin, SiteModelAdmin
from board.forms import SiteModelForm

from . import messaging, services
from .forms import MemberChangeForm, MemberCreationForm
from .models import (
    ConsentRecord,
    EmailConfirmation,
    Message,
    MessageBlock,
    Notification,
    PointEntry,
    PolicyDocument,
    User,
)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = MemberChangeForm
    add_form = MemberCreationForm
    list_display = (
        "username", "nickname", "email", "level", "points", "is_active", "is_staff", "date_joined", "withdrawn_at",
    )  # fmt: skip
    list_filter = ("is_active", "is_staff", "is_superuser", "date_joined")
    search_fields = ("username", "nickname", "email")
    date_hierarchy = "date_joined"
    ordering = ("-date_joined",)
    fieldsets = BaseUserAdmin.fieldsets + (
        ("게시판", {"fields": ("nickname", "withdrawn_at")}),
        ("레벨과 포인트", {"fields": ("points", "level_override")}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + (("게시판", {"fields": ("nickname", "email")}),)
    actions = ("ban_members", "unban_members", "restore_content")
    show_full_result_count = False

    def has_ban_permission(self, request):
        return request.user.has_perm("accounts.ban_user")

    def get_readonly_fields(self, request, obj=None):
        # Only superusers hand out staff status, groups and permissions.
        if request.user.is_superuser:
            return (*super().get_readonly_fields(request, obj), "points")
        return ("points", "is_staff", "is_superuser", "groups", "user_permissions", "last_login", "date_joined")

    def has_delete_permission(self, request, obj=None):
        # Deleting a member would cascade their votes behind the counters; ban instead.
        return False

    def save_model(self, request, obj, form, change):
        services.save_member(user=obj, changed_fields=form.changed_data if change else ())

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # members are banned or withdraw; rows stay for the record
        return actions

    @admin.action(description="정지: 계정을 막고 글·댓글을 모두 숨김", permissions=["ban"])
    def ban_members(self, request, queryset):
        for member in queryset.exclude(pk=request.user.pk).exclude(is_superuser=True):
            posts, comments = services.ban_member(user=member, moderator=request.user)
            self.message_user(
                request, f"{member.nickname}: 정지, 글 {posts}개·댓글 {comments}개 숨김", messages.SUCCESS
            )

    @admin.action(description="정지 해제", permissions=["ban"])
    def unban_members(self, request, queryset):
        for member in queryset.filter(is_active=False, withdrawn_at__isnull=True):
            services.unban_member(user=member, moderator=request.user)
            self.message_user(request, f"{member.nickname}: 정지를 해제했습니다.", messages.SUCCESS)

    @admin.action(description="숨긴 글·댓글 복원", permissions=["ban"])
    def restore_content(self, request, queryset):
        for member in queryset:
            posts, comments = board_services.restore_member_content(user=member, moderator=request.user)
            self.message_user(request, f"{member.nickname}: 글 {posts}개·댓글 {comments}개 복원", messages.SUCCESS)


class PointAdjustmentForm(SiteModelForm):
    class Meta:
        model = PointEntry
        fields = ("member", "amount", "memo")


@admin.register(PointEntry)
class PointEntryAdmin(SiteModelAdmin):
    """The history of every member's points. Rows are never changed or deleted (the balance
    is their sum); 운영진 correct a balance by adding a row (운영진 조정)."""

    list_display = ("member", "amount", "reason", "post", "memo", "created_at")
    list_filter = ("reason", "created_at")
    list_select_related = ("member", "post")
    search_fields = ("member__nickname", "member__username", "memo")
    autocomplete_fields = ("member",)
    date_hierarchy = "created_at"
    show_full_result_count = False
    add_form = PointAdjustmentForm

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = PointAdjustmentForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        return ("member", "amount", "memo") if obj is None else super().get_fields(request, obj)

    def save_model(self, request, obj, form, change):
        entry = services.adjust_member_points(user=obj.member, amount=obj.amount, memo=obj.memo, moderator=request.user)
        obj.pk = entry.pk if entry is not None else None

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Message)
class MessageAdmin(ReadOnlySiteModelAdmin):
    """Reported 쪽지 only: moderators never see a message its recipient did not report."""

    list_display = ("id", "sender", "recipient", "created_at", "reported_at", "report_reason")
    fields = ("sender", "recipient", "created_at", "read_at", "reported_at", "report_reason", "body")
    readonly_fields = fields
    list_select_related = ("sender", "recipient")
    ordering = ("-reported_at",)
    actions = ("dismiss_reports",)

    def get_queryset(self, request):
        return super().get_queryset(request).reported()

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and (obj is None or obj.reported_at is not None)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description="신고 처리 완료 (쪽지를 다시 비공개로)")
    def dismiss_reports(self, request, queryset):
        for message in queryset:
            messaging.dismiss_message_report(message=message)
        self.message_user(request, f"쪽지 {len(queryset)}건의 신고를 처리했습니다.", messages.SUCCESS)


@admin.register(MessageBlock)
class MessageBlockAdmin(ReadOnlySiteModelAdmin):
    list_display = ("blocker", "blocked", "created_at")
    list_select_related = ("blocker", "blocked")
    search_fields = ("blocker__nickname", "blocked__nickname")


@admin.register(Notification)
class NotificationAdmin(ReadOnlySiteModelAdmin):
    list_display = ("recipient", "kind", "text", "created_at", "read_at")
    list_filter = ("kind",)
    list_select_related = ("recipient",)
    search_fields = ("recipient__nickname",)
    show_full_result_count = False


@admin.register(PolicyDocument)
class PolicyDocumentAdmin(SiteModelAdmin):
    """이용약관 and 개인정보 수집·이용 동의, by version. Sign-up shows the newest version in
    effect; a version members agreed to stays as they read it (read-only: add a new one)."""

    list_display = ("kind", "version", "title", "effective_at", "created_at")
    list_filter = ("kind",)
    ordering = ("kind", "-version")

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.consents.exists():
            return ("kind", "version", "title", "body", "effective_at")
        return ()

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.consents.exists()

    def save_model(self, request, obj, form, change):
        services.save_policy_document(document=obj)


@admin.register(ConsentRecord)
class ConsentRecordAdmin(ReadOnlySiteModelAdmin):
    """What each member agreed to and when: a record, so nobody edits or adds one here."""

    list_display = ("user", "kind", "document", "agreed", "recorded_at")
    list_filter = ("kind", "agreed")
    search_fields = ("user__username", "user__nickname")
    list_select_related = ("user", "document")
    raw_id_fields = ("user",)
    date_hierarchy = "recorded_at"
    show_full_result_count = False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EmailConfirmation)
class EmailConfirmationAdmin(SiteModelAdmin):
    """Members who joined with e-mail confirmation on; an operator may confirm one by hand
    (a member whose mail never arrives)."""

    list_display = ("user", "email", "sent_at", "confirmed_at")
    list_filter = (("confirmed_at", admin.EmptyFieldListFilter),)
    search_fields = ("user__username", "user__nickname", "email")
    list_select_related = ("user",)
    readonly_fields = ("user", "email", "sent_at", "confirmed_at")
    actions = ("confirm_by_hand",)

    def has_add_permission(self, request):
        return False

    @admin.action(description="선택한 회원의 이메일을 인증된 것으로 처리")
    def confirm_by_hand(self, request, queryset):
        count = services.confirm_emails_by_hand(confirmations=queryset)
        self.message_user(request, f"{count}명의 이메일을 인증했습니다.", messages.SUCCESS)
