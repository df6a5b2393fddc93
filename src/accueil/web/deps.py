"""FastAPI dependencies: settings, database session, current actor, roles, CSRF and rate limits."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable, Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from accueil.core.config import Settings
from accueil.core.errors import Forbidden, RateLimited, Unauthenticated
from accueil.identity.access import Actor
from accueil.identity.service import actor_for, resolve_session

SESSION_COOKIE = "accueil_session"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def get_settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.sessionmaker.begin() as session:  # one commit per request, or rollback
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]


class LoginRequired(Exception):
    """Raised for pages: the error handler redirects to the login page."""


def session_token(request: Request) -> tuple[str | None, bool]:
    """The login token and whether it came from a bearer header (which needs no CSRF token)."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip(), True
    return request.cookies.get(SESSION_COOKIE), False


def resolve_actor(request: Request, session: Session | None = None) -> Actor | None:
    """The logged-in actor, from the login cache when it can; without `session`, a short one is opened and
    closed here (routes that run their own unit of work then hold a single database connection)."""
    token, _ = session_token(request)
    cache = request.app.state.actor_cache
    actor = cache.get(token) if token else None
    if actor is None and token:
        if session is None:
            with request.app.state.sessionmaker() as own:
                user = resolve_session(own, token)
                actor = actor_for(own, user) if user is not None else None
        else:
            user = resolve_session(session, token)
            actor = actor_for(session, user) if user is not None else None
        if actor is not None:
            cache.put(token, actor)
    request.state.actor = actor
    return actor


def optional_actor(request: Request, session: SessionDep) -> Actor | None:
    return resolve_actor(request, session)


OptionalActor = Annotated[Actor | None, Depends(optional_actor)]


def ensure_actor(request: Request, actor: Actor | None, roles: tuple[str, ...] = ()) -> Actor:
    """The actor, or the French error an anonymous (401 / login page) or unauthorised (403) caller gets."""
    if actor is None:
        if request.url.path.startswith("/api/"):
            raise Unauthenticated()
        raise LoginRequired()
    if roles and not actor.has_role(*roles):
        raise Forbidden()
    return actor


async def current_actor(request: Request, actor: OptionalActor) -> Actor:
    return ensure_actor(request, actor)


CurrentActor = Annotated[Actor, Depends(current_actor)]


def require_roles(*roles: str) -> Callable[[Actor], Awaitable[Actor]]:
    async def dependency(actor: CurrentActor) -> Actor:
        if not actor.has_role(*roles):
            raise Forbidden()
        return actor

    return dependency


async def csrf_protect(request: Request) -> None:
    """Unsafe requests authenticated by cookie must carry the CSRF token (form field or header)."""
    if request.method not in UNSAFE_METHODS:
        return
    _, bearer = session_token(request)
    is_form = request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    )
    if bearer or (SESSION_COOKIE not in request.cookies and not is_form):
        return  # not authenticated by cookie: a cross-site request cannot act as anyone
    expected = request.scope.get("state", {}).get("csrf_token", "")
    sent = request.headers.get("x-csrf-token")
    if sent is None and is_form:
        form = await request.form()
        value = form.get("csrf_token")
        sent = value if isinstance(value, str) else None
    if not sent or not expected or not hmac.compare_digest(sent, expected):
        raise Forbidden("Jeton de sécurité (CSRF) absent ou invalide : rechargez la page et réessayez.")


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "inconnu"


def rate_limit(bucket: str, per_minute: int | None = None) -> Callable[[Request], Awaitable[None]]:
    async def dependency(request: Request) -> None:
        settings: Settings = request.app.state.settings
        limit = per_minute or settings.rate_limit_per_minute
        if not request.app.state.rate_limiter.hit(f"{bucket}:{client_ip(request)}", limit):
            raise RateLimited()

    return dependency
