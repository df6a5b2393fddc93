"""ORM models of the live chat (private: use accueil.livechat.service): internal notes, archive index."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from accueil.core.clock import utcnow
from accueil.core.database import Base, UTCDateTime


class Note(Base):
    """An internal note on a conversation: staff only, never sent to the usager (kept out of `messages`)."""

    __tablename__ = "livechat_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ArchiveRecord(Base):
    """Where the archived transcript of a closed conversation lives, whose it is, and until when."""

    __tablename__ = "livechat_archives"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="SET NULL"), nullable=True, index=True
    )
    public_id: Mapped[str] = mapped_column(String(40), unique=True)
    usager_ref: Mapped[str | None] = mapped_column(String(100), nullable=True, index=True)
    organisation_id: Mapped[int | None] = mapped_column(nullable=True)
    key: Mapped[str] = mapped_column(String(200))
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    archived_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    purge_after: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
