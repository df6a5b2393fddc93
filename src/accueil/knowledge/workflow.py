"""The editorial workflow: draft -> in_review -> published -> archived, with separation of duties and audit.

A published version stays online while the next draft is written and reviewed; validating the new one
archives it. Every step is appended to the audit log; publication and archiving update the search index.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from accueil.core.clock import utcnow
from accueil.core.errors import Conflict, InvalidInput, InvalidTransition
from accueil.identity import audit
from accueil.identity.access import Actor
from accueil.knowledge import access, indexing
from accueil.knowledge.checks import validate_document
from accueil.knowledge.choices import STATUS_LABELS, VersionStatus, can_transition
from accueil.knowledge.models import Version
from accueil.knowledge.parameters import Parameters
from accueil.knowledge.service import (
    check_context,
    document_of,
    get_article,
    get_version,
    new_version,
    open_version,
    organisation_id,
    published_version,
    version_number,
)


def _move(version: Version, target: VersionStatus) -> None:
    if not can_transition(version.status, target):
        current = STATUS_LABELS[VersionStatus(version.status)]
        raise InvalidTransition(
            f"Transition impossible : la version {version.number} est « {current} »,"
            f" elle ne peut pas passer à « {STATUS_LABELS[target]} »."
        )
    version.status = target.value
    version.updated_at = utcnow()


def _record(session: Session, actor: Actor, action: str, version: Version, summary: str, **details: object) -> None:
    audit.record(
        session,
        actor=actor,
        action=action,
        object_type="kb_article",
        object_id=version.article.slug,
        summary=summary,
        details={"version": version.number, **details},
    )


def submit(session: Session, version_id: int, *, actor: Actor, parameters: Parameters) -> Version:
    """The author sends his draft to the valideurs. The content is checked again (parameters may have changed)."""
    version = get_version(session, version_id)
    access.require_writer(actor, version.article.owner_id)
    validate_document(version.content, check_context(session, parameters))
    _move(version, VersionStatus.IN_REVIEW)
    version.submitted_at = utcnow()
    _record(session, actor, "kb.version_submitted", version, f"v{version.number} soumise à validation")
    return version


def validate(session: Session, version_id: int, *, actor: Actor, parameters: Parameters, comment: str = "") -> Version:
    """Publish a version under review; the previously published one is archived. Never by its own author."""
    version = get_version(session, version_id)
    article = version.article
    access.require_validator(actor, article.owner_id, version.author_id, list(version.contributors or []))
    doc = validate_document(version.content, check_context(session, parameters))
    previous = published_version(article)
    _move(version, VersionStatus.PUBLISHED)
    now = utcnow()
    version.reviewed_by_id = actor.user_id or None
    version.reviewed_at = version.published_at = now
    version.review_comment = comment.strip()[:2000]
    if previous is not None and previous.id != version.id:
        _move(previous, VersionStatus.ARCHIVED)
        previous.archived_at = now
    article.kind = doc.kind.value
    article.owner_id = organisation_id(session, doc.owner)
    article.updated_at = now
    session.flush()
    indexing.index_document(session, doc, parameters=parameters)
    version.indexed_at = utcnow()
    _record(
        session,
        actor,
        "kb.version_published",
        version,
        f"v{version.number} validée et publiée",
        remplace=previous.number if previous else None,
    )
    return version


def send_back(session: Session, version_id: int, *, actor: Actor, comment: str) -> Version:
    """The valideur returns the version to its author with a comment; the published version stays online."""
    version = get_version(session, version_id)
    access.require_reviewer(actor, version.article.owner_id)
    if not comment.strip():
        raise InvalidInput(
            "Indiquez au rédacteur ce qu'il faut corriger.",
            details=[{"champ": "comment", "probleme": "commentaire obligatoire"}],
        )
    _move(version, VersionStatus.DRAFT)
    version.review_comment = comment.strip()[:2000]
    version.reviewed_by_id = actor.user_id or None
    version.reviewed_at = utcnow()
    _record(
        session,
        actor,
        "kb.version_sent_back",
        version,
        f"v{version.number} renvoyée au rédacteur",
        commentaire=comment.strip()[:500],
    )
    return version


def abandon(session: Session, version_id: int, *, actor: Actor) -> Version:
    """Drop a draft (kept in the history as archived)."""
    version = get_version(session, version_id)
    access.require_writer(actor, version.article.owner_id)
    if version.status != VersionStatus.DRAFT:
        raise InvalidTransition("Seul un brouillon peut être abandonné.")
    _move(version, VersionStatus.ARCHIVED)
    version.archived_at = utcnow()
    _record(session, actor, "kb.draft_abandoned", version, f"Brouillon v{version.number} abandonné")
    return version


def archive(session: Session, slug: str, *, actor: Actor, parameters: Parameters, reason: str = "") -> Version:
    """Take an article offline: its published version is archived and removed from search."""
    article = get_article(session, slug)
    access.require_reviewer(actor, article.owner_id)
    version = published_version(article)
    if version is None:
        raise InvalidTransition("Cet article n'a pas de version publiée à archiver.")
    _move(version, VersionStatus.ARCHIVED)
    version.archived_at = article.updated_at = utcnow()
    session.flush()
    indexing.unindex_article(session, slug, parameters=parameters)
    _record(session, actor, "kb.article_archived", version, f"Article archivé (v{version.number})", motif=reason[:500])
    return version


def restore(session: Session, slug: str, number: int, *, actor: Actor) -> Version:
    """Copy an old version into a new draft, which then follows the normal workflow."""
    article = get_article(session, slug)
    access.require_writer(actor, article.owner_id)
    source = version_number(article, number)
    current = open_version(article)
    if current is not None:
        raise Conflict(
            f"La version {current.number} est déjà en cours ({STATUS_LABELS[VersionStatus(current.status)]}) : "
            "terminez-la ou abandonnez-la avant de restaurer une ancienne version."
        )
    document_of(source)  # the stored content is still a valid document
    version = new_version(session, article, dict(source.content), actor=actor, restored_from=number)
    _record(session, actor, "kb.version_restored", version, f"v{number} restaurée en brouillon v{version.number}")
    return version
