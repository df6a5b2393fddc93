"""« Signaler une erreur » : readers report a problem in an article; rédacteurs list and resolve reports."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from accueil.core.clock import utcnow
from accueil.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from accueil.identity import audit
from accueil.identity.access import Actor
from accueil.identity.choices import Role
from accueil.knowledge import access
from accueil.knowledge.choices import FeedbackStatus
from accueil.knowledge.models import Feedback
from accueil.knowledge.service import get_article, published_version

MAX_MESSAGE = 4000


def report_error(session: Session, slug: str, *, message: str, actor: Actor) -> Feedback:
    if not actor.has_role(*access.READER_ROLES):
        raise Forbidden()
    text = (message or "").strip()
    if len(text) < 5:
        raise InvalidInput(
            "Décrivez l'erreur constatée (5 caractères au moins).",
            details=[{"champ": "message", "probleme": "texte trop court"}],
        )
    if len(text) > MAX_MESSAGE:
        raise InvalidInput(f"Message trop long ({MAX_MESSAGE} caractères au plus).")
    article = get_article(session, slug)
    version = published_version(article)
    feedback = Feedback(
        article_id=article.id,
        version_number=version.number if version else None,
        author_id=actor.user_id or None,
        author_label=actor.label,
        message=text,
        status=FeedbackStatus.OPEN.value,
    )
    session.add(feedback)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="kb.feedback_reported",
        object_type="kb_article",
        object_id=slug,
        summary=f"Erreur signalée sur « {slug} »",
        details={"feedback": feedback.id},
    )
    return feedback


def list_feedback(
    session: Session, actor: Actor, *, status: str | None = FeedbackStatus.OPEN.value
) -> Sequence[Feedback]:
    """Reports on the articles of the actor's scope (rédacteurs and valideurs)."""
    if not access.can_read_drafts(actor):
        raise Forbidden("Les signalements sont réservés aux rédacteurs et valideurs.")
    query = select(Feedback).order_by(Feedback.created_at.desc())
    if status:
        query = query.where(Feedback.status == status)
    return [f for f in session.scalars(query) if actor.can_reach_organisation(f.article.owner_id)]


def resolve_feedback(session: Session, feedback_id: int, *, actor: Actor, resolution: str = "") -> Feedback:
    feedback = session.get(Feedback, feedback_id)
    if feedback is None or not actor.can_reach_organisation(feedback.article.owner_id):
        raise NotFound("signalement")
    if not actor.has_role(Role.REDACTEUR, Role.VALIDEUR):
        raise Forbidden()
    if feedback.status == FeedbackStatus.RESOLVED:
        raise Conflict("Ce signalement est déjà traité.")
    feedback.status = FeedbackStatus.RESOLVED.value
    feedback.resolved_by_id = actor.user_id or None
    feedback.resolved_at = utcnow()
    feedback.resolution = resolution.strip()[:MAX_MESSAGE]
    audit.record(
        session,
        actor=actor,
        action="kb.feedback_resolved",
        object_type="kb_article",
        object_id=feedback.article.slug,
        summary="Signalement traité",
        details={"feedback": feedback.id},
    )
    return feedback
