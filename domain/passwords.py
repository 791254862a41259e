"""Passwords: the rules a new one must meet, and its Argon2 hash.

The password itself is never stored, logged or put in a command: the service
hashes it here and records only the hash (``Principal.PasswordSet``).
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from domain.errors import InvalidValue

MIN_LENGTH = 10
MAX_LENGTH = 128

_hasher = PasswordHasher()
# Verified against when a login is unknown, so that a wrong name takes as long as a
# wrong password and does not tell which names exist.
_DUMMY_HASH = _hasher.hash("not a password of anyone")


class WeakPassword(InvalidValue):
    code = "weak_password"


def check_new_password(password: str, login: str) -> None:
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"a password needs at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"a password has at most {MAX_LENGTH} characters")
    if password.strip().casefold() == login.strip().casefold():
        raise WeakPassword("a password may not be the login name")
    if len(set(password)) < 4:
        raise WeakPassword("a password needs more than three different characters")


def hash_new_password(password: str, login: str, salt: bytes | None = None) -> str:
    """The hash of an acceptable new password; WeakPassword otherwise.

    A form gives its own random salt so that sending it twice makes the same command
    (and its idempotency key answers the second time); otherwise the salt is fresh."""
    check_new_password(password, login)
    return _hasher.hash(password, salt=salt)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False
