"""Request bodies of the live-chat API (responses are plain JSON documents described in docs/subsystems)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StartIn(_In):
    public: str = Field(min_length=1, max_length=8)
    skill: str = Field(default="accueil_orientation", max_length=40)
    organisation: str | None = Field(default=None, max_length=20)
    text: str = Field(min_length=1, max_length=2000)
    account: str | None = Field(default=None, max_length=100)
    account_signature: str | None = Field(default=None, max_length=100)


class MessageIn(_In):
    text: str = Field(min_length=1, max_length=5000)
    client_id: str = Field(default="", max_length=64)


class RatingIn(_In):
    value: int = Field(ge=1, le=5)
    comment: str = Field(default="", max_length=1000)


class LeaveMessageIn(_In):
    text: str = Field(min_length=1, max_length=5000)
    email: str = Field(min_length=3, max_length=254)


class PresenceIn(_In):
    presence: str = Field(max_length=12)


class NoteIn(_In):
    text: str = Field(min_length=1, max_length=5000)


class TransferIn(_In):
    agent_id: int | None = None
    skill: str | None = Field(default=None, max_length=40)
    organisation: str | None = Field(default=None, max_length=20)
    note: str = Field(default="", max_length=2000)


class CloseIn(_In):
    motif: str = Field(max_length=40)
    resolved: bool
    comment: str = Field(default="", max_length=2000)


class AnswerIn(_In):
    slug: str = Field(max_length=200)
    answer_id: str = Field(max_length=80)


class ReassignIn(_In):
    agent_id: int | None = None
