"""The member behind a logged-in page, kept in the cache so that the page needs no query
for them.

Django's AuthenticationMiddleware reads the session's member from the database on every
request (accounts.backends.MemberBackend). A member's shared page is looked up with their
session in one cache round trip (board.pagecache.lookup_with_session); when the process
knows whose session it is, the same trip reads the member's row as kept here, and the
version of their row, which every write to it moves (invalidation.member_rows_changed: a
save, a queryset's update and a delete each move it, again at the commit).

A kept row is used only if it was kept under the version just read, and only once
Django's own checks of the session pass against it: the session names this member and a
backend that reads members from their row (ModelBackend, MemberBackend) and is still in
AUTHENTICATION_BACKENDS, the member may log in (is_active), and the session's hash
verifies with the current secret. Anything else (a hash made with a fallback secret, a
password changed elsewhere, a ban) goes down Django's path, which reads the row and logs
the session out where it must.
"""

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, load_backend
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.utils.crypto import constant_time_compare

from board import invalidation

ROW_SECONDS = 600


def row_written(sender, instance, **kwargs):
    """A member's row was saved or deleted (a signal connected in apps.py)."""
    invalidation.member_rows_changed([instance.pk])


def kept_row_keys(member_id):
    """What a page's lookup reads for the member: their kept row, and its version."""
    # ":1": a row pickled by code with other User fields is not read by this code.
    return f"member-row:1:{member_id}", invalidation.version_key(invalidation.member_row_version(member_id))


def use_kept_row(request, member_id, found):
    """Make the member kept in `found` (what the page's round trip read of kept_row_keys)
    the request's user, if it is current and the session is theirs; whether it did. Before
    anything has asked for request.user."""
    key, version_key = kept_row_keys(member_id)
    kept, version = found.get(key), found.get(version_key)
    if kept is None or version is None or kept[0] != version:
        return False
    user = vetted(request, kept[1])
    if user is None:
        return False
    request._cached_user = user  # what AuthenticationMiddleware's lazy user returns
    request.user_from_kept_row = True
    return True


def vetted(request, user):
    """`user` if django.contrib.auth.get_user would conclude the session is theirs with
    the current secret, else None."""
    session = request.session
    backend_path = session.get(BACKEND_SESSION_KEY)
    if str(session.get(SESSION_KEY)) != str(user.pk) or backend_path not in settings.AUTHENTICATION_BACKENDS:
        return None
    backend = load_backend(backend_path)
    if not isinstance(backend, ModelBackend) or not backend.user_can_authenticate(user):
        return None
    session_hash = session.get(HASH_SESSION_KEY)
    if not session_hash or not constant_time_compare(session_hash, user.get_session_auth_hash()):
        return None
    return user


def keep_row(request, found):
    """After Django read the member's row for this page: keep it under the version of the
    row that the page's lookup read (`found`) before it, so that a write committed in
    between leaves it unused. A version never set, or lost, is started here; if another
    process started it first, nothing is kept."""
    user = getattr(request, "_cached_user", None)
    if user is None or not user.is_authenticated or getattr(request, "user_from_kept_row", False):
        return
    key, version_key = kept_row_keys(user.pk)
    version = found.get(version_key)
    if version is None:
        version = invalidation.new_version()
        if not cache.add(version_key, version, timeout=None):
            return
    cache.set(key, (version, user), ROW_SECONDS)
