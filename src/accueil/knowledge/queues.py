"""Editorial work lists: versions to validate, drafts in progress, articles whose review date is near."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from accueil.identity.access import Actor
from accueil.knowledge import access
from accueil.knowledge.choices import VersionStatus
from accueil.knowledge.models import Article, Version


@dataclass(frozen=True, slots=True)
class QueueItem:
    version: Version
    can_validate: bool  # False when the actor wrote or edited it (separation of duties)


def _in_scope(actor: Actor, versions: list[Version]) -> list[Version]:
    return [v for v in versions if actor.can_reach_organisation(v.article.owner_id)]


def review_queue(session: Session, actor: Actor) -> list[QueueItem]:
    """« À valider »: versions under review in the actor's scope, oldest submission first."""
    query = select(Version).where(Version.status == VersionStatus.IN_REVIEW.value).order_by(Version.submitted_at)
    return [
        QueueItem(v, access.can_validate(actor, v.article.owner_id, v.author_id, list(v.contributors or [])))
        for v in _in_scope(actor, list(session.scalars(query)))
    ]


def drafts(session: Session, actor: Actor, *, mine_only: bool = False) -> list[Version]:
    query = select(Version).where(Version.status == VersionStatus.DRAFT.value).order_by(Version.updated_at.desc())
    rows = _in_scope(actor, list(session.scalars(query)))
    if mine_only:
        rows = [v for v in rows if access.has_contributed(actor, v.author_id, list(v.contributors or []))]
    return rows


def expiring(session: Session, actor: Actor | None, *, days: int = 30, today: date | None = None) -> list[Version]:
    """« Expire bientôt »: published versions to review within `days` days (overdue ones included)."""
    today = today or date.today()
    limit = today + timedelta(days=max(0, days))
    query = (
        select(Version)
        .join(Article)
        .where(
            Version.status == VersionStatus.PUBLISHED.value, Version.review_by.is_not(None), Version.review_by <= limit
        )
        .order_by(Version.review_by, Article.slug)
    )
    rows = list(session.scalars(query))
    return _in_scope(actor, rows) if actor is not None else rows
