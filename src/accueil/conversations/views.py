"""Staff pages over conversations (read-only here; the live-chat console builds on it)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from accueil.conversations import service
from accueil.identity.access import Actor
from accueil.identity.choices import Role
from accueil.referential import service as referential
from accueil.web.deps import SessionDep, require_roles
from accueil.web.templating import render

router = APIRouter(include_in_schema=False)
StaffActor = Annotated[Actor, Depends(require_roles(Role.AGENT, Role.SUPERVISEUR, Role.ANALYSTE))]


@router.get("/conversations")
def conversations_page(request: Request, session: SessionDep, actor: StaffActor) -> Response:
    orgs = {o.id: o.name for o in referential.list_organisations(session)}
    rows = service.list_conversations(session, actor, limit=100)
    return render(request, "conversations/list.html", {"rows": rows, "orgs": orgs})


@router.get("/conversations/{conversation_id}")
def conversation_page(request: Request, conversation_id: int, session: SessionDep, actor: StaffActor) -> Response:
    conversation = service.access_conversation(session, actor, conversation_id)
    org = (
        referential.organisation_by_id(session, conversation.organisation_id) if conversation.organisation_id else None
    )
    return render(
        request,
        "conversations/detail.html",
        {
            "c": conversation,
            "org": org,
            "messages": service.messages_of(session, conversation),
            "events": service.events_of(session, conversation),
        },
    )
