"""Editorial pages: dashboard, the article editor (every block, the tree with add/move/delete, answers with
typed variables), review (validate / send back), history and diff, import/export, drafting help, reports."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from starlette.responses import RedirectResponse, Response

from accueil.core.errors import Conflict, Forbidden, InvalidInput
from accueil.identity.access import Actor
from accueil.knowledge import access, feedback, integration, queues, service
from accueil.knowledge.choices import VersionStatus
from accueil.knowledge.deps import EditorialActor, ParametersDep, SuggesterDep, WriterActor
from accueil.knowledge.editor_page import editor_context
from accueil.knowledge.forms import apply_form_operation, errors_by_field, form_to_data
from accueil.knowledge.parameters import Parameters
from accueil.knowledge.presenters import hit_dict
from accueil.knowledge.views import common
from accueil.knowledge.yamlio import from_yaml, parse_import
from accueil.web.deps import SessionDep, csrf_protect
from accueil.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])


async def form_items(request: Request) -> list[tuple[str, str]]:
    form = await request.form()
    return [(key, value) for key, value in form.multi_items() if isinstance(value, str)]


FormItems = Annotated[list[tuple[str, str]], Depends(form_items)]


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


@router.get("/kb/redaction")
def dashboard(
    request: Request,
    session: SessionDep,
    actor: EditorialActor,
    parameters: ParametersDep,
    jours: Annotated[int, Query(ge=0, le=3650)] = 30,
) -> Response:
    return render(
        request,
        "knowledge/dashboard.html",
        {
            **common(parameters),
            "queue": queues.review_queue(session, actor) if actor.has_role("valideur") else [],
            "drafts": queues.drafts(session, actor),
            "expiring": queues.expiring(session, actor, days=jours),
            "days": jours,
            "reports": feedback.list_feedback(session, actor),
            "is_writer": actor.has_role("redacteur"),
            "is_validator": actor.has_role("valideur"),
        },
    )


# ---------------------------------------------------------------- the editor


def _editor(
    request: Request,
    session: Any,
    actor: Actor,
    parameters: Parameters,
    data: dict[str, Any],
    *,
    version: Any = None,
    errors: dict[str, list[str]] | None = None,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    context = editor_context(session, actor, parameters, data, version=version, errors=errors or {})
    return render(request, "knowledge/editor.html", {**common(parameters), **context, **extra}, status_code=status_code)


def _handle_editor(
    request: Request,
    session: Any,
    actor: Actor,
    parameters: Parameters,
    items: list[tuple[str, str]],
    version: Any = None,
    suggester: Any = None,
) -> Response:
    fields = dict(items)
    op = fields.get("op", "check")
    data = form_to_data(items)
    if version is not None:
        data["slug"] = version.article.slug
    note = fields.get("note", "")
    if op == "apply_yaml":
        try:
            data = from_yaml(fields.get("yaml", ""))
        except InvalidInput as exc:
            return _editor(
                request,
                session,
                actor,
                parameters,
                data,
                version=version,
                errors={"yaml": [exc.message]},
                status_code=422,
                note=note,
            )
        return _editor(request, session, actor, parameters, data, version=version, note=note, checked=False)
    if op not in ("check", "save"):
        data = apply_form_operation(data, op)
        return _editor(request, session, actor, parameters, data, version=version, note=note)
    try:
        doc = service.validate_input(session, data, parameters=parameters)
        if op == "check":
            return _editor(request, session, actor, parameters, data, version=version, note=note, checked=True)
        if version is not None:
            saved = service.update_draft(session, version.id, doc, actor=actor, parameters=parameters, note=note)
            return _redirect(f"/kb/versions/{saved.id}/modifier?enregistre=1")
        duplicates = integration.find_duplicates(session, f"{doc.title}\n{doc.summary}\n{doc.blocks.context}")
        if duplicates and not fields.get("doublon_confirme"):
            return _editor(
                request,
                session,
                actor,
                parameters,
                data,
                note=note,
                status_code=409,
                duplicates=[hit_dict(h) for h in duplicates],
            )
        created = service.create_article(session, doc, actor=actor, parameters=parameters, note=note)
        return _redirect(f"/kb/versions/{created.id}/modifier?enregistre=1")
    except InvalidInput as exc:
        errors = errors_by_field(exc.details) or {"document": [exc.message]}
        return _editor(
            request, session, actor, parameters, data, version=version, errors=errors, status_code=422, note=note
        )
    except (Conflict, Forbidden) as exc:  # slug already taken, owner outside the rédacteur's scope
        field = "slug" if isinstance(exc, Conflict) else "owner"
        return _editor(
            request,
            session,
            actor,
            parameters,
            data,
            version=version,
            errors={field: [exc.message]},
            status_code=exc.status_code,
            note=note,
        )


@router.get("/kb/redaction/nouveau")
def new_article(request: Request, session: SessionDep, actor: WriterActor, parameters: ParametersDep) -> Response:
    data = {
        "slug": "",
        "kind": "procedure",
        "title": "",
        "summary": "",
        "publics": ["all"],
        "audiences": ["agent"],
        "intents": [],
        "owner": integration.default_owner(session, actor),
        "review_by": None,
        "keywords": [],
        "blocks": {"context": "", "prerequisites": [], "steps": [], "answer": ""},
        "tree": None,
        "answers": [],
        "sources": [],
    }
    return _editor(request, session, actor, parameters, data)


@router.post("/kb/redaction/nouveau")
def create_article(
    request: Request, session: SessionDep, actor: WriterActor, parameters: ParametersDep, items: FormItems
) -> Response:
    return _handle_editor(request, session, actor, parameters, items)


@router.post("/kb/articles/{slug}/brouillon")
def start_draft(slug: str, session: SessionDep, actor: WriterActor) -> Response:
    return _redirect(f"/kb/versions/{service.draft_for_edit(session, slug, actor=actor).id}/modifier")


@router.get("/kb/versions/{version_id}/modifier")
def edit_page(
    request: Request,
    version_id: int,
    session: SessionDep,
    actor: WriterActor,
    parameters: ParametersDep,
    enregistre: bool = False,
) -> Response:
    version = service.get_version(session, version_id)
    if version.status != VersionStatus.DRAFT:
        return _redirect(f"/kb/versions/{version.id}/relecture")
    access.require_writer(actor, version.article.owner_id)
    flash = "Brouillon enregistré." if enregistre else None
    return _editor(request, session, actor, parameters, dict(version.content), version=version, flash=flash)


@router.post("/kb/versions/{version_id}/modifier")
def edit_submit(
    request: Request,
    version_id: int,
    session: SessionDep,
    actor: WriterActor,
    parameters: ParametersDep,
    items: FormItems,
) -> Response:
    version = service.get_version(session, version_id)
    access.require_writer(actor, version.article.owner_id)
    return _handle_editor(request, session, actor, parameters, items, version=version)


# ---------------------------------------------------------------- import, drafting help, reports


@router.get("/kb/redaction/import")
def import_page(request: Request, actor: WriterActor, parameters: ParametersDep) -> Response:
    return render(request, "knowledge/import.html", {**common(parameters)})


@router.post("/kb/redaction/import")
def import_submit(
    request: Request,
    session: SessionDep,
    actor: WriterActor,
    parameters: ParametersDep,
    texte: Annotated[str, Form(max_length=500_000)] = "",
    fichier: Annotated[UploadFile | None, File()] = None,
) -> Response:
    filename = ""
    if fichier is not None and fichier.filename:
        filename = fichier.filename
        texte = fichier.file.read(500_001).decode("utf-8", errors="replace")
    try:
        version = service.save_document(
            session,
            parse_import(texte, filename=filename),
            actor=actor,
            parameters=parameters,
            note=f"Import {filename}".strip(),
        )
    except InvalidInput as exc:
        return render(
            request,
            "knowledge/import.html",
            {**common(parameters), "error": exc.message, "errors": errors_by_field(exc.details), "texte": texte},
            status_code=422,
        )
    return _redirect(f"/kb/versions/{version.id}/modifier?enregistre=1")


@router.get("/kb/redaction/assistant")
def drafting_page(request: Request, actor: WriterActor, parameters: ParametersDep) -> Response:
    return render(request, "knowledge/assistant.html", {**common(parameters)})


@router.post("/kb/redaction/assistant")
def drafting_submit(
    request: Request,
    session: SessionDep,
    actor: WriterActor,
    parameters: ParametersDep,
    suggester: SuggesterDep,
    texte: Annotated[str, Form(max_length=200_000)] = "",
    document: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    try:
        proposal = integration.propose_draft(
            session,
            actor=actor,
            parameters=parameters,
            text=texte,
            document_id=document.strip() or None,
            suggest_intents=suggester,
        )
    except InvalidInput as exc:
        return render(
            request,
            "knowledge/assistant.html",
            {**common(parameters), "error": exc.message, "texte": texte},
            status_code=422,
        )
    return _editor(
        request,
        session,
        actor,
        parameters,
        proposal.document,
        proposal=proposal,
        duplicates=[hit_dict(h) for h in proposal.duplicates],
    )
