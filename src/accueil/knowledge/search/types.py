"""The search contract: what callers index and what a search returns (frozen dataclasses)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

KINDS: Final[frozenset[str]] = frozenset({"procedure", "faq", "guide", "actualite", "reponse_type", "document"})
AUDIENCES: Final[frozenset[str]] = frozenset({"agent", "usager", "bot"})
MODES: Final[frozenset[str]] = frozenset({"hybrid", "lexical", "dense"})


@dataclass(frozen=True, slots=True)
class IndexEntry:
    key: str  # unique: "article:<slug>", "answer:<slug>#<answer_id>", "chunk:<document_id>:<n>"
    kind: str  # procedure | faq | guide | actualite | reponse_type | document
    title: str
    text: str  # plain text to index (no markup)
    url: str | None = None
    publics: tuple[str, ...] = ()  # empty = every public
    audiences: tuple[str, ...] = ("agent", "usager", "bot")
    intents: tuple[str, ...] = ()
    collection: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SearchHit:
    key: str
    kind: str
    title: str
    score: float
    snippet_html: str  # escaped text with <mark>…</mark> around the matched terms
    url: str | None
    meta: dict[str, Any]
    intents: tuple[str, ...]
    publics: tuple[str, ...]
    collection: str | None = None


@dataclass(frozen=True)
class SearchResponse:
    query: str
    results: list[SearchHit]
    total: int
    took_ms: float
    weak: bool = False  # nothing convincing: logged as a content gap


@dataclass(frozen=True, slots=True)
class Filters:
    public: str | None = None
    audience: str | None = None
    kinds: frozenset[str] | None = None
    collection: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "public": self.public,
            "audience": self.audience,
            "kinds": sorted(self.kinds) if self.kinds else None,
            "collection": self.collection,
        }

    @property
    def key(self) -> str:
        return "|".join(
            [self.public or "", self.audience or "", ",".join(sorted(self.kinds or ())), self.collection or ""]
        )
