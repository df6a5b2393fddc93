"""Shell pages: home per role, login and logout, health probes."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlparse

from fastapi import APIRouter, Depends, Form, Request
from sqlalchemy import text
from starlette.responses import JSONResponse, RedirectResponse, Response

from accueil.core.errors import Unauthenticated
from accueil.identity import service as identity
from accueil.identity.access import Actor
from accueil.identity.choices import Role
from accueil.web.deps import (
    SESSION_COOKIE,
    CurrentActor,
    OptionalActor,
    SessionDep,
    SettingsDep,
    csrf_protect,
    rate_limit,
)
from accueil.web.templating import render

router = APIRouter(include_in_schema=False)

HOME_CARDS: list[tuple[str, str, str, tuple[str, ...]]] = [
    ("État du déploiement", "/deploiement", "La matrice composants × publics et l'objectif 2027.", ()),
    ("Conversations", "/conversations", "Les conversations de vos organisations.", (Role.AGENT, Role.SUPERVISEUR)),
    ("Utilisateurs", "/admin/utilisateurs", "Comptes, rôles, organisations et compétences.", (Role.ADMIN,)),
    ("Référentiel", "/admin/referentiel", "Publics, organisations et déploiements.", (Role.ADMIN,)),
    ("Journal d'audit", "/admin/journal", "Qui a modifié quoi, et quand.", (Role.ADMIN,)),
]


def cards_for(actor: Actor, extra: list[tuple[str, str, str, tuple[str, ...]]]) -> list[tuple[str, str, str]]:
    return [(t, h, d) for t, h, d, roles in HOME_CARDS + extra if not roles or actor.has_role(*roles)]


@router.get("/")
def home(request: Request, actor: CurrentActor) -> Response:
    extra = getattr(request.app.state, "extra_home_cards", [])
    return render(request, "home.html", {"cards": cards_for(actor, extra)})


def _safe_next(target: str | None) -> str:
    if not target:
        return "/"
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


@router.get("/connexion")
def login_page(request: Request, actor: OptionalActor, suivant: str | None = None) -> Response:
    if actor is not None:
        return RedirectResponse(_safe_next(suivant), status_code=303)
    return render(request, "login.html", {"suivant": _safe_next(suivant)})


@router.post("/connexion", dependencies=[Depends(csrf_protect), Depends(rate_limit("login", 20))])
def login_submit(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    email: Annotated[str, Form(max_length=254)],
    password: Annotated[str, Form(max_length=200)],
    suivant: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    try:
        user = identity.authenticate(
            session,
            email,
            password,
            max_failures=settings.login_max_failures,
            lockout_minutes=settings.login_lockout_minutes,
        )
    except Unauthenticated as exc:
        session.commit()  # keep the failure counter even though the request fails
        return render(
            request,
            "login.html",
            {"error": exc.message, "email": email, "suivant": _safe_next(suivant)},
            status_code=401,
        )
    token, _ = identity.open_session(session, user, hours=settings.session_hours)
    response = RedirectResponse(_safe_next(suivant), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
        path="/",
    )
    return response


@router.post("/deconnexion", dependencies=[Depends(csrf_protect)])
def logout(request: Request, session: SessionDep) -> Response:
    identity.close_session(session, request.cookies.get(SESSION_COOKIE))
    request.app.state.actor_cache.drop(request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/connexion", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/healthz", include_in_schema=True, tags=["santé"])
def healthz() -> dict[str, str]:
    return {"statut": "ok"}


@router.get("/readyz", include_in_schema=True, tags=["santé"])
def readyz(request: Request) -> Response:
    try:
        with request.app.state.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:
        return JSONResponse({"statut": "indisponible", "base_de_donnees": "injoignable"}, status_code=503)
    return JSONResponse({"statut": "pret", "base_de_donnees": "ok", "assistant": _assistant_state(request)})


def _assistant_state(request: Request) -> str:
    """pret: built; en_preparation: the start-up warm-up is running (model training on a first install);
    a_la_demande: built by the first conversation (no warm-up); erreur: the warm-up failed (see the logs)."""
    if getattr(request.app.state, "assistant", None) is not None:
        return "pret"
    warm_up = getattr(request.app.state, "warm_up", None)
    if warm_up is None:
        return "a_la_demande"
    return "en_preparation" if warm_up.is_alive() else "erreur"
