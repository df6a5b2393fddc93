"""Administration pages: users and the audit log."""

from __future__ import annotations

from datetime import datetime, time
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.responses import RedirectResponse, Response

from accueil.core.clock import utcnow
from accueil.core.errors import Conflict, InvalidInput
from accueil.identity import audit
from accueil.identity import service as identity
from accueil.identity.access import Actor
from accueil.identity.choices import ROLE_LABELS, Role
from accueil.referential import service as referential
from accueil.referential.taxonomy import load_taxonomy
from accueil.web.deps import SessionDep, csrf_protect, require_roles
from accueil.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
AdminActor = Annotated[Actor, Depends(require_roles(Role.ADMIN))]


@router.get("/admin/utilisateurs")
def users_page(request: Request, session: SessionDep, actor: AdminActor, ok: str | None = None) -> Response:
    orgs = {o.id: o.code for o in referential.list_organisations(session)}
    return render(
        request,
        "identity/users.html",
        {
            "users": identity.list_users(session),
            "orgs": orgs,
            "now": utcnow(),
            "flash": "Modification enregistrée." if ok else None,
        },
    )


def _form_context(session: SessionDep) -> dict[str, object]:
    return {
        "roles": [(r.value, ROLE_LABELS[r]) for r in Role],
        "organisations": referential.list_organisations(session),
        "skills": sorted(load_taxonomy().routing_skills.items()),
    }


@router.get("/admin/utilisateurs/nouveau")
def new_user_page(request: Request, session: SessionDep, actor: AdminActor) -> Response:
    return render(request, "identity/user_form.html", {**_form_context(session), "user": None, "values": {}})


@router.get("/admin/utilisateurs/{user_id}")
def edit_user_page(request: Request, user_id: int, session: SessionDep, actor: AdminActor) -> Response:
    user = identity.get_user(session, user_id)
    orgs = {o.id: o.code for o in referential.list_organisations(session)}
    values = {
        "email": user.email,
        "full_name": user.full_name,
        "roles": list(user.roles),
        "organisations": [orgs[i] for i in user.organisation_ids],
        "skills": list(user.skills),
        "max_chats": user.max_chats,
        "active": user.active,
    }
    return render(request, "identity/user_form.html", {**_form_context(session), "user": user, "values": values})


async def _read_user_form(request: Request) -> tuple[identity.UserInput, dict[str, object]]:
    form = await request.form()
    max_chats_raw = str(form.get("max_chats") or "3")
    values: dict[str, object] = {
        "email": str(form.get("email") or "")[:254],
        "full_name": str(form.get("full_name") or "")[:200],
        "roles": [str(v) for v in form.getlist("roles")],
        "organisations": [str(v) for v in form.getlist("organisations")],
        "skills": [str(v) for v in form.getlist("skills")],
        "max_chats": max_chats_raw,
        "active": form.get("active") == "on",
    }
    password = str(form.get("password") or "")[:200] or None
    data = identity.UserInput(
        email=str(values["email"]),
        full_name=str(values["full_name"]),
        roles=tuple(values["roles"]),  # type: ignore[arg-type]
        organisation_codes=tuple(values["organisations"]),
        skills=tuple(values["skills"]),  # type: ignore[arg-type]
        max_chats=int(max_chats_raw) if max_chats_raw.isdigit() else 0,
        password=password,
        active=bool(values["active"]),
    )
    return data, values


@router.post("/admin/utilisateurs/nouveau")
async def create_user_submit(request: Request, session: SessionDep, actor: AdminActor) -> Response:
    data, values = await _read_user_form(request)
    try:
        identity.create_user(session, data, actor=actor)
    except (InvalidInput, Conflict) as exc:
        return render(
            request,
            "identity/user_form.html",
            {
                **_form_context(session),
                "user": None,
                "values": values,
                "error": exc.message,
                "errors": exc.details or {},
            },
            status_code=422,
        )
    return RedirectResponse("/admin/utilisateurs?ok=1", status_code=303)


@router.post("/admin/utilisateurs/{user_id}")
async def update_user_submit(request: Request, user_id: int, session: SessionDep, actor: AdminActor) -> Response:
    user = identity.get_user(session, user_id)
    data, values = await _read_user_form(request)
    try:
        identity.update_user(session, user_id, data, actor=actor)
        request.app.state.actor_cache.clear()
    except (InvalidInput, Conflict) as exc:
        return render(
            request,
            "identity/user_form.html",
            {
                **_form_context(session),
                "user": user,
                "values": values,
                "error": exc.message,
                "errors": exc.details or {},
            },
            status_code=422,
        )
    return RedirectResponse("/admin/utilisateurs?ok=1", status_code=303)


@router.post("/admin/utilisateurs/{user_id}/deverrouiller")
def unlock_submit(user_id: int, session: SessionDep, actor: AdminActor) -> Response:
    identity.unlock_user(session, user_id, actor=actor)
    return RedirectResponse("/admin/utilisateurs?ok=1", status_code=303)


def _parse_day(value: str | None, *, end: bool) -> datetime | None:
    if not value:
        return None
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise InvalidInput("Date invalide : utilisez le format AAAA-MM-JJ.") from None
    return datetime.combine(day, time.max if end else time.min).replace(tzinfo=utcnow().tzinfo)


@router.get("/admin/journal")
def audit_page(
    request: Request,
    session: SessionDep,
    actor: AdminActor,
    action: str | None = None,
    object_type: str | None = None,
    par: str | None = None,
    du: str | None = None,
    au: str | None = None,
    page: int = 1,
) -> Response:
    page = max(1, min(page, 10_000))
    flt = audit.AuditFilter(
        action or None, object_type or None, par or None, _parse_day(du, end=False), _parse_day(au, end=True)
    )
    rows, total = audit.list_entries(session, flt, limit=50, offset=(page - 1) * 50)
    return render(
        request,
        "identity/audit.html",
        {
            "rows": rows,
            "total": total,
            "page": page,
            "pages": max(1, (total + 49) // 50),
            "actions": audit.distinct_actions(session),
            "filters": {
                "action": action or "",
                "object_type": object_type or "",
                "par": par or "",
                "du": du or "",
                "au": au or "",
            },
        },
    )
