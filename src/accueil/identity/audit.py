"""Append-only audit log: who changed what, and when."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accueil.core.clock import as_utc
from accueil.core.pii import mask_pii
from accueil.identity.access import Actor
from accueil.identity.models import AuditEntry


def record(
    session: Session,
    *,
    actor: Actor | None,
    action: str,
    object_type: str,
    object_id: str | int,
    summary: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry. `action` is a dotted verb such as `user.created` or `kb.version_published`."""
    entry = AuditEntry(
        actor_id=actor.user_id if actor and actor.user_id else None,
        actor_label=actor.label if actor else "systeme",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        summary=mask_pii(summary),
        details=details or {},
    )
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True, slots=True)
class AuditFilter:
    action: str | None = None
    object_type: str | None = None
    actor: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def list_entries(
    session: Session, flt: AuditFilter, *, limit: int = 100, offset: int = 0
) -> tuple[Sequence[AuditEntry], int]:
    query = select(AuditEntry)
    if flt.action:
        query = query.where(AuditEntry.action.startswith(flt.action))
    if flt.object_type:
        query = query.where(AuditEntry.object_type == flt.object_type)
    if flt.actor:
        query = query.where(AuditEntry.actor_label.contains(flt.actor))
    if flt.since:
        query = query.where(AuditEntry.at >= as_utc(flt.since))
    if flt.until:
        query = query.where(AuditEntry.at <= as_utc(flt.until))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(AuditEntry.id.desc()).limit(limit).offset(offset)).all()
    return rows, total


def distinct_actions(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)))
