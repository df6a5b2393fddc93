"""Pages of the live chat: the agent console, the supervision view, and a direct live-chat page for usagers."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from accueil.livechat.deps import AgentActor, OptionalLiveActor, RuntimeDep, SupervisorActor
from accueil.referential.taxonomy import load_taxonomy
from accueil.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/console")
def console(request: Request, actor: AgentActor, rt: RuntimeDep) -> Response:
    return render(request, "livechat/console.html", {"motifs": rt.policy.motifs})


@router.get("/supervision")
def supervision_page(request: Request, actor: SupervisorActor, rt: RuntimeDep) -> Response:
    return render(request, "livechat/supervision.html", {"threshold_s": int(rt.policy.service_level_s)})


@router.get("/livechat")
def usager_page(request: Request, rt: RuntimeDep, actor: OptionalLiveActor) -> Response:
    """Parler à un conseiller sans passer par le bot (page publique, sans connexion)."""
    from accueil.referential import service as referential

    taxonomy = load_taxonomy()
    skills = [
        (code, text.split(":")[0].split(",")[0].split("(")[0].strip()) for code, text in taxonomy.routing_skills.items()
    ]
    publics = rt.tx(lambda s: [(p.code, p.name) for p in referential.list_publics(s)])
    return render(request, "livechat/usager.html", {"skills": skills, "publics": publics})
