"""Password hashing (argon2) and opaque session tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_HASHER = PasswordHasher()
# A hash of a random password: verifying against it costs the same time as a real check,
# so an unknown e-mail cannot be told from a wrong password by timing.
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))

MIN_PASSWORD_LENGTH = 10


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def sign(secret: str, value: str) -> str:
    return hmac.new(secret.encode(), value.encode(), hashlib.sha256).hexdigest()[:32]


def make_csrf_cookie(secret: str) -> str:
    raw = secrets.token_urlsafe(24)
    return f"{raw}.{sign(secret, raw)}"


def is_valid_csrf_cookie(secret: str, value: str | None) -> bool:
    if not value or "." not in value:
        return False
    raw, mac = value.rsplit(".", 1)
    return hmac.compare_digest(mac, sign(secret, raw))
