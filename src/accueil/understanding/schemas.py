"""Request and response schemas of the understanding API."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field


class ParseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(max_length=100_000, description="Message de l'usager (coupé à 2 000 caractères).")
    public: str | None = Field(default=None, max_length=8, description="Code du public (filtre les intentions).")
    reference_date: date | None = Field(default=None, description="Jour de référence des dates relatives.")


class RankedIntent(BaseModel):
    intent: str
    confidence: float


class EntityOut(BaseModel):
    type: str
    value: str
    start: int
    end: int
    valid: bool


class ParseOut(BaseModel):
    text: str
    intent: str | None
    confidence: float
    ranking: list[RankedIntent]
    out_of_scope: bool
    oos_reason: str | None
    intents: list[str]
    entities: list[EntityOut]
    truncated: bool
    model_version: str


class MisunderstoodOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    text: str
    channel: str
    public_code: str | None
    reason: str
    conversation_id: int | None
    predicted_intent: str | None
    confidence: float | None
    status: str
    resolved_intent: str | None
    created_at: datetime


class AnnotationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    resolution: str = Field(max_length=20, description="annote | nouveau_besoin | hors_perimetre | ignore")
    intent: str | None = Field(default=None, max_length=80)


class ModelStatusOut(BaseModel):
    active_version: str | None
    loaded_version: str | None
    last_error: str | None
