"""Importing documents: versions by content hash, the index kept in step, one transaction per file, seeding."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session, sessionmaker

from accueil.core.errors import InvalidInput
from accueil.knowledge.documents import (
    FileOutcome,
    document_text,
    import_file,
    import_paths,
    list_documents,
    seed_documents,
)
from accueil.knowledge.documents.models import Document
from accueil.knowledge.search import search
from accueil.knowledge.search.models import SearchEntry
from tests.knowledge.documents.conftest import HTML, MARKDOWN, make_docx, make_pdf


def chunk_keys(session: Session, document_id: int) -> list[str]:
    rows = session.scalars(select(SearchEntry.key).where(SearchEntry.key.startswith(f"chunk:{document_id}:")))
    return sorted(rows)


def test_import_indexes_passages_with_their_source(session: Session) -> None:
    outcome = import_file(session, collection="actualites", source="reperes.md", data=MARKDOWN.encode())
    assert outcome.status == "imported" and outcome.version == 1 and outcome.chunks >= 1
    hit = search(session, "plafond temps partiel proratise", collection="actualites", mode="lexical").results[0]
    assert hit.key.startswith(f"chunk:{outcome.document_id}:") and hit.kind == "document"
    assert hit.title.startswith("Repères 2026") and hit.url == "https://www.urssaf.fr/reperes"
    assert hit.meta["checked"] == "2026-01-12" and hit.meta["document_id"] == outcome.document_id
    assert hit.publics == ("RG", "AE")
    assert "{{" not in search(session, "plafond annuel", collection="actualites").results[0].snippet_html


def test_reimport_skips_unchanged_and_replaces_changed(session: Session) -> None:
    first = import_file(session, collection="faq", source="faq.html", data=HTML.encode())
    assert first.document_id is not None
    before = chunk_keys(session, first.document_id)
    again = import_file(session, collection="faq", source="faq.html", data=HTML.encode())
    assert again.status == "unchanged" and again.version == 1
    shorter = HTML.replace("<h2>Comment payer ?</h2><ul><li>Par prélèvement</li><li>Par virement</li></ul>", "")
    changed = import_file(session, collection="faq", source="faq.html", data=shorter.encode())
    assert changed.status == "updated" and changed.version == 2 and changed.document_id == first.document_id
    assert chunk_keys(session, first.document_id) == before[: changed.chunks]
    assert search(session, "virement prélèvement", collection="faq", mode="lexical").results == []


def test_failed_reimport_keeps_the_previous_version(session: Session) -> None:
    first = import_file(session, collection="guide-du-service", source="note.pdf", data=make_pdf([["Horaires"]]))
    broken = import_file(session, collection="guide-du-service", source="note.pdf", data=b"%PDF-1.4 tronque")
    assert broken.status == "failed" and "PDF illisible" in broken.message and "version 1 reste" in broken.message
    document = session.get(Document, first.document_id)
    assert document is not None and document.version == 1 and document.file_format == "pdf"
    assert chunk_keys(session, document.id) == [f"chunk:{document.id}:0"]


def test_every_format_and_unknown_collection(session: Session) -> None:
    for name, data in [("guide.docx", make_docx()), ("note.pdf", make_pdf([["Texte"]])), ("n.txt", b"Texte brut.")]:
        assert import_file(session, collection="guide-declarer-salaries", source=name, data=data).status == "imported"
    assert {d.file_format for d in list_documents(session, collection="guide-declarer-salaries")} >= {"docx", "pdf"}
    with pytest.raises(InvalidInput, match="Collection inconnue"):
        import_file(session, collection="romans", source="a.md", data=b"x")


def test_folder_import_one_transaction_per_file_with_progress(connection: Connection, tmp_path: Path) -> None:
    (tmp_path / "sous").mkdir()
    (tmp_path / "a.md").write_text("# A\n\nPremier document sur la DSN.", encoding="utf-8")
    (tmp_path / "sous" / "b.html").write_text("<h1>B</h1><p>Second document.</p>", encoding="utf-8")
    (tmp_path / "c.md").write_bytes(b"\x00\x01 binaire")
    sessions = sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    seen: list[tuple[int, int, str]] = []

    def progress(done: int, total: int, outcome: FileOutcome) -> None:
        seen.append((done, total, outcome.status))

    report = import_paths(sessions, tmp_path, collection="faq", progress=progress)
    assert seen == [(1, 3, "imported"), (2, 3, "failed"), (3, 3, "imported")]
    assert report.as_dict()["echecs"] == 1
    with sessions() as session:
        assert {d.source for d in list_documents(session, collection="faq")} >= {"a.md", "sous/b.html"}
    (tmp_path / "sous" / "b.html").unlink()
    import_paths(sessions, tmp_path, collection="faq", prune=True)
    with sessions() as session:
        assert "sous/b.html" not in {d.source for d in list_documents(session, collection="faq")}


def test_seed_documents_is_idempotent_and_document_text(session: Session) -> None:
    seed_documents(session)  # the packaged files (may already be there)
    assert seed_documents(session) == 0
    documents = list_documents(session)
    assert {d.collection for d in documents} == {"actualites", "faq", "guide-du-service", "guide-declarer-salaries"}
    assert session.scalar(select(func.count()).where(SearchEntry.key.startswith("chunk:"))) >= len(documents)
    text = document_text(session, str(documents[0].id))
    assert text is not None and text.startswith(documents[0].title)
    assert document_text(session, "inconnu") is None
