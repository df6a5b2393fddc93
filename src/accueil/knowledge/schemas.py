"""JSON in/out schemas of the knowledge API (the article document itself is `document.ArticleDocument`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from accueil.knowledge.choices import Channel


class VersionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    number: int
    status: str
    title: str
    review_by: date | None
    author_id: int | None
    reviewed_by_id: int | None
    note: str
    review_comment: str
    restored_from: int | None
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    published_at: datetime | None
    archived_at: datetime | None


class ArticleOut(BaseModel):
    slug: str
    kind: str
    owner: str
    title: str
    summary: str
    publics: list[str]
    audiences: list[str]
    intents: list[str]
    status: str  # status of the version shown
    version: int
    published_version: int | None
    open_version: int | None
    review_by: date | None
    url: str


class ArticleDetail(ArticleOut):
    version_detail: VersionOut
    content: dict[str, Any]


class CommentIn(BaseModel):
    comment: str = Field(default="", max_length=2000)


class ArchiveIn(BaseModel):
    reason: str = Field(default="", max_length=500)


class RenderIn(BaseModel):
    values: dict[str, str] = Field(default_factory=dict)
    channel: Channel | None = None
    version: int | None = None


class RenderOut(BaseModel):
    slug: str
    answer_id: str
    channels: dict[str, str]


class FeedbackIn(BaseModel):
    message: str = Field(max_length=4000)


class FeedbackOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    version_number: int | None
    author_label: str
    message: str
    status: str
    created_at: datetime
    resolved_at: datetime | None
    resolution: str


class ResolveIn(BaseModel):
    resolution: str = Field(default="", max_length=4000)


class ImportIn(BaseModel):
    text: str = Field(max_length=500_000)
    filename: str = Field(default="", max_length=200, description="« .md » pour du Markdown avec en-tête YAML")
    note: str = Field(default="", max_length=2000)


class DiffBlockOut(BaseModel):
    key: str
    label: str
    changed: bool
    unified: str


class DiffOut(BaseModel):
    slug: str
    from_version: int
    to_version: int
    blocks: list[DiffBlockOut]


class QueueItemOut(BaseModel):
    slug: str
    version_id: int
    number: int
    title: str
    submitted_at: datetime | None
    can_validate: bool


class ProposeIn(BaseModel):
    text: str = Field(default="", max_length=200_000)
    document_id: str | None = Field(default=None, max_length=200)


class SimilarOut(BaseModel):
    key: str
    title: str
    score: float
    url: str | None


class ProposalOut(BaseModel):
    document: dict[str, Any]
    publics_found: dict[str, list[str]]
    intents_found: list[dict[str, Any]]
    notes: list[str]
    duplicates: list[SimilarOut]
