from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from board import services as board_services
from board.admin import SiteModelAdmin

from . import services
from .forms import MemberChangeForm, MemberCreationForm
from .models import ConsentRecord, EmailConfirmation, PolicyDocument, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = MemberChangeForm
    add_form = MemberCreationForm
    list_display = ("username", "nickname", "email", "is_active", "is_staff", "date_joined", "withdrawn_at")
    list_filter = ("is_active", "is_staff", "is_superuser", "date_joined")
    search_fields = ("username", "nickname", "email")
    date_hierarchy = "date_joined"
    ordering = ("-date_joined",)
    fieldsets = BaseUserAdmin.fieldsets + (("게시판", {"fields": ("nickname", "withdrawn_at")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + (("게시판", {"fields": ("nickname", "email")}),)
    actions = ("ban_members", "unban_members", "restore_content")
    show_full_result_count = False

    def has_ban_permission(self, request):
        return request.user.has_perm("accounts.ban_user")

    def get_readonly_fields(self, request, obj=None):
        # Only superusers hand out staff status, groups and permissions.
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return ("is_staff", "is_superuser", "groups", "user_permissions", "last_login", "date_joined")

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
class ConsentRecordAdmin(SiteModelAdmin):
    """What each member agreed to and when: a record, so nobody edits or adds one here."""

    list_display = ("user", "kind", "document", "agreed", "recorded_at")
    list_filter = ("kind", "agreed")
    search_fields = ("user__username", "user__nickname")
    list_select_related = ("user", "document")
    raw_id_fields = ("user",)
    date_hierarchy = "recorded_at"
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

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
