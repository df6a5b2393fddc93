"""Jinja2 templates gathered from every package's templates/ folder, with the shared globals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape
from starlette.responses import HTMLResponse

from accueil.identity.access import Actor
from accueil.identity.choices import ROLE_LABELS, Role

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def _template_dirs() -> list[str]:
    dirs = [str(PACKAGE_DIR / "web" / "templates")]
    dirs += sorted(str(p) for p in PACKAGE_DIR.glob("*/templates") if p.parent.name != "web")
    dirs += sorted(str(p) for p in PACKAGE_DIR.glob("*/*/templates"))  # sub-packages (knowledge/search...)
    return dirs


def make_templates(*, auto_reload: bool = True) -> Jinja2Templates:
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(d) for d in _template_dirs()]),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True, default=True),
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=auto_reload,
    )
    env.globals["role_labels"] = {role.value: label for role, label in ROLE_LABELS.items()}
    env.filters["datetime_fr"] = lambda value: value.strftime("%d/%m/%Y %H:%M") if value else ""
    env.filters["date_fr"] = lambda value: value.strftime("%d/%m/%Y") if value else ""
    return Jinja2Templates(env=env)


NAV: list[tuple[str, str, tuple[str, ...]]] = [
    ("Accueil", "/", ()),
    ("État du déploiement", "/deploiement", ()),
    ("Conversations", "/conversations", (Role.AGENT, Role.SUPERVISEUR)),
    ("Utilisateurs", "/admin/utilisateurs", (Role.ADMIN,)),
    ("Référentiel", "/admin/referentiel", (Role.ADMIN,)),
    ("Journal d'audit", "/admin/journal", (Role.ADMIN,)),
]


def nav_for(actor: Actor | None, extra: list[tuple[str, str, tuple[str, ...]]]) -> list[tuple[str, str]]:
    if actor is None:
        return []
    return [(label, href) for label, href, roles in NAV + extra if not roles or actor.has_role(*roles)]


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, *, status_code: int = 200
) -> HTMLResponse:
    actor: Actor | None = getattr(request.state, "actor", None)
    ctx: dict[str, Any] = {
        "request": request,
        "actor": actor,
        "csrf_token": request.scope.get("state", {}).get("csrf_token", ""),
        "nav": nav_for(actor, request.app.state.extra_nav),
        "current_path": request.url.path,
    }
    ctx.update(context or {})
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(request, template, ctx, status_code=status_code)
