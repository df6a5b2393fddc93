"""Import documents into collections and keep the search index in step with them.

Each file is versioned by the hash of its bytes: an unchanged file is skipped before it is even parsed, a
changed file is parsed, cut into passages and re-indexed (passages whose text did not change are not embedded
again), and passages that disappeared leave the index. Each file is imported inside its own SAVEPOINT (and,
from the CLI or a background job, its own transaction): a file that fails leaves its previous version intact.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from accueil.core.clock import utcnow
from accueil.core.errors import DomainError, InvalidInput, NotFound
from accueil.identity import audit
from accueil.identity.access import Actor
from accueil.knowledge.documents.chunking import HEADING_SEPARATOR, chunk_blocks
from accueil.knowledge.documents.models import Document, DocumentChunk
from accueil.knowledge.documents.readers import FORMATS, Limits, Parsed, read_document

log = logging.getLogger(__name__)
COLLECTIONS: Final[dict[str, str]] = {
    "actualites": "Actualités",
    "faq": "Questions fréquentes",
    "guide-du-service": "Guide du service",
    "guide-declarer-salaries": "Guide « Déclarer ses salariés »",
}
SEED_DIR = Path(__file__).resolve().parents[2] / "data" / "kb" / "documents"
SEED_PREFIX = "seed/"
KEY_PREFIX = "chunk:"
STATUS_LABELS: Final[dict[str, str]] = {
    "imported": "importé",
    "updated": "mis à jour",
    "unchanged": "inchangé",
    "failed": "échec",
}


@dataclass(frozen=True, slots=True)
class FileOutcome:
    source: str
    status: str  # imported | updated | unchanged | failed
    message: str
    document_id: int | None = None
    version: int | None = None
    chunks: int = 0
    warnings: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "fichier": self.source,
            "statut": self.status,
            "message": self.message,
            "document_id": self.document_id,
            "version": self.version,
            "passages": self.chunks,
            "avertissements": list(self.warnings),
        }


@dataclass
class ImportReport:
    outcomes: list[FileOutcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    def as_dict(self) -> dict[str, Any]:
        return {
            "importes": self.count("imported"),
            "mis_a_jour": self.count("updated"),
            "inchanges": self.count("unchanged"),
            "echecs": self.count("failed"),
            "fichiers": [o.as_dict() for o in self.outcomes],
        }


Progress = Callable[[int, int, FileOutcome], None]


def check_collection(collection: str) -> str:
    if collection not in COLLECTIONS:
        raise InvalidInput(f"Collection inconnue « {collection} » : {', '.join(COLLECTIONS)}.")
    return collection


def chunk_key_prefix(document_id: int) -> str:
    return f"{KEY_PREFIX}{document_id}:"


def _entries(document: Document, chunks: Sequence[DocumentChunk]) -> list[Any]:
    from accueil.knowledge.parameters import load_parameters, render_parameters
    from accueil.knowledge.search import IndexEntry

    parameters = load_parameters()
    entries = []
    for chunk in chunks:
        title = f"{document.title}{HEADING_SEPARATOR}{chunk.heading}" if chunk.heading else document.title
        meta = {
            "document_id": document.id,
            "document_title": document.title,
            "source": document.source,
            "heading": chunk.heading,
            "position": chunk.position,
            "version": document.version,
            "checked": document.checked.isoformat() if document.checked else None,
        }
        entries.append(
            IndexEntry(
                key=f"{chunk_key_prefix(document.id)}{chunk.position}",
                kind="document",
                title=title,
                text=render_parameters(chunk.text, parameters),
                url=document.url,
                publics=tuple(document.publics),
                collection=document.collection,
                meta=meta,
            )
        )
    return entries


def _store(
    session: Session, existing: Document | None, collection: str, source: str, digest: str, parsed: Parsed
) -> Document:
    from accueil.knowledge import search

    document = existing or Document(collection=collection, source=source, version=0, imported_at=utcnow())
    document.title, document.url, document.checked = parsed.title, parsed.url, parsed.checked
    document.publics, document.file_format, document.warnings = parsed.publics, parsed.file_format, parsed.warnings
    document.content_hash, document.version, document.updated_at = digest, document.version + 1, utcnow()
    if document.id is not None:  # delete the old passages first: positions are unique per document
        document.chunks.clear()
        session.flush()
    document.chunks = [
        DocumentChunk(position=n, heading=c.heading[:500], text=c.text, word_count=c.word_count)
        for n, c in enumerate(chunk_blocks(parsed.blocks))
    ]
    session.add(document)
    session.flush()
    search.remove_entries(session, key_prefix=chunk_key_prefix(document.id))
    search.index_entries(session, _entries(document, document.chunks))
    return document


def import_file(
    session: Session,
    *,
    collection: str,
    source: str,
    data: bytes,
    limits: Limits | None = None,
    actor: Actor | None = None,
) -> FileOutcome:
    """Import one file (its `source` name identifies it within the collection); never raises for a bad file."""
    check_collection(collection)
    source = source.strip()[:500]
    existing = session.scalar(select(Document).where(Document.collection == collection, Document.source == source))
    digest = hashlib.sha256(data).hexdigest()
    if existing is not None and existing.content_hash == digest:
        return FileOutcome(
            source,
            "unchanged",
            "Inchangé depuis la version " + str(existing.version) + ".",
            existing.id,
            existing.version,
            len(existing.chunks),
        )
    try:
        parsed = read_document(source, data, limits=limits)
        with session.begin_nested():
            document = _store(session, existing, collection, source, digest, parsed)
    except DomainError as exc:
        if existing is not None:
            session.refresh(existing)
        detail = f" (la version {existing.version} reste en service)" if existing is not None else ""
        return FileOutcome(source, "failed", exc.message + detail)
    status = "updated" if existing is not None else "imported"
    if actor is not None:
        audit.record(
            session,
            actor=actor,
            action=f"kb.document_{status}",
            object_type="kb_document",
            object_id=document.id,
            summary=f"{collection} / {source} (version {document.version})",
        )
    message = f"{len(document.chunks)} passages, version {document.version}."
    return FileOutcome(
        source, status, message, document.id, document.version, len(document.chunks), tuple(parsed.warnings)
    )


def files_of(path: Path) -> list[tuple[Path, str]]:
    """The files to import under `path` (a file or a folder, recursively) with their source names."""
    if not path.exists():
        raise InvalidInput(f"Chemin introuvable : {path}")
    if path.is_file():
        return [(path, path.name)]
    found = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
    return [(p, p.relative_to(path).as_posix()) for p in found]


def import_paths(
    sessions: sessionmaker[Session],
    path: Path,
    *,
    collection: str,
    progress: Progress | None = None,
    prune: bool = False,
    limits: Limits | None = None,
) -> ImportReport:
    """Import a file or a folder, one transaction per file; `prune` removes the collection's other documents."""
    check_collection(collection)
    files = files_of(path)
    report = ImportReport()
    for done, (file, source) in enumerate(files, start=1):
        if file.suffix.lower() not in FORMATS:
            outcome = FileOutcome(
                source, "failed", f"Type de fichier non pris en charge ({file.suffix or 'sans extension'})."
            )
        else:
            with sessions.begin() as session:
                outcome = import_file(
                    session, collection=collection, source=source, data=file.read_bytes(), limits=limits
                )
        report.outcomes.append(outcome)
        if progress is not None:
            progress(done, len(files), outcome)
    if prune:
        with sessions.begin() as session:
            keep = {source for _, source in files}
            for document in session.scalars(select(Document).where(Document.collection == collection)):
                if document.source not in keep:
                    _delete(session, document)
    return report


def _delete(session: Session, document: Document) -> None:
    from accueil.knowledge import search

    search.remove_entries(session, key_prefix=chunk_key_prefix(document.id))
    session.delete(document)
    session.flush()


def delete_document(session: Session, document_id: int, *, actor: Actor) -> None:
    document = get_document(session, document_id)
    audit.record(
        session,
        actor=actor,
        action="kb.document_deleted",
        object_type="kb_document",
        object_id=document.id,
        summary=f"{document.collection} / {document.source}",
    )
    _delete(session, document)


def get_document(session: Session, document_id: int) -> Document:
    document = session.get(Document, document_id)
    if document is None:
        raise NotFound("document")
    return document


def document_text(session: Session, document_id: str | int) -> str | None:
    """Title and passages of a document (the content side drafts an article from it); None if unknown."""
    try:
        document = session.get(Document, int(document_id))
    except (TypeError, ValueError):
        return None
    if document is None:
        return None
    return "\n\n".join([document.title, *(c.text for c in document.chunks)])


def list_documents(session: Session, *, collection: str | None = None) -> list[Document]:
    query = select(Document).order_by(Document.collection, Document.title)
    if collection:
        query = query.where(Document.collection == check_collection(collection))
    return list(session.scalars(query))


def seed_documents(session: Session, *, directory: Path = SEED_DIR) -> int:
    """Import the packaged documents (data/kb/documents/<collection>/); unchanged files are skipped and seeded
    files that were removed from the package leave the index. Returns how many were added or updated."""
    changed = 0
    seen: set[tuple[str, str]] = set()
    for folder in sorted(p for p in directory.iterdir() if p.is_dir()) if directory.is_dir() else []:
        if folder.name not in COLLECTIONS:
            log.warning("unknown document collection skipped", extra={"folder": folder.name})
            continue
        for file, relative in files_of(folder):
            source = f"{SEED_PREFIX}{folder.name}/{relative}"
            seen.add((folder.name, source))
            outcome = import_file(session, collection=folder.name, source=source, data=file.read_bytes())
            if outcome.status == "failed":
                log.warning("seed document not imported", extra={"file": source, "reason": outcome.message})
            changed += outcome.status in ("imported", "updated")
    stale = session.scalars(select(Document).where(Document.source.startswith(SEED_PREFIX)))
    for document in list(stale):
        if (document.collection, document.source) not in seen:
            _delete(session, document)
    return changed
