"""Import jobs for uploads: the request creates the job and returns; a background task imports file by file,
committing after each one, so a page can poll `processed / total` while it runs."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from accueil.core.clock import utcnow
from accueil.core.errors import InvalidInput, NotFound
from accueil.identity.access import Actor
from accueil.knowledge.documents.models import ImportJob
from accueil.knowledge.documents.service import STATUS_LABELS, FileOutcome, check_collection, import_file

log = logging.getLogger(__name__)
MAX_FILES = 50


def create_job(session: Session, *, collection: str, names: Sequence[str], actor: Actor) -> ImportJob:
    check_collection(collection)
    if not names:
        raise InvalidInput("Aucun fichier reçu.")
    if len(names) > MAX_FILES:
        raise InvalidInput(f"{MAX_FILES} fichiers au plus par envoi.")
    job = ImportJob(
        collection=collection,
        status="pending",
        total=len(names),
        files=[{"fichier": n, "statut": "en attente", "message": ""} for n in names],
        created_by_id=actor.user_id or None,
    )
    session.add(job)
    session.flush()
    return job


def get_job(session: Session, job_id: int) -> ImportJob:
    job = session.get(ImportJob, job_id)
    if job is None:
        raise NotFound("import")
    return job


def _record(job: ImportJob, index: int, outcome: FileOutcome) -> None:
    files = [dict(f) for f in job.files]
    files[index] = {**outcome.as_dict(), "statut": STATUS_LABELS[outcome.status]}
    job.files = files
    job.processed += 1
    job.imported += outcome.status in ("imported", "updated")
    job.skipped += outcome.status == "unchanged"
    job.failed += outcome.status == "failed"


def run_job(sessions: sessionmaker[Session], job_id: int, files: Sequence[tuple[str, bytes]], *, actor: Actor) -> None:
    """Import the files of a job, one transaction per file (the job row is updated in the same transaction)."""
    with sessions.begin() as session:
        job = get_job(session, job_id)
        job.status = "running"
        collection = job.collection
    try:
        for index, (name, data) in enumerate(files):
            with sessions.begin() as session:
                outcome = import_file(session, collection=collection, source=name, data=data, actor=actor)
                _record(get_job(session, job_id), index, outcome)
    except Exception:
        log.exception("document import job failed", extra={"job": job_id})
        with sessions.begin() as session:
            job = get_job(session, job_id)
            job.status, job.finished_at = "failed", utcnow()
        return
    with sessions.begin() as session:
        job = get_job(session, job_id)
        job.status, job.finished_at = "done", utcnow()


def job_as_dict(job: ImportJob) -> dict[str, Any]:
    return {
        "id": job.id,
        "collection": job.collection,
        "statut": job.status,
        "total": job.total,
        "traites": job.processed,
        "importes": job.imported,
        "inchanges": job.skipped,
        "echecs": job.failed,
        "fichiers": job.files,
        "cree_le": job.created_at.isoformat() if job.created_at else None,
        "termine_le": job.finished_at.isoformat() if job.finished_at else None,
    }
