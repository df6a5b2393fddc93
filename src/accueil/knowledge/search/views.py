"""Pages for rédacteurs and valideurs: content gaps (/kb/lacunes) and the synonyms dictionary (/kb/synonymes)."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from starlette.responses import RedirectResponse, Response

from accueil.identity.access import Actor
from accueil.identity.choices import Role
from accueil.knowledge.search import gaps, synonyms
from accueil.web.deps import SessionDep, csrf_protect, require_roles
from accueil.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
EditorActor = Annotated[Actor, Depends(require_roles(Role.REDACTEUR, Role.VALIDEUR))]
EDITORS = (Role.REDACTEUR, Role.VALIDEUR)
NAV_ENTRIES: list[tuple[str, str, tuple[str, ...]]] = [
    ("Lacunes", "/kb/lacunes", EDITORS),
    ("Synonymes", "/kb/synonymes", EDITORS),
    ("Documents", "/kb/documents", EDITORS),
]
PAGE_SIZE = 50


def split_terms(raw: str) -> list[str]:
    """Terms typed one per line or separated by commas or semicolons."""
    return [t.strip() for t in re.split(r"[\n,;]", raw) if t.strip()]


@router.get("/kb/lacunes")
def gaps_page(
    request: Request,
    session: SessionDep,
    actor: EditorActor,
    statut: Annotated[str, Query(pattern="^(open|resolved)$")] = "open",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    ok: str | None = None,
) -> Response:
    rows, total = gaps.list_gaps(session, status=statut, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    return render(
        request,
        "search/gaps.html",
        {
            "gaps": rows,
            "total": total,
            "status": statut,
            "page": page,
            "pages": max(1, -(-total // PAGE_SIZE)),
            "flash": "Lacune mise à jour." if ok else None,
        },
    )


@router.post("/kb/lacunes/{gap_id}")
def gap_set_status(
    gap_id: int,
    session: SessionDep,
    actor: EditorActor,
    status: Annotated[str, Form(pattern="^(open|resolved)$")],
) -> Response:
    gaps.set_gap_status(session, gap_id, status=status, actor=actor)
    return RedirectResponse("/kb/lacunes?ok=1", status_code=303)


@router.get("/kb/synonymes")
def synonyms_page(request: Request, session: SessionDep, actor: EditorActor, ok: str | None = None) -> Response:
    return render(
        request,
        "search/synonyms.html",
        {"groups": synonyms.list_groups(session), "flash": "Dictionnaire mis à jour." if ok else None},
    )


@router.post("/kb/synonymes")
def synonyms_create(
    session: SessionDep,
    actor: EditorActor,
    terms: Annotated[str, Form(max_length=3000)],
    note: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    synonyms.create_group(session, terms=split_terms(terms), note=note, actor=actor)
    return RedirectResponse("/kb/synonymes?ok=1", status_code=303)


@router.post("/kb/synonymes/{group_id}")
def synonyms_update(
    group_id: int,
    session: SessionDep,
    actor: EditorActor,
    terms: Annotated[str, Form(max_length=3000)],
    note: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    synonyms.update_group(session, group_id, terms=split_terms(terms), note=note, actor=actor)
    return RedirectResponse(f"/kb/synonymes?ok=1#groupe-{group_id}", status_code=303)


@router.post("/kb/synonymes/{group_id}/supprimer")
def synonyms_delete(group_id: int, session: SessionDep, actor: EditorActor) -> Response:
    synonyms.delete_group(session, group_id, actor=actor)
    return RedirectResponse("/kb/synonymes?ok=1", status_code=303)
