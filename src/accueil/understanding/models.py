"""ORM models of the learning loop (private: use accueil.understanding.service)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from accueil.core.clock import utcnow
from accueil.core.database import Base, JSONType, UTCDateTime


class MisunderstoodUtterance(Base):
    """A message the bots did not understand, waiting for a formateur (text stored with NIR/IBAN masked)."""

    __tablename__ = "nlu_misunderstood"
    __table_args__ = (Index("ix_nlu_misunderstood_status_created", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(String(16))
    public_code: Mapped[str | None] = mapped_column(String(8), nullable=True)
    reason: Mapped[str] = mapped_column(String(20))
    conversation_id: Mapped[int | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="SET NULL"), nullable=True, index=True
    )
    predicted_intent: Mapped[str | None] = mapped_column(String(80), nullable=True)
    confidence: Mapped[float | None] = mapped_column(Float, nullable=True)
    nlu: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="a_traiter")
    resolved_intent: Mapped[str | None] = mapped_column(String(80), nullable=True)
    annotated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    annotated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TrainingExample(Base):
    """An example added by a formateur; merged with the packaged YAML at training time."""

    __tablename__ = "nlu_training_examples"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    text_key: Mapped[str] = mapped_column(String(40), unique=True)  # SHA-1 of the canonical text
    intent: Mapped[str] = mapped_column(String(80), index=True)
    source: Mapped[str] = mapped_column(String(16), default="inbox")
    misunderstood_id: Mapped[int | None] = mapped_column(
        ForeignKey("nlu_misunderstood.id", ondelete="SET NULL"), nullable=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ModelVersion(Base):
    """One trained model (its files live under the models folder), its evaluation and its fate."""

    __tablename__ = "nlu_model_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(40), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="candidat", index=True)
    source: Mapped[str] = mapped_column(String(16))
    sha256: Mapped[str] = mapped_column(String(64))
    examples: Mapped[int] = mapped_column(Integer)
    accuracy: Mapped[float] = mapped_column(Float)
    macro_f1: Mapped[float] = mapped_column(Float)
    oos_recall: Mapped[float | None] = mapped_column(Float, nullable=True)
    ece: Mapped[float] = mapped_column(Float)
    metrics: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    baseline_version: Mapped[str | None] = mapped_column(String(40), nullable=True)
    baseline_metrics: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    activated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
