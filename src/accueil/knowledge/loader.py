"""The demo knowledge base: data/kb/articles/*.yaml loaded as published versions (idempotent).

Each file is checked like any import; an unchanged article is skipped, a changed one gets a new published
version (the previous one is archived). Authored by the demo rédacteur, validated by the demo valideur.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from accueil.core.clock import utcnow
from accueil.core.errors import InvalidInput
from accueil.identity import audit
from accueil.identity.models import User
from accueil.knowledge import indexing
from accueil.knowledge.checks import CheckContext, validate_document
from accueil.knowledge.choices import DIALOGUE_INTENTS, VersionStatus
from accueil.knowledge.document import ArticleDocument
from accueil.knowledge.models import Article, Version
from accueil.knowledge.parameters import Parameters, load_parameters
from accueil.knowledge.service import check_context, latest_version, organisation_id, published_version
from accueil.knowledge.yamlio import from_yaml

log = logging.getLogger(__name__)
ARTICLES_DIR = Path(__file__).resolve().parent.parent / "data" / "kb" / "articles"
DEMO_AUTHOR = "redacteur@accueil.test"
DEMO_VALIDATOR = "valideur@accueil.test"


@dataclass
class LoadReport:
    documents: list[ArticleDocument] = field(default_factory=list)
    errors: dict[str, list[dict[str, str]]] = field(default_factory=dict)


def read_directory(directory: Path, ctx: CheckContext) -> LoadReport:
    """Parse and check every `*.yaml` file; the file name must be `<slug>.yaml`."""
    report = LoadReport()
    for path in sorted(directory.glob("*.yaml")):
        try:
            doc = validate_document(from_yaml(path.read_text(encoding="utf-8")), ctx)
        except InvalidInput as exc:
            details = exc.details if isinstance(exc.details, list) else []
            report.errors[path.name] = details or [{"champ": "document", "probleme": exc.message}]
            continue
        if doc.slug != path.stem:
            report.errors[path.name] = [{"champ": "slug", "probleme": f"le fichier doit s'appeler {doc.slug}.yaml"}]
            continue
        report.documents.append(doc)
    return report


def seed_demo_kb(
    session: Session, *, directory: Path = ARTICLES_DIR, parameters: Parameters | None = None, index: bool = True
) -> int:
    """Load the demo articles as published versions; returns how many were added or updated.

    With `index=False` the new versions stay pending for `indexing.index_pending` (run in the background by
    `bootstrap.prepare_database` outside tests: embedding a hundred articles takes seconds)."""
    parameters = parameters if parameters is not None else load_parameters()
    ctx = check_context(session, parameters)
    report = read_directory(directory, ctx)
    for name, errors in report.errors.items():
        log.warning("demo article skipped", extra={"file": name, "errors": errors[:5]})
    users = {u.email: u.id for u in session.scalars(select(User).where(User.email.in_([DEMO_AUTHOR, DEMO_VALIDATOR])))}
    author_id, validator_id = users.get(DEMO_AUTHOR), users.get(DEMO_VALIDATOR)
    articles = {a.slug: a for a in session.scalars(select(Article))}
    changed: list[ArticleDocument] = []
    now = utcnow()
    for doc in report.documents:
        article = articles.get(doc.slug)
        fingerprint = doc.fingerprint()
        if article is not None and any(v.fingerprint == fingerprint for v in article.versions):
            continue  # this file was loaded before: later edits made in the application are kept
        owner_id = organisation_id(session, doc.owner)
        if article is None:
            article = Article(slug=doc.slug, kind=doc.kind.value, owner_id=owner_id, created_by_id=author_id)
            session.add(article)
            session.flush()
            number = 1
        else:
            number = latest_version(article).number + 1
            previous = published_version(article)
            if previous is not None:
                previous.status, previous.archived_at = VersionStatus.ARCHIVED.value, now
            article.kind, article.owner_id, article.updated_at = doc.kind.value, owner_id, now
        session.add(
            Version(
                article=article,
                number=number,
                status=VersionStatus.PUBLISHED.value,
                title=doc.title,
                content=doc.as_data(),
                fingerprint=fingerprint,
                review_by=doc.review_by,
                author_id=author_id,
                contributors=[author_id] if author_id else [],
                note="Base de connaissances de démonstration",
                review_comment="",
                submitted_at=now,
                reviewed_by_id=validator_id,
                reviewed_at=now,
                published_at=now,
            )
        )
        changed.append(doc)
    session.flush()
    if index:
        indexing.index_pending(session, parameters=parameters)
    if changed:
        audit.record(
            session,
            actor=None,
            action="kb.demo_loaded",
            object_type="kb_article",
            object_id="demo",
            summary=f"{len(changed)} article(s) de démonstration publiés",
            details={"articles": [doc.slug for doc in changed][:200], "rejetes": sorted(report.errors)},
        )
    return len(changed)


def offline_context(parameters: Parameters) -> CheckContext:
    """The check context from the packaged data files, without a database (`accueil kb check`)."""
    from accueil.referential.seed import load_referential_data
    from accueil.referential.taxonomy import load_taxonomy

    taxonomy = load_taxonomy()
    return CheckContext(
        intents=frozenset(taxonomy.intents),
        publics=frozenset(taxonomy.publics),
        organisations=frozenset(item["code"] for item in load_referential_data()["organisations"]),
        parameters=parameters,
    )


def coverage(documents: list[ArticleDocument]) -> dict[str, object]:
    """Counts of a knowledge base: articles per kind, valid trees, suggested answers, uncovered N1 intents."""
    from accueil.knowledge.tree import check_tree
    from accueil.referential.taxonomy import load_taxonomy

    kinds: dict[str, int] = {}
    for doc in documents:
        kinds[doc.kind.value] = kinds.get(doc.kind.value, 0) + 1
    trees = [d for d in documents if d.tree and not check_tree(d.tree, answer_ids=[a.id for a in d.answers])]
    n1 = {i.id for i in load_taxonomy().intents.values() if i.level == "N1"} - DIALOGUE_INTENTS
    covered = {intent for doc in documents for intent in doc.intents}
    return {
        "articles": len(documents),
        "par_type": dict(sorted(kinds.items())),
        "arbres_valides": len(trees),
        "reponses_types": sum(len(d.answers) for d in documents),
        "intentions_n1_metier": len(n1),
        "intentions_n1_couvertes": len(n1 & covered),
        "intentions_n1_non_couvertes": sorted(n1 - covered),
    }
