"""Knowledge-base service: reading articles, creating and editing drafts, rendering suggested answers.

The editorial transitions (submit, validate, send back, archive, restore) are in `workflow.py`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from accueil.core.clock import utcnow
from accueil.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from accueil.identity import audit
from accueil.identity.access import Actor
from accueil.knowledge import access
from accueil.knowledge.answers import fill_answer
from accueil.knowledge.checks import CheckContext, owner_code, validate_document
from accueil.knowledge.choices import ALL_PUBLICS, Channel, VersionStatus
from accueil.knowledge.document import ArticleDocument
from accueil.knowledge.models import Article, Version
from accueil.knowledge.parameters import Parameters
from accueil.referential.models import Organisation
from accueil.referential.taxonomy import load_taxonomy

OPEN_STATUSES = (VersionStatus.DRAFT, VersionStatus.IN_REVIEW)


def check_context(session: Session, parameters: Parameters) -> CheckContext:
    taxonomy = load_taxonomy()
    return CheckContext(
        intents=frozenset(taxonomy.intents),
        publics=frozenset(taxonomy.publics),
        organisations=frozenset(session.scalars(select(Organisation.code))),
        parameters=parameters,
    )


def organisation_id(session: Session, owner: str) -> int:
    org_id = session.scalar(select(Organisation.id).where(Organisation.code == owner_code(owner)))
    if org_id is None:
        raise InvalidInput(f"Organisation propriétaire inconnue : « {owner} ».")
    return org_id


def organisation_codes(session: Session) -> dict[int, str]:
    return {row.id: row.code for row in session.execute(select(Organisation.id, Organisation.code))}


# ---------------------------------------------------------------- reading


def get_article(session: Session, slug: str) -> Article:
    article = session.scalar(select(Article).where(Article.slug == slug))
    if article is None:
        raise NotFound("article")
    return article


def get_version(session: Session, version_id: int) -> Version:
    version = session.get(Version, version_id)
    if version is None:
        raise NotFound("version")
    return version


def version_number(article: Article, number: int) -> Version:
    for version in article.versions:
        if version.number == number:
            return version
    raise NotFound("version")


def published_version(article: Article) -> Version | None:
    return next((v for v in article.versions if v.status == VersionStatus.PUBLISHED), None)


def open_version(article: Article) -> Version | None:
    return next((v for v in reversed(article.versions) if v.status in OPEN_STATUSES), None)


def latest_version(article: Article) -> Version:
    return article.versions[-1]


def document_of(version: Version) -> ArticleDocument:
    return ArticleDocument.model_validate(version.content)


def readable_version(article: Article, actor: Actor, number: int | None = None) -> Version:
    """The published version for everyone; any version (or the latest) for rédacteurs and valideurs."""
    if number is not None:
        version = version_number(article, number)
        if version.status != VersionStatus.PUBLISHED and not access.can_read_drafts(actor):
            raise NotFound("version")
        return version
    published = published_version(article)
    if published is None:
        if not access.can_read_drafts(actor):
            raise NotFound("article")
        return latest_version(article)
    return published


def published_neighbours(session: Session, slugs: set[str]) -> list[Version]:
    """Published versions of the articles whose slug starts with one of `slugs` (index key prefixes)."""
    if not slugs:
        return []
    query = select(Version).join(Article).where(Version.status == VersionStatus.PUBLISHED.value)
    query = query.where(or_(*[Article.slug.startswith(slug, autoescape=True) for slug in slugs]))
    return list(session.scalars(query))


def published_versions(session: Session) -> list[Version]:
    query = select(Version).join(Article).where(Version.status == VersionStatus.PUBLISHED.value)
    return list(session.scalars(query.order_by(Article.slug)))


@dataclass(frozen=True, slots=True)
class ArticleRow:
    article: Article
    version: Version  # the version shown: published, or the latest for editorial staff
    published: Version | None
    open: Version | None

    @property
    def content(self) -> dict[str, Any]:
        return self.version.content


def list_articles(
    session: Session,
    actor: Actor,
    *,
    kind: str | None = None,
    public: str | None = None,
    intent: str | None = None,
    status: str | None = None,
    owner: str | None = None,
    query: str | None = None,
    limit: int = 500,
) -> list[ArticleRow]:
    """Articles filtered in memory (a knowledge base holds hundreds of articles, not millions)."""
    editorial = access.can_read_drafts(actor)
    if status and status != VersionStatus.PUBLISHED and not editorial:
        return []  # drafts and archives are for rédacteurs and valideurs
    owner_id = organisation_id(session, owner) if owner else None
    rows: list[ArticleRow] = []
    for article in session.scalars(select(Article).order_by(Article.slug)):
        published = published_version(article)
        shown = published or (latest_version(article) if editorial else None)
        if shown is None:
            continue
        if status and not any(v.status == status for v in article.versions):
            continue
        if status and status != VersionStatus.PUBLISHED:
            shown = next(v for v in reversed(article.versions) if v.status == status)
        content = shown.content
        if kind and article.kind != kind:
            continue
        if owner_id is not None and article.owner_id != owner_id:
            continue
        publics = content.get("publics") or []
        if public and public not in publics and ALL_PUBLICS not in publics:
            continue
        if intent and intent not in (content.get("intents") or []):
            continue
        if query and query.casefold() not in f"{article.slug} {shown.title}".casefold():
            continue
        rows.append(ArticleRow(article, shown, published, open_version(article)))
        if len(rows) >= limit:
            break
    return rows


# ---------------------------------------------------------------- writing drafts


def _changed_blocks(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    keys = sorted(set(before) | set(after))
    changed = [k for k in keys if k != "blocks" and before.get(k) != after.get(k)]
    b_blocks, a_blocks = before.get("blocks") or {}, after.get("blocks") or {}
    changed += [f"blocks.{k}" for k in sorted(set(b_blocks) | set(a_blocks)) if b_blocks.get(k) != a_blocks.get(k)]
    return changed


def _fill_version(version: Version, doc: ArticleDocument, actor: Actor) -> None:
    version.content = doc.as_data()
    version.title = doc.title
    version.review_by = doc.review_by
    version.fingerprint = doc.fingerprint()
    version.updated_at = utcnow()
    if actor.user_id and actor.user_id not in (version.contributors or []):
        version.contributors = [*(version.contributors or []), actor.user_id]


def create_article(
    session: Session, data: Mapping[str, Any] | ArticleDocument, *, actor: Actor, parameters: Parameters, note: str = ""
) -> Version:
    """A new article with its first version, as a draft."""
    doc = validate_document(dict(data) if isinstance(data, Mapping) else data, check_context(session, parameters))
    owner_id = organisation_id(session, doc.owner)
    access.require_writer(actor, owner_id)
    if session.scalar(select(Article.id).where(Article.slug == doc.slug)) is not None:
        raise Conflict(f"Un article « {doc.slug} » existe déjà : modifiez-le plutôt que d'en créer un second.")
    article = Article(slug=doc.slug, kind=doc.kind.value, owner_id=owner_id, created_by_id=actor.user_id or None)
    session.add(article)
    session.flush()
    version = Version(
        article=article,
        number=1,
        status=VersionStatus.DRAFT.value,
        author_id=actor.user_id or None,
        contributors=[],
        note=note.strip()[:2000],
    )
    _fill_version(version, doc, actor)
    session.add(version)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="kb.article_created",
        object_type="kb_article",
        object_id=doc.slug,
        summary=f"Création de l'article « {doc.title} » (brouillon v1)",
    )
    return version


def new_version(
    session: Session, article: Article, content: dict[str, Any], *, actor: Actor, restored_from: int | None = None
) -> Version:
    version = Version(
        article=article,
        number=latest_version(article).number + 1,
        status=VersionStatus.DRAFT.value,
        title=str(content.get("title", article.slug)),
        content=content,
        fingerprint="",
        review_by=latest_version(article).review_by,
        author_id=actor.user_id or None,
        contributors=[actor.user_id] if actor.user_id else [],
        restored_from=restored_from,
    )
    doc = document_of(version)
    version.fingerprint = doc.fingerprint()
    version.review_by = doc.review_by
    session.add(version)
    session.flush()
    return version


def draft_for_edit(session: Session, slug: str, *, actor: Actor) -> Version:
    """The open draft of an article, or a new one copied from its latest version."""
    article = get_article(session, slug)
    access.require_writer(actor, article.owner_id)
    current = open_version(article)
    if current is not None and current.status == VersionStatus.IN_REVIEW:
        raise Conflict(f"La version {current.number} est en cours de validation : attendez la décision du valideur.")
    if current is not None:
        return current
    source = published_version(article) or latest_version(article)  # not an abandoned draft
    version = new_version(session, article, dict(source.content), actor=actor)
    audit.record(
        session,
        actor=actor,
        action="kb.draft_started",
        object_type="kb_article",
        object_id=slug,
        summary=f"Nouveau brouillon v{version.number}",
    )
    return version


def update_draft(
    session: Session,
    version_id: int,
    data: Mapping[str, Any] | ArticleDocument,
    *,
    actor: Actor,
    parameters: Parameters,
    note: str | None = None,
) -> Version:
    """Replace the content of a draft. The article's slug cannot change; its owner stays in the actor's scope."""
    version = get_version(session, version_id)
    article = version.article
    access.require_writer(actor, article.owner_id)
    if version.status != VersionStatus.DRAFT:
        raise Conflict("Seul un brouillon peut être modifié : cette version est figée.")
    doc = validate_document(dict(data) if isinstance(data, Mapping) else data, check_context(session, parameters))
    if doc.slug != article.slug:
        raise InvalidInput(
            "L'identifiant (slug) d'un article ne change pas.",
            details=[{"champ": "slug", "probleme": f"Attendu : « {article.slug} »."}],
        )
    access.require_writer(actor, organisation_id(session, doc.owner))
    changed = _changed_blocks(version.content, doc.as_data())
    _fill_version(version, doc, actor)
    if note is not None:
        version.note = note.strip()[:2000]
    audit.record(
        session,
        actor=actor,
        action="kb.draft_updated",
        object_type="kb_article",
        object_id=article.slug,
        summary=f"Brouillon v{version.number} modifié",
        details={"blocs": changed},
    )
    return version


def save_document(
    session: Session, data: Mapping[str, Any] | ArticleDocument, *, actor: Actor, parameters: Parameters, note: str = ""
) -> Version:
    """Import: a new article, or a draft of the existing one with this content (the published one is untouched)."""
    doc = validate_document(dict(data) if isinstance(data, Mapping) else data, check_context(session, parameters))
    existing = session.scalar(select(Article).where(Article.slug == doc.slug))
    if existing is None:
        return create_article(session, doc, actor=actor, parameters=parameters, note=note)
    draft = draft_for_edit(session, doc.slug, actor=actor)
    return update_draft(session, draft.id, doc, actor=actor, parameters=parameters, note=note)


# ---------------------------------------------------------------- suggested answers


def render_answer(
    session: Session,
    slug: str,
    answer_id: str,
    values: Mapping[str, str],
    *,
    actor: Actor,
    parameters: Parameters,
    channel: Channel | None = None,
    number: int | None = None,
) -> dict[str, str]:
    article = get_article(session, slug)
    doc = document_of(readable_version(article, actor, number))
    answer = doc.answer(answer_id)
    if answer is None:
        raise NotFound("réponse type")
    return fill_answer(answer, values, parameters=parameters, channel=channel)


def versions_of(session: Session, slug: str, *, actor: Actor) -> Sequence[Version]:
    article = get_article(session, slug)
    if not access.can_read_drafts(actor):
        raise Forbidden("L'historique des versions est réservé aux rédacteurs et valideurs.")
    return article.versions


# ---------------------------------------------------------------- helpers for the pages


def validate_input(session: Session, data: Mapping[str, Any], *, parameters: Parameters) -> ArticleDocument:
    """Check a document without saving it (the editor's « Vérifier » button)."""
    return validate_document(dict(data), check_context(session, parameters))
