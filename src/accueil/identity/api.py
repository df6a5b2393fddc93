"""JSON API of identity: token login, current user, users administration, audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from accueil.core.clock import utcnow
from accueil.identity import audit
from accueil.identity import service as identity
from accueil.identity.access import Actor
from accueil.identity.choices import Role
from accueil.identity.models import User
from accueil.identity.schemas import AuditOut, LoginIn, MeOut, TokenOut, UserIn, UserOut
from accueil.referential.models import Organisation
from accueil.web.deps import (
    CurrentActor,
    SessionDep,
    SettingsDep,
    csrf_protect,
    rate_limit,
    require_roles,
    session_token,
)

router = APIRouter(prefix="/api/v1", tags=["identité"], dependencies=[Depends(csrf_protect)])
AdminActor = Annotated[Actor, Depends(require_roles(Role.ADMIN))]


def user_out(session: Session, user: User) -> UserOut:
    codes = dict(session.execute(select(Organisation.id, Organisation.code)).tuples().all())
    return UserOut(
        id=user.id,
        email=user.email,
        full_name=user.full_name,
        roles=sorted(user.roles),
        organisations=sorted(codes[i] for i in user.organisation_ids),
        skills=list(user.skills),
        max_chats=user.max_chats,
        active=user.active,
        locked=user.locked_until is not None and user.locked_until > utcnow(),
    )


def _as_input(body: UserIn) -> identity.UserInput:
    return identity.UserInput(
        email=body.email,
        full_name=body.full_name,
        roles=tuple(body.roles),
        organisation_codes=tuple(body.organisations),
        skills=tuple(body.skills),
        max_chats=body.max_chats,
        password=body.password,
        active=body.active,
    )


@router.post("/auth/token", response_model=TokenOut, dependencies=[Depends(rate_limit("login", 20))])
def login_token(body: LoginIn, session: SessionDep, settings: SettingsDep) -> TokenOut:
    """Exchange an e-mail and password for a bearer token (for API clients)."""
    try:
        user = identity.authenticate(
            session,
            body.email,
            body.password,
            max_failures=settings.login_max_failures,
            lockout_minutes=settings.login_lockout_minutes,
        )
    except Exception:
        session.commit()  # keep the failure counter
        raise
    token, row = identity.open_session(session, user, hours=settings.session_hours)
    return TokenOut(token=token, expires_at=row.expires_at)


@router.post("/auth/logout", status_code=204)
def logout_token(request: Request, session: SessionDep) -> None:
    token, _ = session_token(request)
    identity.close_session(session, token)
    request.app.state.actor_cache.drop(token)


@router.get("/me", response_model=MeOut)
def me(actor: CurrentActor) -> MeOut:
    return MeOut(
        id=actor.user_id,
        email=actor.email,
        full_name=actor.full_name,
        roles=sorted(actor.roles),
        organisation_ids=sorted(actor.organisation_ids),
        national=actor.national,
    )


@router.get("/users", response_model=list[UserOut])
def list_users(session: SessionDep, actor: AdminActor, role: str | None = None) -> list[UserOut]:
    return [user_out(session, u) for u in identity.list_users(session, role=role)]


@router.post("/users", response_model=UserOut, status_code=201)
def create_user(body: UserIn, session: SessionDep, actor: AdminActor) -> UserOut:
    return user_out(session, identity.create_user(session, _as_input(body), actor=actor))


@router.get("/users/{user_id}", response_model=UserOut)
def get_user(user_id: int, session: SessionDep, actor: AdminActor) -> UserOut:
    return user_out(session, identity.get_user(session, user_id))


@router.put("/users/{user_id}", response_model=UserOut)
def update_user(request: Request, user_id: int, body: UserIn, session: SessionDep, actor: AdminActor) -> UserOut:
    request.app.state.actor_cache.clear()
    return user_out(session, identity.update_user(session, user_id, _as_input(body), actor=actor))


@router.post("/users/{user_id}/unlock", response_model=UserOut)
def unlock_user(user_id: int, session: SessionDep, actor: AdminActor) -> UserOut:
    return user_out(session, identity.unlock_user(session, user_id, actor=actor))


@router.get("/audit", response_model=list[AuditOut])
def audit_log(
    session: SessionDep,
    actor: AdminActor,
    action: str | None = None,
    object_type: str | None = None,
    by: Annotated[str | None, Query(max_length=254)] = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Any:
    rows, _ = audit.list_entries(
        session, audit.AuditFilter(action, object_type, by, since, until), limit=limit, offset=offset
    )
    return rows
