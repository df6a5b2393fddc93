"""JSON API of understanding under /api/v1/nlu: the public parse, and the formateurs' inbox."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from accueil.identity.access import Actor
from accueil.identity.choices import Role
from accueil.understanding import service
from accueil.understanding.registry import shared_registry
from accueil.understanding.schemas import AnnotationIn, MisunderstoodOut, ModelStatusOut, ParseIn, ParseOut
from accueil.web.deps import SessionDep, csrf_protect, rate_limit, require_roles

router = APIRouter(prefix="/api/v1/nlu", tags=["compréhension"])
inbox_router = APIRouter(prefix="/api/v1/nlu", tags=["compréhension"], dependencies=[Depends(csrf_protect)])
FormateurActor = Annotated[Actor, Depends(require_roles(Role.FORMATEUR))]


@router.post("/parse", response_model=ParseOut, dependencies=[Depends(rate_limit("nlu_parse"))])
def parse(body: ParseIn, request: Request) -> dict[str, Any]:
    """Intention, confiance calibrée, classement, hors périmètre, intentions multiples et entités d'un message."""
    engine = shared_registry(request.app.state).engine()
    return engine.parse(body.text, public=body.public, today=body.reference_date).as_dict()


@inbox_router.get("/status", response_model=ModelStatusOut)
def model_status(request: Request, actor: FormateurActor) -> ModelStatusOut:
    registry = shared_registry(request.app.state)
    return ModelStatusOut(
        active_version=registry.active_version(),
        loaded_version=registry.engine().version,
        last_error=registry.last_error,
    )


@inbox_router.get("/misunderstood", response_model=list[MisunderstoodOut])
def list_misunderstood(
    session: SessionDep, actor: FormateurActor, status: str | None = "a_traiter", limit: int = 50, offset: int = 0
) -> Any:
    rows, _ = service.list_misunderstood(
        session, service.InboxFilter(status=status or None), limit=min(max(limit, 1), 200), offset=max(offset, 0)
    )
    return rows


@inbox_router.post("/misunderstood/{item_id}/annotation", response_model=MisunderstoodOut)
def annotate(item_id: int, body: AnnotationIn, session: SessionDep, actor: FormateurActor) -> Any:
    return service.annotate_misunderstood(session, item_id, actor=actor, resolution=body.resolution, intent=body.intent)
