from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import path, reverse_lazy
from django.views.generic import RedirectView

from . import forms, views
from .views import messages as message_views
from .views import notifications as notification_views

app_name = "accounts"

urlpatterns = [
    path("", login_required(RedirectView.as_view(pattern_name="accounts:me")), name="index"),
    path("signup/", views.signup, name="signup"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("me/", views.my_menu, name="me"),
    path("me/points/", views.my_points, name="points"),
    path("me/profile/", views.update_profile, name="update_profile"),
    path("me/password/", views.change_password, name="change_password"),
    path("me/withdraw/", views.withdraw, name="withdraw"),
    path("me/messages/", message_views.inbox, name="messages"),
    path("me/messages/sent/", message_views.sent, name="messages_sent"),
    path("me/messages/new/", message_views.compose, name="message_compose"),
    path("me/messages/<int:pk>/", message_views.message_detail, name="message_detail"),
    path("me/messages/<int:pk>/delete/", message_views.delete, name="message_delete"),
    path("me/messages/<int:pk>/report/", message_views.report, name="message_report"),
    path("me/messages/<int:pk>/block/", message_views.block_sender, name="message_block"),
    path("me/blocks/", message_views.blocks, name="blocks"),
    path("me/blocks/<int:user_id>/unblock/", message_views.unblock, name="unblock"),
    path("me/notifications/", notification_views.notification_list, name="notifications"),
    path("me/notifications/read-all/", notification_views.read_all, name="notifications_read_all"),
    path("me/notifications/settings/", notification_views.notification_settings, name="notification_settings"),
    path("me/notifications/<int:pk>/open/", notification_views.open_notification, name="notification_open"),
    path("me/marketing/", views.marketing_consent, name="marketing_consent"),
    path("me/confirm-email/send/", views.resend_confirmation, name="resend_confirmation"),
    path("confirm-email/<str:token>/", views.confirm_email, name="confirm_email"),
    path("find-username/", views.find_username, name="find_username"),
    path("find-username/sent/", views.find_username_done, name="find_username_done"),
    path("terms/", views.policy, {"kind": "terms"}, name="terms"),
    path("privacy/", views.policy, {"kind": "privacy"}, name="privacy"),
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(
            form_class=forms.ResetRequestForm,
            template_name="accounts/password_reset.html",
            email_template_name="accounts/password_reset_email.txt",
            subject_template_name="accounts/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            form_class=forms.NewPasswordForm,
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
]
