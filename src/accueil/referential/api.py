"""JSON API of the referential under /api/v1."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from accueil.identity.access import Actor
from accueil.identity.choices import Role
from accueil.referential import service
from accueil.referential.schemas import (
    DeploymentUpdate,
    LiveOut,
    OrganisationCreate,
    OrganisationOut,
    OrganisationUpdate,
    PublicOut,
)
from accueil.web.deps import CurrentActor, SessionDep, csrf_protect, require_roles

router = APIRouter(prefix="/api/v1", tags=["référentiel"], dependencies=[Depends(csrf_protect)])
AdminActor = Annotated[Actor, Depends(require_roles(Role.ADMIN))]


@router.get("/publics", response_model=list[PublicOut])
def list_publics(session: SessionDep, actor: CurrentActor) -> Any:
    return service.list_publics(session)


@router.get("/organisations", response_model=list[OrganisationOut])
def list_organisations(session: SessionDep, actor: CurrentActor) -> Any:
    return service.list_organisations(session)


@router.post("/organisations", response_model=OrganisationOut, status_code=201)
def create_organisation(body: OrganisationCreate, session: SessionDep, actor: AdminActor) -> Any:
    return service.create_organisation(
        session, code=body.code, name=body.name, kind=body.kind, city=body.city, actor=actor
    )


@router.patch("/organisations/{code}", response_model=OrganisationOut)
def update_organisation(code: str, body: OrganisationUpdate, session: SessionDep, actor: AdminActor) -> Any:
    return service.update_organisation(session, code, name=body.name, city=body.city, active=body.active, actor=actor)


@router.get("/deployments")
def deployments(session: SessionDep, actor: CurrentActor) -> dict[str, object]:
    """The deployment matrix component × public, with per-component counts and the 2027 goal."""
    return service.deployment_matrix(session).as_dict()


@router.get("/deployments/{component}/{public}", response_model=LiveOut)
def is_live(component: str, public: str, session: SessionDep) -> LiveOut:
    """Public question asked by every channel: is this component live for this public?"""
    service.get_component(session, component)
    service.get_public(session, public)
    return LiveOut(component=component, public=public.upper(), live=service.is_live(session, component, public.upper()))


@router.put("/deployments/{component}/{public}")
def set_deployment(
    component: str, public: str, body: DeploymentUpdate, session: SessionDep, actor: AdminActor
) -> dict[str, object]:
    dep = service.set_deployment(
        session,
        component=component,
        public=public.upper(),
        status=body.status,
        planned_year=body.planned_year,
        actor=actor,
    )
    return {
        "component": dep.component_code,
        "public": dep.public_code,
        "status": dep.status,
        "planned_year": dep.planned_year,
    }
