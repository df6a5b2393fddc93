"""Signed usager tokens for the chat API: HMAC-SHA256 of (conversation, expiry) with the secret key.

A token proves that its bearer started that conversation; it carries no personal data. Forged, altered,
expired or foreign tokens raise Unauthenticated with a French message (401).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime, timedelta

from accueil.core.clock import utcnow
from accueil.core.errors import Unauthenticated

PURPOSE = b"accueil-chat-usager/1"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(secret: str, body: bytes) -> bytes:
    return hmac.new(secret.encode("utf-8"), PURPOSE + b"|" + body, hashlib.sha256).digest()


def issue(secret: str, conversation_public_id: str, *, hours: int, now: datetime | None = None) -> tuple[str, datetime]:
    expires = (now or utcnow()) + timedelta(hours=hours)
    body = f"{conversation_public_id}|{int(expires.timestamp())}".encode()
    return f"{_b64(body)}.{_b64(_signature(secret, body))}", expires


def verify(secret: str, token: str | None, *, now: datetime | None = None) -> str:
    """The conversation public id the token grants, or Unauthenticated."""
    if not token or token.count(".") != 1 or len(token) > 400:
        raise Unauthenticated("Session de conversation absente ou invalide : recommencez la conversation.")
    body_part, signature_part = token.split(".")
    try:
        body, signature = _unb64(body_part), _unb64(signature_part)
        conversation_id, expires_raw = body.decode("utf-8").rsplit("|", 1)
        expires = int(expires_raw)
    except (ValueError, UnicodeDecodeError):
        raise Unauthenticated("Session de conversation invalide : recommencez la conversation.") from None
    if not hmac.compare_digest(signature, _signature(secret, body)):
        raise Unauthenticated("Session de conversation invalide : recommencez la conversation.")
    if expires < int((now or utcnow()).timestamp()):
        raise Unauthenticated("Session de conversation expirée : recommencez la conversation.")
    return conversation_id


def account_signature(secret: str, account_ref: str) -> str:
    """What a host site that authenticated its user signs, so the bot trusts the account reference."""
    return _b64(hmac.new(secret.encode("utf-8"), b"accueil-compte/1|" + account_ref.encode("utf-8"),
                         hashlib.sha256).digest())


def is_verified_account(secret: str, account_ref: str | None, signature: str | None) -> bool:
    if not account_ref or not signature:
        return False
    return hmac.compare_digest(account_signature(secret, account_ref), signature)
