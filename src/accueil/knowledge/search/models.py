"""ORM models of the search index (private: callers use accueil.knowledge.search).

The full-text table itself (`kb_search_fts`) is backend-specific and managed in SQL by `lexical.py`:
an FTS5 virtual table on SQLite, a table with a GIN-indexed tsvector on PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from accueil.core.clock import utcnow
from accueil.core.database import Base, JSONType, UTCDateTime


class SearchEntry(Base):
    """One searchable unit: an article, a suggested answer or a document chunk."""

    __tablename__ = "kb_search_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    title: Mapped[str] = mapped_column(String(500))
    text: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    publics: Mapped[str] = mapped_column(String(400), default="")  # " RG AE " ; "" = every public
    audiences: Mapped[str] = mapped_column(String(100), default="")  # " agent usager bot "
    intents: Mapped[list[str]] = mapped_column(JSONType, default=list)
    collection: Mapped[str | None] = mapped_column(String(60), nullable=True, index=True)
    meta: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    status: Mapped[str] = mapped_column(String(20), default="published")
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    revision: Mapped[str] = mapped_column(String(32))
    indexed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SearchVector(Base):
    """Dense vectors addressed by content, so an entry removed then re-added is not embedded again."""

    __tablename__ = "kb_search_vectors"

    content_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    model: Mapped[str] = mapped_column(String(60), primary_key=True)
    dim: Mapped[int] = mapped_column(Integer)
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SearchState(Base):
    """Change tokens ("index", "synonyms"): a process rebuilds its in-memory caches when a token moves."""

    __tablename__ = "kb_search_state"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    token: Mapped[str] = mapped_column(String(32))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SynonymGroup(Base):
    """Equivalent terms and acronyms, editable by rédacteurs."""

    __tablename__ = "kb_synonym_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    terms: Mapped[list[str]] = mapped_column(JSONType)
    note: Mapped[str] = mapped_column(String(300), default="")
    source: Mapped[str] = mapped_column(String(20), default="editor")  # seed | editor
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ContentGap(Base):
    """A query that found nothing (or nothing convincing), grouped by normalised text and filters."""

    __tablename__ = "kb_content_gaps"
    __table_args__ = (UniqueConstraint("query_norm", "filters_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    query_norm: Mapped[str] = mapped_column(String(300))
    filters_key: Mapped[str] = mapped_column(String(200), default="")
    query: Mapped[str] = mapped_column(String(500))
    filters: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    count: Mapped[int] = mapped_column(Integer, default=1)
    results: Mapped[int] = mapped_column(Integer, default=0)
    best_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)  # open | resolved
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
