"""The embeddable widget (one script tag) and a demo host page with a public selector."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from starlette.responses import FileResponse, Response

from accueil.referential import service as referential
from accueil.web.deps import SessionDep
from accueil.web.templating import render

router = APIRouter(include_in_schema=False)
STATIC_DIR = Path(__file__).resolve().parent / "static"
CACHE = {"Cache-Control": "public, max-age=300"}


@router.get("/widget/accueil-widget.js")
def widget_script() -> Response:
    return FileResponse(STATIC_DIR / "accueil-widget.js", media_type="text/javascript; charset=utf-8", headers=CACHE)


@router.get("/widget/accueil-widget.css")
def widget_style() -> Response:
    return FileResponse(STATIC_DIR / "accueil-widget.css", media_type="text/css; charset=utf-8", headers=CACHE)


@router.get("/demo")
def demo(request: Request, session: SessionDep, public: str = "") -> Response:
    """A host page as a partner site would have it: the widget tag with the public of the visitor."""
    publics = referential.list_publics(session)
    codes = {p.code for p in publics}
    chosen = public.upper() if public.upper() in codes else ""
    live = set(referential.live_publics(session, "chatbot"))
    return render(request, "assistant/demo.html", {"publics": publics, "chosen": chosen, "live": live})


HOME_CARDS: list[tuple[str, str, str, tuple[str, ...]]] = [
    ("Démonstration de l'assistant", "/demo", "Le widget de l'assistant intégré à une page hôte, public au choix.", ()),
]
