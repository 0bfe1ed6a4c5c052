"""What a password must be, and the one-time passwords an administrator hands out."""
import secrets
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError

from engine.errors import FieldError

MIN_LENGTH = 10
MAX_LENGTH = 200
# Below this nothing is ever stored, not even for demo or test accounts.
FLOOR = 8
_COMMON = Path(__file__).parent / "data" / "common-passwords.txt"
# No 0/o, 1/l/i: a one-time password is read aloud or copied from a screen.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"

_HASHER = PasswordHasher()
# Verified against when the username is unknown, so both cases cost the same time.
_DUMMY_HASH = _HASHER.hash("not a password")


def hash_password(password):
    return _HASHER.hash(password)


def verify(stored_hash, password):
    """Does `password` match `stored_hash` (None: an unknown account, checked at the same cost)?"""
    try:
        _HASHER.verify(stored_hash or _DUMMY_HASH, password)
    except (VerifyMismatchError, InvalidHashError):
        return False
    return stored_hash is not None


def needs_rehash(stored_hash):
    return _HASHER.check_needs_rehash(stored_hash)


def problems(password, username):
    """FieldErrors (field `password`) for a password a person chooses; [] when it is acceptable.

    At least MIN_LENGTH characters (at most MAX_LENGTH), not in the list of common
    passwords (whatever the case), not containing the username.
    """
    if len(password) < MIN_LENGTH:
        return [FieldError("password", "too_short", {"min": MIN_LENGTH})]
    if len(password) > MAX_LENGTH:
        return [FieldError("password", "too_long", {"max": MAX_LENGTH})]
    if password.lower() in common_passwords():
        return [FieldError("password", "common")]
    if username and len(username) >= 3 and username.lower() in password.lower():
        return [FieldError("password", "contains_username")]
    return []


@cache
def common_passwords():
    lines = _COMMON.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def one_time_password():
    """A random password to give a person once: 3 groups of 4 letters or digits (about 59 bits)."""
    return "-".join("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(3))
