"""Members brought over from Gnuboard5 sign in with their old password hashes; the expected
hashes are made here with hashlib (and published MySQL vectors), not with the hashers."""

import base64
import hashlib

import pytest
from django.contrib.auth.hashers import check_password, get_hasher, identify_hasher

import config.settings as project_settings
from accounts.hashers import mysql_old_password, to_django_password


@pytest.fixture
def project_hashers(settings):
    """The hashers of config/settings.py (the tests otherwise use MD5 for speed)."""
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    return settings.PASSWORD_HASHERS


def gnuboard_hash(password, salt, iterations=12000, length=24, digest="sha256"):
    key = hashlib.pbkdf2_hmac(digest, password.encode("utf-8"), salt.encode("ascii"), iterations, length)
    return f"{digest}:{iterations}:{salt}:{base64.b64encode(key).decode()}"


def test_django_hashers_come_first_and_gnuboard_ones_after():
    hashers = project_settings.PASSWORD_HASHERS
    assert hashers[0] == "django.contrib.auth.hashers.PBKDF2PasswordHasher"
    ours = [
        "accounts.hashers.GnuboardPBKDF2PasswordHasher",
        "accounts.hashers.MySQLPasswordHasher",
        "accounts.hashers.MySQLOldPasswordHasher",
    ]
    assert hashers[-3:] == ours


@pytest.mark.parametrize("password", ["gnuboard-pass-1", "한글 비밀번호!", "pässwörd ☃"])
def test_gnuboard_pbkdf2_hash_checks_the_password(project_hashers, password):
    # The salt is a base64 string used as it is (its ASCII bytes), never decoded.
    stored = gnuboard_hash(password, "q3Nw0Zl+Y2x/b8kQb0x1wVn0eJq3dM8a")
    encoded, kind = to_django_password(stored)
    assert kind == "pbkdf2"
    assert check_password(password, encoded)
    assert not check_password(password + "x", encoded)
    assert not check_password(password[:-1], encoded)


def test_gnuboard_pbkdf2_reads_digest_iterations_and_key_length_from_the_hash(project_hashers):
    for digest, iterations, length in [("sha256", 1000, 32), ("sha1", 12000, 24), ("sha512", 2000, 64)]:
        encoded, _ = to_django_password(gnuboard_hash("비밀", "c2FsdA==", iterations, length, digest))
        assert check_password("비밀", encoded)
        assert not check_password("비밀번호", encoded)


@pytest.mark.parametrize("password", ["password", "옛날 비밀번호", "with spaces\tand tab"])
def test_mysql_password_hash_checks_the_password(project_hashers, password):
    inner = hashlib.sha1(password.encode()).digest()  # noqa: S324  (MySQL's PASSWORD(), as it is)
    stored = "*" + hashlib.sha1(inner).hexdigest().upper()  # noqa: S324
    encoded, kind = to_django_password(stored)
    assert kind == "mysql"
    assert check_password(password, encoded)
    assert not check_password(password + "!", encoded)


def test_mysql_password_matches_the_published_value(project_hashers):
    encoded, _ = to_django_password("*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19")  # PASSWORD('password')
    assert check_password("password", encoded)


def test_mysql_old_password_matches_published_values(project_hashers):
    # OLD_PASSWORD('password') as MySQL's manual and countless dumps show it; the
    # algorithm skips spaces and tabs.
    assert mysql_old_password("password") == "5d2e19393cc5ef67"
    encoded, kind = to_django_password("5d2e19393cc5ef67")
    assert kind == "mysql_old"
    assert check_password("password", encoded)
    assert check_password("pass word", encoded)
    assert not check_password("Password", encoded)


@pytest.mark.parametrize(
    "stored", ["", "5f4dcc3b5aa765d61d8327deb882cf99", "sha256:12000:salt", "md5:1:a:b", "*XYZ", "sha256:x:s:aGFzaA=="]
)
def test_unknown_forms_give_no_password(stored):
    assert to_django_password(stored) == (None, "")


def test_an_old_hash_is_replaced_at_the_first_check(project_hashers):
    encoded, _ = to_django_password(gnuboard_hash("새 사이트", "c2FsdHNhbHQ="))
    replaced = []
    assert check_password("새 사이트", encoded, setter=replaced.append)
    assert replaced == ["새 사이트"]
    assert not check_password("틀림", encoded, setter=replaced.append)
    assert replaced == ["새 사이트"]


def test_admin_can_summarise_every_form(project_hashers):
    for stored in [gnuboard_hash("a", "c2FsdA=="), "*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19", "5d2e19393cc5ef67"]:
        encoded, _ = to_django_password(stored)
        summary = identify_hasher(encoded).safe_summary(encoded)
        assert summary["algorithm"] == encoded.split("$", 1)[0]
        assert stored[-10:] not in str(summary)
    assert get_hasher("gnuboard_pbkdf2").must_update("anything")
