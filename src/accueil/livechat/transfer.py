"""Transfers: to another agent (they get it at once), or to a skill and/or organisation queue (checked open
and staffed first). An invalid transfer changes nothing: the conversation stays with its agent."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from accueil.conversations import service as conversations
from accueil.conversations.models import Conversation
from accueil.core.errors import Conflict, InvalidInput, NotFound
from accueil.identity.access import Actor
from accueil.livechat.models import Note
from accueil.referential import service as referential
from accueil.referential.taxonomy import load_taxonomy
from accueil.routing import (
    RoutingPolicy,
    conversation_channel,
    enter_queue,
    is_staffed,
    notify,
    offer,
    reassign_to,
    release,
    require_handler,
    system_message,
    taken_entry,
)


def transfer(
    session: Session,
    actor: Actor,
    conversation_id: int,
    *,
    agent_id: int | None = None,
    skill: str | None = None,
    organisation_code: str | None = None,
    note: str = "",
    policy: RoutingPolicy,
    now: datetime,
) -> dict[str, Any]:
    """To an agent (they get it at once), or to a skill and/or organisation queue (checked open and staffed).
    An invalid transfer changes nothing: the conversation stays with its agent."""
    conversation = conversations.access_conversation(session, actor, conversation_id)
    require_handler(conversation, actor)
    if agent_id is None and not skill and not organisation_code:
        raise InvalidInput("Choisissez un agent, une compétence ou une organisation de destination.")
    if agent_id is not None and (skill or organisation_code):
        raise InvalidInput("Transférez soit à un agent, soit vers une file (compétence ou organisation), pas les deux.")
    entry = taken_entry(session, conversation)
    if agent_id is not None:
        if agent_id == actor.user_id:
            raise InvalidInput("Vous suivez déjà cette conversation.")
        target = reassign_to(session, conversation, target_id=agent_id, now=now)
        _transfer_note(session, actor, conversation, f"Transfert à {target.full_name}", note)
        system_message(
            session, conversation, f"{target.first_name} prend la suite de la conversation.", event="transfer"
        )
        conversations.record_event(
            session,
            "handoff_transferred",
            conversation=conversation,
            data={"to_agent": agent_id, "from": actor.user_id},
        )
        return {"status": conversation.status, "to": target.full_name}
    target_skill = skill or entry.skill
    if target_skill not in load_taxonomy().routing_skills:
        raise InvalidInput(f"Compétence inconnue : « {target_skill} ».")
    if organisation_code:
        try:
            organisation = referential.get_organisation(session, organisation_code)
        except NotFound:
            raise InvalidInput(f"Organisation inconnue : « {organisation_code} ».") from None
    else:
        found = referential.organisation_by_id(session, entry.organisation_id)
        if found is None:
            raise InvalidInput("Organisation de destination introuvable.")
        organisation = found
    if organisation.id == entry.organisation_id and target_skill == entry.skill:
        raise InvalidInput(
            "La conversation est déjà dans cette file : choisissez une autre compétence ou organisation."
        )
    if not policy.hours_for(organisation.code, target_skill).is_open(now):
        raise Conflict(
            f"La file « {target_skill} » de {organisation.name} est fermée en ce moment : transfert impossible."
        )
    if not is_staffed(session, organisation, target_skill, policy):
        raise Conflict(f"Aucun conseiller de {organisation.name} n'a la compétence « {target_skill} » en service.")
    release(session, conversation, reason="transfer", now=now)
    conversation.organisation_id = organisation.id
    new_entry = enter_queue(
        session,
        conversation,
        organisation_id=organisation.id,
        skill=target_skill,
        priority=entry.priority + 5,
        now=now,
        reason="transfer",
    )
    new_entry.home_organisation_id = organisation.id
    _transfer_note(session, actor, conversation, f"Transfert vers {organisation.name} / {target_skill}", note)
    system_message(
        session,
        conversation,
        f"Votre demande est transférée à un conseiller spécialisé ({organisation.name}) : merci de patienter.",
        event="transfer",
    )
    conversations.record_event(
        session,
        "handoff_transferred",
        conversation=conversation,
        data={"to_skill": target_skill, "to_organisation": organisation.code, "from": actor.user_id},
    )
    notify(session, conversation_channel(conversation.id), {"type": "status", "status": conversation.status})
    offer(session, new_entry, now=now)
    return {"status": conversation.status, "to": f"{organisation.name} / {target_skill}"}


def _transfer_note(session: Session, actor: Actor, conversation: Conversation, head: str, note: str) -> None:
    text = head + (f" — {note.strip()}" if note.strip() else "")
    session.add(Note(conversation_id=conversation.id, author_id=actor.user_id, text=text[:5000]))
    session.flush()
