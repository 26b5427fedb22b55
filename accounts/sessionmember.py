"""The member behind a logged-in page, kept in the cache so that the page needs no query
for them.

Django's AuthenticationMiddleware reads the session's member from the database on every
request (accounts.backends.MemberBackend). A member's shared page is looked up with their
session in one cache round trip (board.pagecache.lookup_with_session); when the process
knows whose session it is, the same trip reads the member's row as kept here, and the
version of their row, which every write to it moves (invalidation.member_rows_changed: a
save, a queryset's update and a delete each move it, again at the commit).

A kept row is used only if it was kept under the tokens just read of its version and of
the version every page depends on ("all": a restore, an import, a recount), for
ROW_SECONDS at most (a version move a writer could not make shows within that), and only once
Django's own checks of the session pass against it: the session names this member and a
backend that reads members from their row (ModelBackend, MemberBackend) and is still in
AUTHENTICATION_BACKENDS, the member may log in (is_active), and the session's hash
verifies with the current secret. Anything else (a hash made with a fallback secret, a
password changed elsewhere, a ban) goes down Django's path, which reads the row and logs
the session out where it must.
"""

import functools
import hashlib

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, load_backend
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.cache import cache
from django.utils.crypto import constant_time_compare

from board import invalidation

from .models import User

# How long a kept row may be used at most: a write whose version move was lost (the
# writer's process could not reach the cache, a cache restored from a snapshot) shows
# within this time, as Django's path would show it at once.
ROW_SECONDS = 60


def row_written(sender, instance, **kwargs):
    """A member's row was saved or deleted (a signal connected in apps.py)."""
    invalidation.member_rows_changed([instance.pk])


@functools.cache
def _stamp():
    """Part of every kept row's key: rows kept by code with other User fields, or under
    another SECRET_KEY (whose session hashes Django would no longer accept), are not read."""
    fields = ",".join(field.attname for field in User._meta.concrete_fields)
    return hashlib.sha256(f"member-row:{settings.SECRET_KEY}:{fields}".encode()).hexdigest()[:12]


def kept_row_keys(member_id):
    """What a page's lookup reads for the member: their kept row, its version, and the
    version every page depends on ("all": a restore, an import or a recount moves it)."""
    return (
        f"member-row:{_stamp()}:{member_id}",
        invalidation.version_key(invalidation.member_row_version(member_id)),
        invalidation.version_key(invalidation.EVERYTHING),
    )


def use_kept_row(request, member_id, found):
    """Make the member kept in `found` (what the page's round trip read of kept_row_keys)
    the request's user, if it is current and the session is theirs; whether it did. Before
    anything has asked for request.user."""
    key, *version_keys = kept_row_keys(member_id)
    kept, versions = found.get(key), tuple(found.get(version_key) for version_key in version_keys)
    if kept is None or None in versions or kept[0] != versions:
        return False
    user = vetted(request, kept[2], kept[1])
    if user is None:
        return False
    request._cached_user = user  # what AuthenticationMiddleware's lazy user returns
    request.user_from_kept_row = True
    return True


def vetted(request, user, auth_hash):
    """`user` if django.contrib.auth.get_user would conclude the session is theirs with
    the current secret (`auth_hash`: the member's get_session_auth_hash() when the row was
    kept, which holds no password), else None."""
    session = request.session
    backend_path = session.get(BACKEND_SESSION_KEY)
    if str(session.get(SESSION_KEY)) != str(user.pk) or backend_path not in settings.AUTHENTICATION_BACKENDS:
        return None
    backend = load_backend(backend_path)
    if not isinstance(backend, ModelBackend) or not backend.user_can_authenticate(user):
        return None
    session_hash = session.get(HASH_SESSION_KEY)
    if not session_hash or not constant_time_compare(session_hash, auth_hash):
        return None
    return user


def keep_row(request, found):
    """After Django read the member's row for this page: keep it under the versions that
    the page's lookup read (`found`) before it, so that a write committed in between leaves
    it unused. A version never set, or lost, is started here and nothing is kept this time
    (on the file cache, an add is not atomic: a row read before a writer's commit could
    otherwise be kept under the version the writer had just set)."""
    user = getattr(request, "_cached_user", None)
    if user is None or not user.is_authenticated or getattr(request, "user_from_kept_row", False):
        return
    key, *version_keys = kept_row_keys(user.pk)
    versions = tuple(found.get(version_key) for version_key in version_keys)
    if None in versions:
        for version_key, version in zip(version_keys, versions, strict=True):
            if version is None:
                cache.add(version_key, invalidation.new_version(), timeout=None)
        return
    # Never a password hash in the cache: the session's hash is checked against the one
    # the row gives now, and the kept copy carries Django's unusable-password mark.
    auth_hash, password = user.get_session_auth_hash(), user.password
    user.password = UNUSABLE_PASSWORD_PREFIX
    try:
        cache.set(key, (versions, auth_hash, user), ROW_SECONDS)
    finally:
        user.password = password
