"""ORM models of routing (private: use accueil.routing): queue entries and agent states."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from accueil.core.clock import utcnow
from accueil.core.database import Base, UTCDateTime


class QueueEntry(Base):
    """One stay of a conversation in a queue (organisation × skill), then its handling by an agent."""

    __tablename__ = "routing_queue_entries"
    __table_args__ = (
        Index("ix_routing_entries_queue", "organisation_id", "skill", "state"),
        Index("ix_routing_entries_agent", "agent_id", "state"),
        Index("ix_routing_entries_skill_ended", "skill", "ended_at"),
        Index(
            "uq_routing_entries_one_open",
            "conversation_id",
            unique=True,
            sqlite_where=text("state IN ('waiting', 'taken')"),
            postgresql_where=text("state IN ('waiting', 'taken')"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    home_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    skill: Mapped[str] = mapped_column(String(40))
    priority: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[str] = mapped_column(String(12), default="waiting")
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    queued_since: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # order in the queue
    offered_agent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    offered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    overflowed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    usager_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reason: Mapped[str] = mapped_column(String(40), default="")


class AgentState(Base):
    """Presence of an agent and when they last became idle (the longest idle is offered first)."""

    __tablename__ = "routing_agent_states"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    presence: Mapped[str] = mapped_column(String(12), default="hors_ligne")
    presence_since: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    idle_since: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
