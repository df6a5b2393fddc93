"""Enumerations of the conversation model."""

from __future__ import annotations

from enum import StrEnum


class Channel(StrEnum):
    CHAT = "chat"
    VOICE = "voice"
    EMAIL = "email"
    LIVECHAT = "livechat"


class Status(StrEnum):
    BOT = "bot"
    QUEUED = "queued"
    ASSIGNED = "assigned"
    CLOSED = "closed"


class AuthorKind(StrEnum):
    USAGER = "usager"
    BOT = "bot"
    AGENT = "agent"
    SYSTEM = "system"
