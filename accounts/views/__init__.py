"""Member pages by area: members.py (회원가입, login, 마이메뉴, profile), messages.py (쪽지,
차단), notifications.py (알림)."""

from .members import (
    LoginView,
    LogoutView,
    change_password,
    login_locked_out,
    login_username,
    my_menu,
    my_points,
    profile,
    safe_next,
    signup,
    update_profile,
    withdraw,
)

__all__ = [
    "LoginView",
    "LogoutView",
    "change_password",
    "login_locked_out",
    "login_username",
    "my_menu",
    "my_points",
    "profile",
    "safe_next",
    "signup",
    "update_profile",
    "withdraw",
]
