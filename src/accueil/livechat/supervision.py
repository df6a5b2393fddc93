"""The supervisor's view, scoped to their organisations: live queues, agents and their load, service level,
abandonment; and reassigning a conversation (to an agent, or back to its queue)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from accueil.conversations import service as conversations
from accueil.conversations.choices import Status
from accueil.core.errors import Conflict, Forbidden
from accueil.identity import service as identity
from accueil.identity.access import Actor
from accueil.identity.choices import Role
from accueil.referential import service as referential
from accueil.routing import (
    Presence,
    RoutingPolicy,
    accept,
    agents_figures,
    queue_figures,
    reassign_to,
    requeue,
    service_level,
    system_message,
)


def scope(session: Session, actor: Actor) -> list[int]:
    allowed = actor.organisation_filter()
    if allowed is None:
        return [o.id for o in referential.list_organisations(session)]
    return sorted(allowed)


def snapshot(session: Session, actor: Actor, *, policy: RoutingPolicy, now: datetime) -> dict[str, Any]:
    allowed = actor.organisation_filter()
    local_midnight = now.astimezone(ZoneInfo(policy.hours.timezone)).replace(hour=0, minute=0, second=0, microsecond=0)
    level = service_level(session, organisation_ids=allowed, policy=policy, since=local_midnight)
    names = {o.id: o.code for o in referential.list_organisations(session)}
    queues = queue_figures(session, organisation_ids=allowed, policy=policy, now=now)
    agents = agents_figures(session, organisation_ids=allowed)
    return {
        "generated_at": now.isoformat(),
        "service_level": {
            "threshold_s": level.threshold_s,
            "target_percent": policy.service_level_target,
            "taken": level.taken,
            "taken_in_time": level.taken_in_time,
            "abandoned": level.abandoned,
            "percent": level.percent,
            "abandonment_percent": level.abandonment_percent,
        },
        "queues": [
            {
                "queue_id": q.queue_id,
                "organisation": q.organisation,
                "skill": q.skill,
                "waiting": q.waiting,
                "longest_wait_s": q.longest_wait_s,
                "estimated_wait_s": round(q.estimated_wait_s) if q.estimated_wait_s is not None else None,
                "erlang_c_wait_s": round(q.erlang_c_wait_s) if q.erlang_c_wait_s is not None else None,
                "next_range": q.next_range,
                "agents_available": q.agents_available,
                "entries": q.entries,
            }
            for q in queues
        ],
        "agents": [
            {
                "user_id": a.user_id,
                "name": a.full_name,
                "presence": a.presence,
                "presence_label": Presence(a.presence).label,
                "load": a.load,
                "max_chats": a.max_chats,
                "skills": sorted(a.skills),
                "organisations": sorted(names.get(o, "?") for o in a.organisation_ids),
            }
            for a in agents
        ],
        "waiting_total": sum(q.waiting for q in queues),
    }


def reassign(
    session: Session, actor: Actor, conversation_id: int, *, agent_id: int | None, now: datetime
) -> dict[str, Any]:
    """Give a queued or assigned conversation to an agent; without an agent, put it back at the head of its queue."""
    conversation = conversations.access_conversation(session, actor, conversation_id)
    if conversation.status == Status.CLOSED.value:
        raise Conflict("Cette conversation est close.")
    if agent_id is None:
        if conversation.status != Status.ASSIGNED.value:
            raise Conflict("Cette conversation est déjà en file d'attente.")
        requeue(
            session,
            conversation,
            reason="supervisor",
            now=now,
            message="Un autre conseiller va prendre la suite : vous êtes replacé en tête de file d'attente.",
        )
        return {"status": conversation.status}
    target_user = identity.get_user(session, agent_id)
    if Role.AGENT not in target_user.roles or not target_user.active:
        raise Forbidden("Le destinataire doit être un agent actif.")
    if not actor.can_reach_organisation(next(iter(target_user.organisation_ids), None)):
        raise Forbidden("Cet agent n'appartient pas à vos organisations.")
    if conversation.status == Status.QUEUED.value:
        accept(session, conversation.id, agent=identity.actor_for(session, target_user), now=now)
    else:
        target = reassign_to(session, conversation, target_id=agent_id, now=now)
        system_message(
            session, conversation, f"{target.first_name} prend la suite de la conversation.", event="reassign"
        )
    conversations.record_event(
        session, "handoff_reassigned", conversation=conversation, data={"to_agent": agent_id, "by": actor.user_id}
    )
    return {"status": conversation.status}
