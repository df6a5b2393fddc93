"""Editorial pages around a version: review (validate / send back), workflow buttons, history and readable
diffs, YAML/Markdown export, and the list of errors reported by readers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from accueil.core.errors import InvalidInput
from accueil.knowledge import access, feedback, history, service, workflow
from accueil.knowledge.deps import EditorialActor, ParametersDep, ReaderActor, ValidatorActor, WriterActor
from accueil.knowledge.presenters import user_labels
from accueil.knowledge.views import common
from accueil.knowledge.yamlio import to_markdown, to_yaml
from accueil.web.deps import SessionDep, csrf_protect
from accueil.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


@router.get("/kb/versions/{version_id}/relecture")
def review_page(
    request: Request, version_id: int, session: SessionDep, actor: EditorialActor, parameters: ParametersDep
) -> Response:
    version = service.get_version(session, version_id)
    article = version.article
    published = service.published_version(article)
    base = published.content if published and published.id != version.id else {}
    return render(
        request,
        "knowledge/review.html",
        {
            **common(parameters),
            "version": version,
            "article": article,
            "published": published,
            "blocks": history.diff_contents(base, version.content),
            "can_validate": access.can_validate_version(actor, version),
            "can_write": access.can_edit_version(actor, version),
        },
    )


@router.post("/kb/versions/{version_id}/soumettre")
def submit(version_id: int, session: SessionDep, actor: WriterActor, parameters: ParametersDep) -> Response:
    version = workflow.submit(session, version_id, actor=actor, parameters=parameters)
    return _redirect(f"/kb/versions/{version.id}/relecture")


@router.post("/kb/versions/{version_id}/valider")
def validate(
    version_id: int,
    session: SessionDep,
    actor: ValidatorActor,
    parameters: ParametersDep,
    comment: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    version = workflow.validate(session, version_id, actor=actor, parameters=parameters, comment=comment)
    return _redirect(f"/kb/articles/{version.article.slug}")


@router.post("/kb/versions/{version_id}/renvoyer")
def send_back(
    version_id: int, session: SessionDep, actor: ValidatorActor, comment: Annotated[str, Form(max_length=2000)] = ""
) -> Response:
    workflow.send_back(session, version_id, actor=actor, comment=comment)
    return _redirect("/kb/redaction")


@router.post("/kb/versions/{version_id}/abandonner")
def abandon(version_id: int, session: SessionDep, actor: WriterActor) -> Response:
    version = workflow.abandon(session, version_id, actor=actor)
    return _redirect(f"/kb/articles/{version.article.slug}/historique")


@router.post("/kb/articles/{slug}/archiver")
def archive(
    slug: str,
    session: SessionDep,
    actor: ValidatorActor,
    parameters: ParametersDep,
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    workflow.archive(session, slug, actor=actor, parameters=parameters, reason=reason)
    return _redirect(f"/kb/articles/{slug}/historique")


@router.post("/kb/articles/{slug}/restaurer/{number}")
def restore(slug: str, number: int, session: SessionDep, actor: WriterActor) -> Response:
    version = workflow.restore(session, slug, number, actor=actor)
    return _redirect(f"/kb/versions/{version.id}/modifier")


@router.get("/kb/articles/{slug}/historique")
def history_page(
    request: Request, slug: str, session: SessionDep, actor: EditorialActor, parameters: ParametersDep
) -> Response:
    versions = service.versions_of(session, slug, actor=actor)
    article = service.get_article(session, slug)
    return render(
        request,
        "knowledge/history.html",
        {
            **common(parameters),
            "article": article,
            "versions": list(reversed(versions)),
            "users": user_labels(session),
            "can_write": access.can_write(actor, article.owner_id),
        },
    )


@router.get("/kb/articles/{slug}/diff")
def diff_page(
    request: Request,
    slug: str,
    session: SessionDep,
    actor: EditorialActor,
    parameters: ParametersDep,
    de: Annotated[int, Query(ge=1)],
    a: Annotated[int, Query(ge=1)],
) -> Response:
    blocks = history.diff_versions(session, slug, de, a, actor=actor)
    return render(
        request,
        "knowledge/diff.html",
        {**common(parameters), "article": service.get_article(session, slug), "blocks": blocks, "de": de, "a": a},
    )


@router.get("/kb/articles/{slug}/export.{extension}")
def export(
    slug: str,
    extension: str,
    session: SessionDep,
    actor: ReaderActor,
    version: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    doc = service.document_of(service.readable_version(service.get_article(session, slug), actor, version))
    if extension not in ("yaml", "md"):
        raise InvalidInput("Format d'export inconnu : yaml ou md.")
    text, media = (to_yaml(doc), "application/yaml") if extension == "yaml" else (to_markdown(doc), "text/markdown")
    headers = {"Content-Disposition": f'attachment; filename="{slug}.{extension}"'}
    return PlainTextResponse(text, media_type=f"{media}; charset=utf-8", headers=headers)


@router.get("/kb/redaction/signalements")
def reports_page(
    request: Request,
    session: SessionDep,
    actor: EditorialActor,
    parameters: ParametersDep,
    statut: Annotated[str, Query(pattern="^(open|resolved)$")] = "open",
) -> Response:
    return render(
        request,
        "knowledge/reports.html",
        {**common(parameters), "reports": feedback.list_feedback(session, actor, status=statut), "statut": statut},
    )


@router.post("/kb/signalements/{feedback_id}/traiter")
def resolve_report(
    feedback_id: int,
    session: SessionDep,
    actor: EditorialActor,
    resolution: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    feedback.resolve_feedback(session, feedback_id, actor=actor, resolution=resolution)
    return _redirect("/kb/redaction/signalements")
