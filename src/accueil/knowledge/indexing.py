"""What a published article gives the search index: one entry for the article, one per suggested answer.

Keys: `article:<slug>` and `answer:<slug>#<answer_id>`. The search package is imported lazily, so the
content model works (and its tests run) on its own.
"""

from __future__ import annotations

import fcntl
import importlib
import logging
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from accueil.core.clock import utcnow
from accueil.core.database import make_sessionmaker
from accueil.knowledge.choices import ALL_PUBLICS, VersionStatus
from accueil.knowledge.document import ArticleDocument
from accueil.knowledge.parameters import Parameters, render_parameters

log = logging.getLogger(__name__)
ANSWER_KIND = "reponse_type"
BACKGROUND_BATCH = 10
_PG_INDEX_LOCK = 4_242_006


def article_url(slug: str) -> str:
    return f"/kb/articles/{slug}"


def answer_anchor(answer_id: str) -> str:
    return f"reponse-{answer_id}"


def readable_text(doc: ArticleDocument, parameters: Parameters) -> str:
    """The whole readable text: summary, context, prerequisites, steps, answer, tree texts, keywords."""
    parts: list[str] = [
        doc.summary,
        doc.blocks.context,
        *doc.blocks.prerequisites,
        *doc.blocks.steps,
        doc.blocks.answer,
    ]
    if doc.tree is not None:
        parts += [node.text for node in doc.tree.nodes]
    if doc.keywords:
        parts.append("Mots-clés : " + ", ".join(doc.keywords))
    return render_parameters("\n\n".join(p for p in parts if p), parameters)


def _publics(doc: ArticleDocument) -> tuple[str, ...]:
    return () if ALL_PUBLICS in doc.publics else tuple(doc.publics)


def entries_for(doc: ArticleDocument, parameters: Parameters) -> list[Any]:
    from accueil.knowledge.search import IndexEntry

    publics = _publics(doc)
    audiences = tuple(a.value for a in doc.audiences)
    meta: dict[str, Any] = {"slug": doc.slug, "owner": doc.owner, "review_by": str(doc.review_by or "")}
    entries = [
        IndexEntry(
            key=f"article:{doc.slug}",
            kind=doc.kind.value,
            title=doc.title,
            text=readable_text(doc, parameters),
            url=article_url(doc.slug),
            publics=publics,
            audiences=audiences,
            intents=tuple(doc.intents),
            collection="kb",
            meta={**meta, "summary": render_parameters(doc.summary, parameters), "keywords": list(doc.keywords)},
        )
    ]
    for answer in doc.answers:
        text = "\n\n".join(t for _, t in answer.variants.items())
        entries.append(
            IndexEntry(
                key=f"answer:{doc.slug}#{answer.id}",
                kind=ANSWER_KIND,
                title=answer.title,
                text=render_parameters(text, parameters),
                url=f"{article_url(doc.slug)}#{answer_anchor(answer.id)}",
                publics=publics,
                audiences=tuple(a for a in audiences if a != "usager") or ("agent",),
                intents=tuple(doc.intents),
                collection="kb",
                meta={**meta, "answer_id": answer.id, "article_title": doc.title, "article_kind": doc.kind.value},
            )
        )
    return entries


def _search() -> Any | None:
    try:  # imported lazily: accueil.knowledge.search imports this package
        search: Any = importlib.import_module("accueil.knowledge.search")
    except ImportError:
        search = None
    if not all(hasattr(search, name) for name in ("IndexEntry", "index_entries", "remove_entries")):
        log.warning("search package unavailable: knowledge articles are not indexed")
        return None
    return search


def index_document(session: Session, doc: ArticleDocument, *, parameters: Parameters) -> None:
    index_documents(session, [doc], parameters=parameters)


def index_documents(session: Session, docs: Sequence[ArticleDocument], *, parameters: Parameters) -> int:
    """Upsert the entries of these articles; answers removed from an article disappear from the index."""
    search = _search()
    if search is None or not docs:
        return 0
    for doc in docs:
        search.remove_entries(session, key_prefix=f"answer:{doc.slug}#")
    return int(search.index_entries(session, [entry for doc in docs for entry in entries_for(doc, parameters)]))


def unindex_article(session: Session, slug: str, *, parameters: Parameters) -> None:
    search = _search()
    if search is None:
        return
    search.remove_entries(session, key_prefix=f"answer:{slug}#")
    search.remove_entries(session, key_prefix=f"article:{slug}")
    # `article:<slug>` is a prefix of `article:<slug>-bis`: put those neighbours back.
    from accueil.knowledge.service import document_of, published_neighbours

    neighbours = [v for v in published_neighbours(session, {slug}) if v.article.slug != slug]
    if neighbours:
        search.index_entries(session, [e for v in neighbours for e in entries_for(document_of(v), parameters)])


def index_pending(session: Session, *, parameters: Parameters, limit: int | None = None) -> int:
    """Index the published versions not indexed yet (demo seed, interrupted background run); returns how many."""
    from accueil.knowledge.models import Version
    from accueil.knowledge.service import document_of

    if _search() is None:
        return 0
    query = select(Version).where(Version.status == VersionStatus.PUBLISHED.value, Version.indexed_at.is_(None))
    versions = list(session.scalars(query.order_by(Version.id).limit(limit)))
    index_documents(session, [document_of(v) for v in versions], parameters=parameters)
    now = utcnow()
    for version in versions:
        version.indexed_at = now
    session.flush()
    return len(versions)


@contextmanager
def _try_lock(engine: Engine, lock_dir: Path) -> Iterator[bool]:
    """A non-blocking cross-process lock: one process indexes, the others skip."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            acquired = bool(connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": _PG_INDEX_LOCK}).scalar())
            try:
                yield acquired
            finally:
                if acquired:
                    connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_INDEX_LOCK})
                connection.commit()
        return
    lock_dir.mkdir(parents=True, exist_ok=True)
    with open(lock_dir / ".kb-index.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def index_pending_in_background(
    engine: Engine, lock_dir: Path, *, parameters: Parameters, batch: int = BACKGROUND_BATCH
) -> threading.Thread:
    """Embeddings cost seconds: the demo articles are indexed by a daemon thread, in short transactions."""

    def run() -> None:
        try:
            with _try_lock(engine, lock_dir) as acquired:
                while acquired:
                    with make_sessionmaker(engine).begin() as session:
                        if index_pending(session, parameters=parameters, limit=batch) == 0:
                            break
        except Exception:  # a background failure must not kill the process; the next start retries
            log.exception("background knowledge indexing failed")

    thread = threading.Thread(target=run, name="kb-index", daemon=True)
    thread.start()
    return thread


def reindex_published(session: Session, *, parameters: Parameters) -> int:
    """Rebuild the knowledge entries of the index from every published version (`accueil kb reindex`)."""
    from accueil.knowledge.service import document_of, published_versions

    versions = published_versions(session)
    count = index_documents(session, [document_of(v) for v in versions], parameters=parameters)
    now = utcnow()
    for version in versions:
        version.indexed_at = now
    return count
