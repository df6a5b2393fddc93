"""JSON API of the search: the search itself (public for usagers and bots, rate limited), synonyms and content
gaps (rédacteurs and valideurs)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from starlette.responses import Response

from accueil.core.errors import Unauthenticated
from accueil.identity.access import Actor
from accueil.identity.choices import Role
from accueil.knowledge.search import gaps, service, synonyms
from accueil.knowledge.search.models import ContentGap, SynonymGroup
from accueil.knowledge.search.schemas import (
    GapOut,
    GapPage,
    GapStatusIn,
    SearchOut,
    SynonymGroupIn,
    SynonymGroupOut,
)
from accueil.web.deps import OptionalActor, SessionDep, csrf_protect, rate_limit, require_roles

router = APIRouter(prefix="/api/v1/kb", tags=["recherche"], dependencies=[Depends(csrf_protect)])
EditorActor = Annotated[Actor, Depends(require_roles(Role.REDACTEUR, Role.VALIDEUR))]
Kind = Literal["procedure", "faq", "guide", "actualite", "reponse_type", "document"]


@router.get("/search", response_model=SearchOut, dependencies=[Depends(rate_limit("kb_search", 120))])
def search(
    session: SessionDep,
    actor: OptionalActor,
    q: Annotated[str, Query(min_length=1, max_length=500, description="Texte recherché")],
    public: Annotated[str | None, Query(max_length=20, pattern=r"^[A-Za-z0-9_-]+$")] = None,
    audience: Annotated[str | None, Query(pattern="^(agent|usager|bot)$")] = None,
    kind: Annotated[list[Kind] | None, Query(description="Type (répétable)")] = None,
    collection: Annotated[str | None, Query(max_length=60)] = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
    mode: Annotated[str, Query(pattern="^(hybrid|lexical|dense)$")] = "hybrid",
) -> SearchOut:
    """Recherche dans la base publiée. Sans connexion : contenus usager (par défaut) ou bot seulement."""
    if actor is None:
        if audience == "agent":
            raise Unauthenticated("Les contenus réservés aux agents demandent une connexion.")
        audience = audience or "usager"
    response = service.search(
        session, q, public=public, audience=audience, kinds=kind, collection=collection, limit=limit, mode=mode
    )
    return SearchOut.of(response)


def _group_out(group: SynonymGroup) -> SynonymGroupOut:
    return SynonymGroupOut(
        id=group.id, terms=list(group.terms), note=group.note, source=group.source, updated_at=group.updated_at
    )


@router.get("/synonyms", response_model=list[SynonymGroupOut])
def list_synonyms(session: SessionDep, actor: EditorActor) -> list[SynonymGroupOut]:
    return [_group_out(g) for g in synonyms.list_groups(session)]


@router.post("/synonyms", response_model=SynonymGroupOut, status_code=201)
def create_synonyms(body: SynonymGroupIn, session: SessionDep, actor: EditorActor) -> SynonymGroupOut:
    return _group_out(synonyms.create_group(session, terms=body.terms, note=body.note, actor=actor))


@router.put("/synonyms/{group_id}", response_model=SynonymGroupOut)
def update_synonyms(group_id: int, body: SynonymGroupIn, session: SessionDep, actor: EditorActor) -> SynonymGroupOut:
    return _group_out(synonyms.update_group(session, group_id, terms=body.terms, note=body.note, actor=actor))


@router.delete("/synonyms/{group_id}", status_code=204)
def delete_synonyms(group_id: int, session: SessionDep, actor: EditorActor) -> Response:
    synonyms.delete_group(session, group_id, actor=actor)
    return Response(status_code=204)


def _gap_out(gap: ContentGap) -> GapOut:
    return GapOut(
        id=gap.id,
        query=gap.query,
        filters=gap.filters,
        count=gap.count,
        results=gap.results,
        best_score=gap.best_score,
        status=gap.status,
        first_seen=gap.first_seen,
        last_seen=gap.last_seen,
    )


@router.get("/gaps", response_model=GapPage)
def list_gaps(
    session: SessionDep,
    actor: EditorActor,
    status: Annotated[str | None, Query(pattern="^(open|resolved)$")] = "open",
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> GapPage:
    """Recherches sans résultat convaincant, les plus fréquentes d'abord."""
    rows, total = gaps.list_gaps(session, status=status, limit=limit, offset=offset)
    return GapPage(total=total, items=[_gap_out(g) for g in rows])


@router.post("/gaps/{gap_id}/status", response_model=GapOut)
def set_gap_status(gap_id: int, body: GapStatusIn, session: SessionDep, actor: EditorActor) -> GapOut:
    return _gap_out(gaps.set_gap_status(session, gap_id, status=body.status, actor=actor))
