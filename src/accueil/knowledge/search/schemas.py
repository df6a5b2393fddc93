"""JSON shapes of the search API (kept apart from the service's dataclasses)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from accueil.knowledge.search.types import SearchHit, SearchResponse


class HitOut(BaseModel):
    key: str
    kind: str
    title: str
    score: float
    snippet_html: str = Field(description="Extrait échappé, termes trouvés entre <mark> et </mark>")
    url: str | None
    collection: str | None
    publics: list[str]
    intents: list[str]
    meta: dict[str, Any]

    @classmethod
    def of(cls, hit: SearchHit) -> HitOut:
        return cls(
            key=hit.key,
            kind=hit.kind,
            title=hit.title,
            score=hit.score,
            snippet_html=hit.snippet_html,
            url=hit.url,
            collection=hit.collection,
            publics=list(hit.publics),
            intents=list(hit.intents),
            meta=hit.meta,
        )


class SearchOut(BaseModel):
    query: str
    total: int
    took_ms: float
    weak: bool = Field(description="Aucun résultat convaincant : la recherche est notée comme lacune")
    results: list[HitOut]

    @classmethod
    def of(cls, response: SearchResponse) -> SearchOut:
        return cls(
            query=response.query,
            total=response.total,
            took_ms=response.took_ms,
            weak=response.weak,
            results=[HitOut.of(h) for h in response.results],
        )


class SynonymGroupIn(BaseModel):
    terms: list[str] = Field(min_length=2, max_length=30, description="Termes équivalents (sigles compris)")
    note: str = Field(default="", max_length=300)


class SynonymGroupOut(BaseModel):
    id: int
    terms: list[str]
    note: str
    source: str
    updated_at: datetime


class GapOut(BaseModel):
    id: int
    query: str
    filters: dict[str, Any]
    count: int
    results: int
    best_score: float | None
    status: str
    first_seen: datetime
    last_seen: datetime


class GapPage(BaseModel):
    total: int
    items: list[GapOut]


class GapStatusIn(BaseModel):
    status: str = Field(pattern="^(open|resolved)$")
