"""Tokens: the usager's conversation token is the chatbot's (accueil.assistant.tokens), so the widget keeps
one token from the bot to the agent; account tokens (for the usager's online space) are HMAC-SHA256 of
(account reference, expiry) with the secret key and their own purpose, so neither can stand for the other."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime, timedelta

from accueil.assistant import tokens as chat_tokens
from accueil.core.clock import utcnow
from accueil.core.errors import Unauthenticated

ACCOUNT_PURPOSE = b"accueil-archive-compte/1"
USAGER_TOKEN_HOURS = 12


def usager_token(secret: str, conversation_public_id: str, *, hours: int = USAGER_TOKEN_HOURS) -> str:
    return chat_tokens.issue(secret, conversation_public_id, hours=hours)[0]


def read_usager_token(secret: str, token: str | None) -> str:
    """The conversation public id, or Unauthenticated (French message)."""
    return chat_tokens.verify(secret, token)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(secret: str, body: bytes) -> bytes:
    return hmac.new(secret.encode("utf-8"), ACCOUNT_PURPOSE + b"|" + body, hashlib.sha256).digest()


def account_token(secret: str, account: str, *, hours: int = 1, now: datetime | None = None) -> str:
    """What the usager's online space signs to let its user list their archived conversations."""
    expires = int(((now or utcnow()) + timedelta(hours=hours)).timestamp())
    body = f"{account}|{expires}".encode()
    return f"{_b64(body)}.{_b64(_signature(secret, body))}"


def read_account_token(secret: str, token: str | None, *, now: datetime | None = None) -> str:
    invalid = Unauthenticated("Jeton d'accès aux archives absent, invalide ou expiré.")
    if not token or token.count(".") != 1 or len(token) > 600:
        raise invalid
    body_part, signature_part = token.split(".")
    try:
        body, signature = _unb64(body_part), _unb64(signature_part)
        account, expires = body.decode("utf-8").rsplit("|", 1)
        expiry = int(expires)
    except (ValueError, UnicodeDecodeError):
        raise invalid from None
    if not hmac.compare_digest(signature, _signature(secret, body)) or expiry < int((now or utcnow()).timestamp()):
        raise invalid
    return account
