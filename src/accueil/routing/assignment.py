"""Assignment: offer to the longest-idle eligible agent, accept (exactly one winner), release, requeue.

The race between agents is settled by one conditional UPDATE (`... WHERE status = 'queued'`) whose row
count says who won; everything else in this module reads, then writes only after winning.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from accueil.conversations import service as conversations
from accueil.conversations.choices import Status
from accueil.conversations.models import Conversation
from accueil.core.errors import Conflict, Forbidden, NotFound
from accueil.identity.access import Actor
from accueil.referential import service as referential
from accueil.routing.agents import AgentView, agent_view, agent_views, eligible, state_of
from accueil.routing.choices import EntryState, Presence
from accueil.routing.models import QueueEntry
from accueil.routing.notify import agent_channel, conversation_channel, notify
from accueil.routing.queues import close_entry, enter_queue, open_entry, queue_changed, system_message, wait_seconds

REQUEUE_BOOST = 10  # a conversation that comes back (agent gone, supervisor) is served before new arrivals
TAKEN_ELSEWHERE = "Cette conversation a déjà été prise en charge par un autre conseiller."


def entry_organisations(entry: QueueEntry) -> set[int]:
    """Agents of these organisations may take the entry (its queue, and its home organisation after overflow)."""
    return {entry.organisation_id, entry.home_organisation_id}


def candidates(session: Session, entry: QueueEntry, *, exclude: int | None = None) -> list[AgentView]:
    """Available agents with the skill, the organisation and free capacity, longest idle first."""
    views = agent_views(session, presences=[Presence.AVAILABLE.value])
    found = [
        v
        for v in eligible(views, organisation_ids=entry_organisations(entry), skill=entry.skill)
        if v.free > 0 and v.user_id != exclude
    ]
    return sorted(found, key=lambda v: (v.offers, v.idle_since, v.user_id))  # not already busy with an offer first


def _claim_offer(session: Session, entry: QueueEntry, agent_id: int, now: datetime) -> bool:
    """Record the offer unless another process offered the entry first (conditional UPDATE)."""
    claimed = session.execute(
        update(QueueEntry)
        .where(
            QueueEntry.id == entry.id,
            QueueEntry.state == EntryState.WAITING.value,
            QueueEntry.offered_agent_id.is_(None),
        )
        .values(offered_agent_id=agent_id, offered_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return False
    entry.offered_agent_id, entry.offered_at = agent_id, now
    notify(session, agent_channel(agent_id), {"type": "offer", "conversation_id": entry.conversation_id})
    return True


def offer(session: Session, entry: QueueEntry, *, now: datetime, exclude: int | None = None) -> int | None:
    """Offer the entry to the longest-idle eligible agent; returns the agent id (None when nobody is free)."""
    if entry.offered_agent_id is not None:
        return entry.offered_agent_id
    for view in candidates(session, entry, exclude=exclude):
        if _claim_offer(session, entry, view.user_id, now):
            return view.user_id
        return None
    return None


def dispatch(session: Session, entries: Sequence[QueueEntry], *, now: datetime) -> int:
    """Offer the waiting entries without a pending offer, in queue order, while eligible agents are free.
    Agents are read once; their free capacity is counted down as offers are made."""
    pending = [e for e in entries if e.state == EntryState.WAITING.value and e.offered_agent_id is None]
    if not pending:
        return 0
    order = [v for v in agent_views(session, presences=[Presence.AVAILABLE.value]) if v.free > 0]
    free = {v.user_id: v.free for v in order}
    made = 0
    for entry in pending:
        if not any(free.values()):
            break
        for view in eligible(order, organisation_ids=entry_organisations(entry), skill=entry.skill):
            if free[view.user_id] > 0:
                if _claim_offer(session, entry, view.user_id, now):
                    free[view.user_id] -= 1
                    made += 1
                    order.remove(view)
                    order.append(view)  # the next entry goes to the next longest-idle agent
                break
    session.flush()
    return made


def _check_agent_may_take(view: AgentView, entry: QueueEntry) -> None:
    if entry.skill not in view.skills:
        raise Forbidden(f"Vous n'avez pas la compétence « {entry.skill} » requise pour cette conversation.")
    if not entry_organisations(entry) & view.organisation_ids:
        raise Forbidden("Cette conversation relève d'une organisation dont vous n'êtes pas membre.")
    if view.load >= view.max_chats:
        raise Conflict(
            f"Vous avez atteint votre nombre maximal de conversations simultanées ({view.max_chats}) : "
            "terminez-en une avant d'en accepter une autre."
        )


def accept(session: Session, conversation_id: int, *, agent: Actor, now: datetime) -> Conversation:
    """The agent takes a queued conversation. Exactly one of two simultaneous agents wins; the winner may
    click again (idempotent); the loser gets a clear French message."""
    conversation = conversations.access_conversation(session, agent, conversation_id)
    if conversation.status == Status.ASSIGNED.value and conversation.assigned_agent_id == agent.user_id:
        return conversation
    entry = open_entry(session, conversation_id)
    if conversation.status != Status.QUEUED.value or entry is None or entry.state != EntryState.WAITING.value:
        raise Conflict(
            TAKEN_ELSEWHERE
            if conversation.status == Status.ASSIGNED.value
            else "Cette conversation n'est plus en file d'attente."
        )
    view = agent_view(session, agent.user_id)
    _check_agent_may_take(view, entry)
    won = session.execute(
        update(Conversation)
        .where(Conversation.id == conversation_id, Conversation.status == Status.QUEUED.value)
        .values(status=Status.ASSIGNED.value, assigned_agent_id=agent.user_id, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if won.rowcount != 1:  # type: ignore[attr-defined]
        session.refresh(conversation)
        if conversation.assigned_agent_id == agent.user_id:
            return conversation
        raise Conflict(TAKEN_ELSEWHERE)
    session.refresh(conversation)
    entry.state = EntryState.TAKEN.value
    entry.agent_id = agent.user_id
    entry.taken_at = now
    entry.offered_agent_id = None
    state_of(session, agent.user_id, now=now).idle_since = now  # least recently assigned is offered first
    session.flush()
    waited = round(wait_seconds(entry, now), 1)
    conversations.record_event(
        session, "handoff_accepted", conversation=conversation, data={"agent_id": agent.user_id, "wait_s": waited}
    )
    conversations.record_event(
        session,
        "queue_left",
        conversation=conversation,
        data={"reason": "taken", "wait_s": waited, "skill": entry.skill},
    )
    organisation = referential.organisation_by_id(session, conversation.organisation_id or entry.organisation_id)
    where = f" de {organisation.name}" if organisation else ""
    system_message(
        session, conversation, f"{view.first_name}, conseiller{where}, a rejoint la conversation.", event="accepted"
    )
    _announce(session, conversation, agent_id=agent.user_id, agent_name=view.first_name)
    queue_changed(session, entry)
    return conversation


def _announce(session: Session, conversation: Conversation, *, agent_id: int | None, agent_name: str = "") -> None:
    notify(
        session,
        conversation_channel(conversation.id),
        {"type": "status", "status": conversation.status, "agent_name": agent_name},
    )
    if agent_id is not None:
        notify(session, agent_channel(agent_id), {"type": "assigned", "conversation_id": conversation.id})


def taken_entry(session: Session, conversation: Conversation) -> QueueEntry:
    entry = open_entry(session, conversation.id)
    if entry is None or entry.state != EntryState.TAKEN.value or conversation.status != Status.ASSIGNED.value:
        raise Conflict("Cette conversation n'est pas prise en charge par un conseiller.")
    return entry


def require_handler(conversation: Conversation, actor: Actor) -> None:
    """Only the assigned agent acts on a conversation (supervisors go through reassign)."""
    if conversation.status != Status.ASSIGNED.value:
        raise Conflict("Cette conversation n'est pas (ou plus) prise en charge.")
    if conversation.assigned_agent_id != actor.user_id:
        raise Conflict("Cette conversation est suivie par un autre conseiller.")


def release(session: Session, conversation: Conversation, *, reason: str, now: datetime) -> QueueEntry | None:
    """End the handling slot of a conversation (closed, transferred to a queue, requeued)."""
    entry = open_entry(session, conversation.id)
    if entry is None:
        return None
    previous = conversation.assigned_agent_id
    close_entry(session, entry, state=EntryState.DONE, reason=reason, now=now)
    if previous is not None:
        notify(session, agent_channel(previous), {"type": "released", "conversation_id": conversation.id})
    return entry


def requeue(
    session: Session,
    conversation: Conversation,
    *,
    reason: str,
    now: datetime,
    message: str,
    boost: int = REQUEUE_BOOST,
) -> QueueEntry:
    """Put an assigned conversation back at the head of its queue (agent gone, supervisor decision)."""
    previous = release(session, conversation, reason=reason, now=now)
    if previous is None:
        raise NotFound("file d'attente")
    entry = enter_queue(
        session,
        conversation,
        organisation_id=previous.organisation_id,
        skill=previous.skill,
        priority=previous.priority + boost,
        now=now,
        reason=reason,
        queued_since=previous.queued_since,
    )
    entry.overflowed_at = previous.overflowed_at
    system_message(session, conversation, message, event="requeued", reason=reason)
    _announce(session, conversation, agent_id=None)
    offer(session, entry, now=now)
    return entry


def reassign_to(session: Session, conversation: Conversation, *, target_id: int, now: datetime) -> AgentView:
    """Give an assigned conversation to another agent (transfer by the agent or reassignment by a supervisor)."""
    entry = taken_entry(session, conversation)
    target = agent_view(session, target_id)
    if target.user_id == conversation.assigned_agent_id:
        raise Conflict("Cette conversation est déjà suivie par cet agent.")
    if (
        not entry_organisations(entry) & target.organisation_ids
        and conversation.organisation_id not in target.organisation_ids
    ):
        raise Forbidden(f"{target.full_name} n'est pas membre de l'organisation de cette conversation.")
    if target.presence == Presence.OFFLINE.value:
        raise Conflict(f"{target.full_name} est hors ligne : choisissez un agent connecté.")
    if target.load >= target.max_chats:
        raise Conflict(f"{target.full_name} a atteint son nombre maximal de conversations simultanées.")
    previous = conversation.assigned_agent_id
    conversation.assigned_agent_id = target.user_id
    entry.agent_id = target.user_id
    session.flush()
    if previous is not None:
        notify(session, agent_channel(previous), {"type": "released", "conversation_id": conversation.id})
    _announce(session, conversation, agent_id=target.user_id, agent_name=target.first_name)
    queue_changed(session, entry)
    return target


def pending_offer_for(session: Session, agent_id: int) -> list[int]:
    return list(
        session.scalars(
            select(QueueEntry.conversation_id).where(
                QueueEntry.offered_agent_id == agent_id, QueueEntry.state == EntryState.WAITING.value
            )
        )
    )
