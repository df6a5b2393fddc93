"""Pages of the referential: the deployment state and its administration."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import RedirectResponse, Response

from accueil.core.errors import InvalidInput
from accueil.identity.access import Actor
from accueil.identity.choices import Role
from accueil.referential import service
from accueil.referential.choices import DeploymentStatus
from accueil.web.deps import CurrentActor, SessionDep, csrf_protect, require_roles
from accueil.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
AdminActor = Annotated[Actor, Depends(require_roles(Role.ADMIN))]


@router.get("/deploiement")
def deployment_page(request: Request, session: SessionDep, actor: CurrentActor) -> Response:
    matrix = service.deployment_matrix(session)
    return render(request, "referential/deployments.html", {"matrix": matrix, "statuses": list(DeploymentStatus)})


@router.get("/admin/referentiel")
def referential_admin(request: Request, session: SessionDep, actor: AdminActor, ok: str | None = None) -> Response:
    return render(
        request,
        "referential/admin.html",
        {
            "matrix": service.deployment_matrix(session),
            "organisations": service.list_organisations(session),
            "publics": service.list_publics(session),
            "components": service.list_components(session),
            "statuses": list(DeploymentStatus),
            "flash": "Modification enregistrée." if ok else None,
        },
    )


@router.post("/admin/referentiel/deploiement")
def referential_set_deployment(
    request: Request,
    session: SessionDep,
    actor: AdminActor,
    component: Annotated[str, Form(max_length=20)],
    public: Annotated[str, Form(max_length=8)],
    status: Annotated[str, Form(max_length=20)],
    planned_year: Annotated[str, Form(max_length=4)] = "",
) -> Response:
    year: int | None = None
    if planned_year.strip():
        if not planned_year.strip().isdigit():
            raise InvalidInput("L'année prévue doit être un nombre (ex. 2026).")
        year = int(planned_year)
    service.set_deployment(session, component=component, public=public, status=status, planned_year=year, actor=actor)
    return RedirectResponse("/admin/referentiel?ok=1#deploiements", status_code=303)


@router.post("/admin/referentiel/organisations/{code}")
def referential_update_organisation(
    request: Request,
    code: str,
    session: SessionDep,
    actor: AdminActor,
    name: Annotated[str, Form(max_length=200)],
    city: Annotated[str, Form(max_length=100)] = "",
    active: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    service.update_organisation(session, code, name=name, city=city, active=active == "on", actor=actor)
    return RedirectResponse("/admin/referentiel?ok=1#organisations", status_code=303)
