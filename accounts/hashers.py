"""Password hashes of members brought over from Gnuboard5 (import_gnuboard).

Listed in PASSWORD_HASHERS after Django's own, so they only ever check a password: on a
member's first successful login Django sees a hasher other than the preferred one and
stores the password again with PBKDF2-SHA256 (`must_update`), as Gnuboard itself upgrades
old hashes on login. They never make a hash (`encode` exists for Django's interface and
for `safe_summary`, nothing else calls it).

The stored forms are Gnuboard's strings behind a Django algorithm prefix
(`to_django_password` makes them):

- `gnuboard_pbkdf2$<digest>$<iterations>$<salt>$<hash>` from `sha256:<iterations>:<salt>:<hash>`:
  PBKDF2-HMAC whose salt is the base64 text itself (its ASCII bytes, not decoded) and
  whose key length is that of the decoded hash (24 bytes by default).
- `mysql_password$*<40 hex>`: MySQL's PASSWORD(), `*` + hex of SHA1(SHA1(password)).
- `mysql_old_password$<16 hex>`: MySQL's OLD_PASSWORD() (MySQL 3.23's own hash).
"""

import base64
import binascii
import hashlib
import re

from django.contrib.auth.hashers import BasePasswordHasher, mask_hash
from django.utils.crypto import constant_time_compare

PBKDF2_DIGESTS = {"sha256", "sha1", "sha512"}
_GNUBOARD_PBKDF2 = re.compile(r"^(sha256|sha1|sha512):(\d{1,7}):([A-Za-z0-9+/=]{1,100}):([A-Za-z0-9+/=]{4,200})$")
_MYSQL_PASSWORD = re.compile(r"^\*[0-9A-Fa-f]{40}$")
_MYSQL_OLD_PASSWORD = re.compile(r"^[0-9A-Fa-f]{16}$")


def to_django_password(stored):
    """(Django's `password` value, kind) for a `mb_password`; kind is "pbkdf2", "mysql",
    "mysql_old", or "" when the form is unknown or empty (the value is then None: the
    member gets an unusable password and signs in again through 비밀번호 찾기)."""
    stored = (stored or "").strip()
    if match := _GNUBOARD_PBKDF2.match(stored):
        digest, iterations, salt, hashed = match.groups()
        if _decoded_length(hashed):
            return f"{GnuboardPBKDF2PasswordHasher.algorithm}${digest}${iterations}${salt}${hashed}", "pbkdf2"
    if _MYSQL_PASSWORD.match(stored):
        return f"{MySQLPasswordHasher.algorithm}${stored.upper()}", "mysql"
    if _MYSQL_OLD_PASSWORD.match(stored):
        return f"{MySQLOldPasswordHasher.algorithm}${stored.lower()}", "mysql_old"
    return None, ""


def _decoded_length(text):
    try:
        return len(base64.b64decode(text, validate=True))
    except (binascii.Error, ValueError):
        return 0


class GnuboardPBKDF2PasswordHasher(BasePasswordHasher):
    algorithm = "gnuboard_pbkdf2"

    def encode(self, password, salt, iterations=12000, digest="sha256", length=24):
        key = hashlib.pbkdf2_hmac(digest, password.encode(), salt.encode("ascii"), int(iterations), length)
        return f"{self.algorithm}${digest}${iterations}${salt}${base64.b64encode(key).decode()}"

    def decode(self, encoded):
        algorithm, digest, iterations, salt, hashed = encoded.split("$", 4)
        assert algorithm == self.algorithm
        return {"algorithm": algorithm, "digest": digest, "iterations": int(iterations), "salt": salt, "hash": hashed}

    def verify(self, password, encoded):
        try:
            parts = self.decode(encoded)
        except (ValueError, AssertionError):
            return False
        length = _decoded_length(parts["hash"])
        if parts["digest"] not in PBKDF2_DIGESTS or not length:
            return False
        again = self.encode(password, parts["salt"], parts["iterations"], parts["digest"], length)
        return constant_time_compare(encoded, again)

    def safe_summary(self, encoded):
        parts = self.decode(encoded)
        return {
            "algorithm": parts["algorithm"],
            "digest": parts["digest"],
            "iterations": parts["iterations"],
            "salt": mask_hash(parts["salt"]),
            "hash": mask_hash(parts["hash"]),
        }

    def must_update(self, encoded):
        return True

    def harden_runtime(self, password, encoded):
        pass


class MySQLPasswordHasher(BasePasswordHasher):
    """MySQL 4.1+ PASSWORD(): no salt, so worth replacing at the first chance."""

    algorithm = "mysql_password"

    def salt(self):
        return ""

    def encode(self, password, salt=""):
        inner = hashlib.sha1(password.encode()).digest()  # noqa: S324  (MySQL's format, only checked)
        return f"{self.algorithm}$*{hashlib.sha1(inner).hexdigest().upper()}"  # noqa: S324

    def decode(self, encoded):
        algorithm, hashed = encoded.split("$", 1)
        assert algorithm == self.algorithm
        return {"algorithm": algorithm, "hash": hashed, "salt": ""}

    def verify(self, password, encoded):
        return constant_time_compare(encoded.upper(), self.encode(password).upper())

    def safe_summary(self, encoded):
        return {"algorithm": self.algorithm, "hash": mask_hash(self.decode(encoded)["hash"], show=3)}

    def must_update(self, encoded):
        return True

    def harden_runtime(self, password, encoded):
        pass


def mysql_old_password(password):
    """MySQL 3.23's OLD_PASSWORD(): two 31-bit words over the UTF-8 bytes, spaces and tabs
    skipped (as MySQL's hash_password does)."""
    nr, add, nr2 = 1345345333, 7, 0x12345671
    for byte in password.encode():
        if byte in (0x20, 0x09):
            continue
        nr ^= ((((nr & 63) + add) * byte) + (nr << 8)) & 0xFFFFFFFF
        nr2 = (nr2 + (((nr2 << 8) & 0xFFFFFFFF) ^ nr)) & 0xFFFFFFFF
        add += byte
    return f"{nr & 0x7FFFFFFF:08x}{nr2 & 0x7FFFFFFF:08x}"


class MySQLOldPasswordHasher(MySQLPasswordHasher):
    algorithm = "mysql_old_password"

    def encode(self, password, salt=""):
        return f"{self.algorithm}${mysql_old_password(password)}"

    def verify(self, password, encoded):
        return constant_time_compare(encoded.lower(), self.encode(password).lower())
