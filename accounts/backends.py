"""How a request finds its member: Django's ModelBackend with a cheaper lookup."""

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from .models import User


class MemberBackend(ModelBackend):
    """Django's ModelBackend, looking the session's member up with SQL compiled once
    (User.objects.for_session) rather than through the ORM on every request.

    Sessions made before this backend name django.contrib.auth.backends.ModelBackend,
    which stays in AUTHENTICATION_BACKENDS after this one so that they stay logged in.
    A login this backend refuses stops there (PermissionDenied: Django then reports the
    failure as for any backend), so a wrong password is never checked a second time by
    the ModelBackend behind it."""

    def get_user(self, user_id):
        user = User.objects.for_session(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            raise PermissionDenied
        return user
