"""Member pages by area: members.py (회원가입, login, 마이메뉴, profile), registration.py (아이디
찾기, e-mail confirmation, 약관), messages.py (쪽지, 차단), notifications.py (알림)."""

from .members import (
    LoginView,
    LogoutView,
    change_password,
    login_locked_out,
    login_username,
    marketing_consent,
    my_menu,
    my_points,
    profile,
    safe_next,
    signup,
    update_profile,
    withdraw,
)
from .registration import confirm_email, find_username, find_username_done, policy, resend_confirmation

__all__ = [
    "confirm_email",
    "find_username",
    "find_username_done",
    "policy",
    "resend_confirmation",
    "LoginView",
    "LogoutView",
    "change_password",
    "login_locked_out",
    "login_username",
    "marketing_consent",
    "my_menu",
    "my_points",
    "profile",
    "safe_next",
    "signup",
    "update_profile",
    "withdraw",
]
