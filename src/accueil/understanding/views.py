"""Pages of the learning loop for formateurs: the misunderstood inbox and the model versions."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import RedirectResponse, Response

from accueil.identity.access import Actor
from accueil.identity.choices import Role
from accueil.referential.taxonomy import load_taxonomy
from accueil.understanding import service
from accueil.understanding.choices import InboxStatus, MisunderstoodReason, VersionStatus
from accueil.understanding.registry import shared_registry
from accueil.web.deps import SessionDep, SettingsDep, csrf_protect, require_roles
from accueil.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
FormateurActor = Annotated[Actor, Depends(require_roles(Role.FORMATEUR))]
NAV_ENTRY = ("Formation du bot", "/formation/incompris", (Role.FORMATEUR,))
PAGE_SIZE = 30


@router.get("/formation/incompris")
def inbox_page(
    request: Request,
    session: SessionDep,
    actor: FormateurActor,
    statut: str = "a_traiter",
    canal: str = "",
    public: str = "",
    motif: str = "",
    page: int = 1,
    ok: str | None = None,
) -> Response:
    page = max(page, 1)
    flt = service.InboxFilter(
        status=statut or None, channel=canal or None, public_code=public or None, reason=motif or None
    )
    rows, total = service.list_misunderstood(session, flt, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    taxonomy = load_taxonomy()
    return render(
        request,
        "understanding/inbox.html",
        {
            "rows": rows,
            "total": total,
            "page": page,
            "pages": max(1, -(-total // PAGE_SIZE)),
            "filters": {"statut": statut, "canal": canal, "public": public, "motif": motif},
            "statuses": list(InboxStatus),
            "reasons": list(MisunderstoodReason),
            "status_labels": {status.value: status.label for status in InboxStatus},
            "reason_labels": {reason.value: reason.label for reason in MisunderstoodReason},
            "intents": sorted(taxonomy.intents.values(), key=lambda i: i.label),
            "flash": "Décision enregistrée." if ok else None,
        },
    )


@router.post("/formation/incompris/{item_id}")
def inbox_annotate(
    request: Request,
    item_id: int,
    session: SessionDep,
    actor: FormateurActor,
    resolution: Annotated[str, Form(max_length=20)],
    intent: Annotated[str, Form(max_length=80)] = "",
) -> Response:
    service.annotate_misunderstood(session, item_id, actor=actor, resolution=resolution, intent=intent or None)
    return RedirectResponse("/formation/incompris?ok=1", status_code=303)


@router.get("/formation/modeles")
def models_page(
    request: Request, session: SessionDep, actor: FormateurActor, message: str = "", erreur: str = ""
) -> Response:
    registry = shared_registry(request.app.state)
    return render(
        request,
        "understanding/models.html",
        {
            "versions": service.list_versions(session),
            "active": registry.active_version(),
            "files": registry.versions(),
            "last_error": registry.last_error,
            "added": len(service.added_examples(session)),
            "statuses": {s.value: s.label for s in VersionStatus},
            "flash": message or None,
            "error": erreur or None,
        },
    )


@router.post("/formation/modeles/entrainer")
def models_train(request: Request, session: SessionDep, actor: FormateurActor) -> Response:
    row = service.train_candidate(session, shared_registry(request.app.state), actor=actor)
    return RedirectResponse(f"/formation/modeles?message={quote(f'Modèle {row.version} entraîné.')}", status_code=303)


@router.post("/formation/modeles/{version}/activer")
def models_activate(
    request: Request, version: str, session: SessionDep, settings: SettingsDep, actor: FormateurActor
) -> Response:
    tolerance = float(getattr(settings, "nlu_max_accuracy_drop", service.DEFAULT_MAX_ACCURACY_DROP))
    row = service.activate_version(
        session, shared_registry(request.app.state), version, actor=actor, max_accuracy_drop=tolerance
    )
    if row.status == VersionStatus.REFUSED:
        return RedirectResponse(
            f"/formation/modeles?erreur={quote('Activation refusée : ' + row.note)}", status_code=303
        )
    return RedirectResponse(f"/formation/modeles?message={quote(f'Modèle {version} activé.')}", status_code=303)
