"""The documents page for rédacteurs: collections, upload form, progress of the running import."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, File, Form, Query, Request, UploadFile
from starlette.responses import RedirectResponse, Response

from accueil.knowledge.documents import jobs, service
from accueil.knowledge.documents.api import EditorActor, WriterActor, read_uploads, start_import
from accueil.web.deps import SessionDep, csrf_protect
from accueil.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
PROGRESS_JS = (Path(__file__).resolve().parent / "templates" / "documents" / "progress.js").read_text(encoding="utf-8")


@router.get("/kb/documents")
def documents_page(
    request: Request,
    session: SessionDep,
    actor: EditorActor,
    collection: Annotated[str, Query(max_length=60)] = "",
    job: Annotated[int | None, Query(alias="import")] = None,
) -> Response:
    return render(
        request,
        "documents/list.html",
        {
            "collections": service.COLLECTIONS,
            "collection": collection,
            "documents": service.list_documents(session, collection=collection or None),
            "job": jobs.job_as_dict(jobs.get_job(session, job)) if job else None,
            "can_upload": actor.has_role("redacteur"),
        },
    )


@router.post("/kb/documents")
async def documents_upload(
    request: Request,
    session: SessionDep,
    background: BackgroundTasks,
    actor: WriterActor,
    collection: Annotated[str, Form(max_length=60)],
    files: Annotated[list[UploadFile], File()],
) -> Response:
    service.check_collection(collection)
    job_id = start_import(request, session, background, actor, collection, await read_uploads(files))
    return RedirectResponse(f"/kb/documents?collection={collection}&import={job_id}", status_code=303)


@router.get("/kb/documents/progression.js")
def progress_script() -> Response:
    """The page's polling script, served from our origin (the CSP forbids inline scripts)."""
    return Response(PROGRESS_JS, media_type="text/javascript", headers={"Cache-Control": "max-age=300"})
