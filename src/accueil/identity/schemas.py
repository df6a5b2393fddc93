"""Request and response schemas of the identity API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class LoginIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(max_length=254)
    password: str = Field(max_length=200)


class TokenOut(BaseModel):
    token: str
    token_type: str = "bearer"
    expires_at: datetime


class UserIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(max_length=254)
    full_name: str = Field(max_length=200)
    roles: list[str] = Field(min_length=1, max_length=7)
    organisations: list[str] = Field(default_factory=list, max_length=50)
    skills: list[str] = Field(default_factory=list, max_length=30)
    max_chats: int = Field(default=3, ge=1, le=20)
    password: str | None = Field(default=None, max_length=200)
    active: bool = True


class UserOut(BaseModel):
    id: int
    email: str
    full_name: str
    roles: list[str]
    organisations: list[str]
    skills: list[str]
    max_chats: int
    active: bool
    locked: bool


class MeOut(BaseModel):
    id: int
    email: str
    full_name: str
    roles: list[str]
    organisation_ids: list[int]
    national: bool


class AuditOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    at: datetime
    actor_label: str
    action: str
    object_type: str
    object_id: str
    summary: str
    details: dict[str, Any]
