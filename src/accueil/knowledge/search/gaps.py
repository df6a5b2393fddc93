"""Content gaps: searches that found nothing convincing, grouped by normalised query and filters.

Personal identifiers are masked before anything is stored. Rédacteurs see the list on /kb/lacunes and mark
a gap resolved once an article answers it; the same query coming back reopens it.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from accueil.core.clock import utcnow
from accueil.core.errors import InvalidInput, NotFound
from accueil.core.pii import mask_pii
from accueil.identity import audit
from accueil.identity.access import Actor
from accueil.knowledge.search.analysis import normalise_query
from accueil.knowledge.search.models import ContentGap
from accueil.knowledge.search.types import Filters

STATUSES = ("open", "resolved")


def log_gap(session: Session, query: str, filters: Filters, *, results: int, best_score: float | None) -> ContentGap:
    masked = mask_pii(query, emails=True)[:500]
    norm = normalise_query(masked) or masked[:300]
    where = (ContentGap.query_norm == norm, ContentGap.filters_key == filters.key[:200])
    gap = session.scalar(select(ContentGap).where(*where))
    if gap is None:
        try:
            with session.begin_nested():
                gap = ContentGap(
                    query_norm=norm,
                    filters_key=filters.key[:200],
                    query=masked,
                    filters=filters.as_dict(),
                    count=0,
                    results=results,
                    best_score=best_score,
                    first_seen=utcnow(),
                )
                session.add(gap)
        except IntegrityError:  # another request logged the same gap first
            gap = session.scalar(select(ContentGap).where(*where))
            assert gap is not None
    gap.count += 1
    gap.query, gap.results, gap.best_score = masked, results, best_score
    gap.last_seen = utcnow()
    gap.status = "open"
    session.flush()
    return gap


def list_gaps(
    session: Session, *, status: str | None = "open", limit: int = 100, offset: int = 0
) -> tuple[Sequence[ContentGap], int]:
    query = select(ContentGap)
    if status:
        if status not in STATUSES:
            raise InvalidInput("Statut inconnu : « open » ou « resolved ».")
        query = query.where(ContentGap.status == status)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(ContentGap.count.desc(), ContentGap.last_seen.desc(), ContentGap.id).limit(limit).offset(offset)
    ).all()
    return rows, total


def set_gap_status(session: Session, gap_id: int, *, status: str, actor: Actor) -> ContentGap:
    if status not in STATUSES:
        raise InvalidInput("Statut inconnu : « open » ou « resolved ».")
    gap = session.get(ContentGap, gap_id)
    if gap is None:
        raise NotFound("lacune")
    gap.status = status
    session.flush()
    audit.record(
        session, actor=actor, action=f"kb.gap_{status}", object_type="content_gap", object_id=gap.id, summary=gap.query
    )
    return gap
