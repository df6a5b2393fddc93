"""Staff JSON API over conversations; every query goes through the organisation access rules."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from accueil.conversations import service
from accueil.conversations.schemas import ConversationDetail, ConversationOut
from accueil.identity.access import Actor
from accueil.identity.choices import Role
from accueil.web.deps import SessionDep, csrf_protect, require_roles

router = APIRouter(prefix="/api/v1/conversations", tags=["conversations"], dependencies=[Depends(csrf_protect)])
StaffActor = Annotated[Actor, Depends(require_roles(Role.AGENT, Role.SUPERVISEUR, Role.ANALYSTE))]


@router.get("", response_model=list[ConversationOut])
def list_conversations(
    session: SessionDep,
    actor: StaffActor,
    status: Annotated[str | None, Query(pattern="^(bot|queued|assigned|closed)$")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Any:
    return service.list_conversations(session, actor, status=status, limit=limit, offset=offset)


@router.get("/{conversation_id}", response_model=ConversationDetail)
def get_conversation(conversation_id: int, session: SessionDep, actor: StaffActor) -> Any:
    conversation = service.access_conversation(session, actor, conversation_id)
    return ConversationDetail.model_validate(
        {
            **ConversationOut.model_validate(conversation).model_dump(),
            "messages": service.messages_of(session, conversation),
        }
    )
