"""ORM models of the referential (private: use accueil.referential.service)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accueil.core.clock import utcnow
from accueil.core.database import Base, UTCDateTime


class Public(Base):
    __tablename__ = "publics"

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    group_code: Mapped[str] = mapped_column(String(8))
    group_name: Mapped[str] = mapped_column(String(100))
    centre_code: Mapped[str | None] = mapped_column(String(20), nullable=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    city: Mapped[str | None] = mapped_column(String(100), nullable=True)
    parent_code: Mapped[str | None] = mapped_column(String(20), nullable=True)
    active: Mapped[bool] = mapped_column(default=True)


class Component(Base):
    __tablename__ = "components"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(Integer, default=0)


class Deployment(Base):
    __tablename__ = "deployments"
    __table_args__ = (UniqueConstraint("component_code", "public_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    component_code: Mapped[str] = mapped_column(ForeignKey("components.code"))
    public_code: Mapped[str] = mapped_column(ForeignKey("publics.code"))
    status: Mapped[str] = mapped_column(String(20))
    planned_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    live_since: Mapped[date | None] = mapped_column(Date, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    component: Mapped[Component] = relationship(lazy="select")
    public: Mapped[Public] = relationship(lazy="select")
