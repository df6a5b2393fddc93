"""Response schemas of the conversations API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class MessageOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    author_kind: str
    text: str
    payload: dict[str, Any]
    created_at: datetime


class ConversationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    channel: str
    status: str
    public_code: str | None
    organisation_id: int | None
    assigned_agent_id: int | None
    current_intent: str | None
    summary: dict[str, Any]
    created_at: datetime
    updated_at: datetime


class ConversationDetail(ConversationOut):
    messages: list[MessageOut]
