"""JSON API of indexed documents: upload (an import job that runs in the background), job progress, list, delete."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Depends, File, Form, Query, Request, UploadFile
from starlette.responses import JSONResponse, Response

from accueil.core.errors import InvalidInput
from accueil.identity.access import Actor
from accueil.identity.choices import Role
from accueil.knowledge.documents import jobs, service
from accueil.knowledge.documents.models import Document
from accueil.knowledge.documents.readers import Limits
from accueil.web.deps import SessionDep, csrf_protect, require_roles

router = APIRouter(prefix="/api/v1/kb", tags=["documents"], dependencies=[Depends(csrf_protect)])
WriterActor = Annotated[Actor, Depends(require_roles(Role.REDACTEUR))]
EditorActor = Annotated[Actor, Depends(require_roles(Role.REDACTEUR, Role.VALIDEUR))]


def document_dict(document: Document) -> dict[str, Any]:
    return {
        "id": document.id,
        "collection": document.collection,
        "source": document.source,
        "titre": document.title,
        "url": document.url,
        "verifie_le": document.checked.isoformat() if document.checked else None,
        "publics": document.publics,
        "format": document.file_format,
        "version": document.version,
        "passages": len(document.chunks),
        "avertissements": document.warnings,
        "mis_a_jour_le": document.updated_at.isoformat(),
    }


async def read_uploads(files: list[UploadFile]) -> list[tuple[str, bytes]]:
    """The uploaded files in memory, each within the import size limit."""
    limit = Limits().max_bytes
    uploads = []
    for upload in files:
        name = (upload.filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
        if not name:
            raise InvalidInput("Un fichier envoyé n'a pas de nom.")
        data = await upload.read(limit + 1)
        if len(data) > limit:
            raise InvalidInput(f"« {name} » dépasse {limit // 1_000_000} Mo.")
        uploads.append((name, data))
    return uploads


def start_import(
    request: Request,
    session: SessionDep,
    background: BackgroundTasks,
    actor: Actor,
    collection: str,
    uploads: list[tuple[str, bytes]],
) -> int:
    """Create the job, commit it, and import the files after the response (one transaction per file)."""
    job = jobs.create_job(session, collection=collection, names=[n for n, _ in uploads], actor=actor)
    session.commit()
    background.add_task(jobs.run_job, request.app.state.sessionmaker, job.id, uploads, actor=actor)
    return job.id


@router.post("/documents", status_code=202)
async def upload_documents(
    request: Request,
    session: SessionDep,
    background: BackgroundTasks,
    actor: WriterActor,
    collection: Annotated[str, Form(max_length=60)],
    files: Annotated[list[UploadFile], File(description="HTML, Markdown, DOCX, PDF ou texte")],
) -> JSONResponse:
    """Importe des fichiers dans une collection ; la progression se lit sur l'URL renvoyée."""
    service.check_collection(collection)
    job_id = start_import(request, session, background, actor, collection, await read_uploads(files))
    body = {"job": job_id, "progression": f"/api/v1/kb/documents/jobs/{job_id}"}
    return JSONResponse(body, status_code=202)


@router.get("/documents/jobs/{job_id}")
def import_job(job_id: int, session: SessionDep, actor: EditorActor) -> dict[str, Any]:
    return jobs.job_as_dict(jobs.get_job(session, job_id))


@router.get("/documents")
def list_documents(
    session: SessionDep, actor: EditorActor, collection: Annotated[str | None, Query(max_length=60)] = None
) -> list[dict[str, Any]]:
    return [document_dict(d) for d in service.list_documents(session, collection=collection)]


@router.delete("/documents/{document_id}", status_code=204)
def delete_document(document_id: int, session: SessionDep, actor: WriterActor) -> Response:
    service.delete_document(session, document_id, actor=actor)
    return Response(status_code=204)
