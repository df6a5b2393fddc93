"""What time does to queues, run periodically by every process (idempotent, conditional updates):
offers not accepted in time, overflow to the national pool, agents gone, usagers gone, new offers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from accueil.conversations import service as conversations
from accueil.conversations.choices import Status
from accueil.conversations.models import Conversation
from accueil.core.clock import as_utc
from accueil.referential import service as referential
from accueil.routing.agents import agent_views
from accueil.routing.assignment import dispatch, offer, requeue
from accueil.routing.choices import EntryState, Presence
from accueil.routing.models import AgentState, QueueEntry
from accueil.routing.notify import agent_channel, notify
from accueil.routing.policy import RoutingPolicy
from accueil.routing.queues import queue_changed, system_message, waiting_entries


@dataclass(frozen=True, slots=True)
class SweepReport:
    offers_expired: int = 0
    overflowed: int = 0
    requeued: int = 0
    abandoned: int = 0
    offered: int = 0


def _won(result: object) -> bool:
    return int(getattr(result, "rowcount", 0) or 0) == 1


def expire_offers(session: Session, *, policy: RoutingPolicy, now: datetime) -> int:
    limit = now - timedelta(seconds=policy.offer_timeout_s)
    stale = session.scalars(
        select(QueueEntry).where(QueueEntry.state == EntryState.WAITING.value, QueueEntry.offered_at < limit)
    ).all()
    count = 0
    for entry in stale:
        agent_id = entry.offered_agent_id
        cleared = session.execute(
            update(QueueEntry)
            .where(
                QueueEntry.id == entry.id,
                QueueEntry.offered_agent_id == agent_id,
                QueueEntry.offered_at == entry.offered_at,
            )
            .values(offered_agent_id=None, offered_at=None)
            .execution_options(synchronize_session=False)
        )
        if not _won(cleared) or agent_id is None:
            continue
        entry.offered_agent_id, entry.offered_at = None, None
        session.execute(  # an agent who lets an offer expire is probably away: pause them
            update(AgentState)
            .where(AgentState.user_id == agent_id, AgentState.presence == Presence.AVAILABLE.value)
            .values(presence=Presence.PAUSE.value, presence_since=now)
        )
        notify(session, agent_channel(agent_id), {"type": "offer_missed", "conversation_id": entry.conversation_id})
        notify(session, agent_channel(agent_id), {"type": "presence", "presence": Presence.PAUSE.value})
        offer(session, entry, now=now, exclude=agent_id)
        count += 1
    return count


def overflow(session: Session, *, policy: RoutingPolicy, now: datetime) -> int:
    if not policy.overflow_enabled:
        return 0
    pool = referential.get_organisation(session, policy.national_pool)
    limit = now - timedelta(seconds=policy.overflow_after_s)
    candidates = session.scalars(
        select(QueueEntry).where(
            QueueEntry.state == EntryState.WAITING.value,
            QueueEntry.overflowed_at.is_(None),
            QueueEntry.entered_at < limit,
            QueueEntry.organisation_id != pool.id,
        )
    ).all()
    count = 0
    for entry in candidates:
        home = referential.organisation_by_id(session, entry.organisation_id)
        if home is None or home.kind not in policy.overflow_kinds:
            continue
        moved = session.execute(
            update(QueueEntry)
            .where(
                QueueEntry.id == entry.id,
                QueueEntry.overflowed_at.is_(None),
                QueueEntry.state == EntryState.WAITING.value,
            )
            .values(organisation_id=pool.id, overflowed_at=now)
            .execution_options(synchronize_session=False)
        )
        if not _won(moved):
            continue
        session.refresh(entry)
        conversation = session.get(Conversation, entry.conversation_id)
        if conversation is not None:
            system_message(
                session,
                conversation,
                f"Attente prolongée : la demande est ouverte aux conseillers du pôle national ({pool.name}).",
                event="overflow",
            )
            conversations.record_event(
                session, "queue_overflowed", conversation=conversation, data={"from": home.code, "to": pool.code}
            )
        queue_changed(session, entry)
        count += 1
    return count


def requeue_gone_agents(session: Session, *, policy: RoutingPolicy, now: datetime) -> int:
    limit = now - timedelta(seconds=policy.agent_grace_s)
    gone = session.scalars(
        select(AgentState).where(AgentState.presence != Presence.OFFLINE.value, AgentState.last_seen_at < limit)
    ).all()
    count = 0
    for state in gone:
        marked = session.execute(
            update(AgentState)
            .where(AgentState.user_id == state.user_id, AgentState.last_seen_at == state.last_seen_at)
            .values(presence=Presence.OFFLINE.value, presence_since=now)
            .execution_options(synchronize_session=False)
        )
        if not _won(marked):
            continue
        held = session.scalars(
            select(Conversation).where(
                Conversation.assigned_agent_id == state.user_id, Conversation.status == Status.ASSIGNED.value
            )
        ).all()
        for conversation in held:
            requeue(
                session,
                conversation,
                reason="agent_disconnected",
                now=now,
                message="Votre conseiller a été déconnecté : vous êtes replacé en tête de file d'attente.",
            )
            count += 1
    return count


def abandon_gone_usagers(session: Session, *, policy: RoutingPolicy, now: datetime) -> int:
    limit = now - timedelta(seconds=policy.usager_grace_s)
    gone = session.scalars(
        select(QueueEntry).where(QueueEntry.state == EntryState.WAITING.value, QueueEntry.usager_seen_at < limit)
    ).all()
    count = 0
    for entry in gone:
        left = session.execute(
            update(QueueEntry)
            .where(QueueEntry.id == entry.id, QueueEntry.state == EntryState.WAITING.value)
            .values(state=EntryState.ABANDONED.value, ended_at=now, reason="usager_disconnected", offered_agent_id=None)
            .execution_options(synchronize_session=False)
        )
        if not _won(left):
            continue
        session.refresh(entry)
        conversation = session.get(Conversation, entry.conversation_id)
        if conversation is not None and conversation.status == Status.QUEUED.value:
            waited = (now - as_utc(entry.entered_at)).total_seconds()
            conversations.record_event(
                session,
                "queue_left",
                conversation=conversation,
                data={"reason": "abandoned", "wait_s": round(waited, 1), "skill": entry.skill},
            )
            conversations.set_status(session, conversation, Status.CLOSED.value)
        queue_changed(session, entry)
        count += 1
    return count


def sweep(session: Session, *, policy: RoutingPolicy, now: datetime) -> SweepReport:
    """One pass of every timer; safe to run in several processes at once."""
    report = SweepReport(
        offers_expired=expire_offers(session, policy=policy, now=now),
        overflowed=overflow(session, policy=policy, now=now),
        requeued=requeue_gone_agents(session, policy=policy, now=now),
        abandoned=abandon_gone_usagers(session, policy=policy, now=now),
    )
    offered = 0
    if any(v.free for v in agent_views(session, presences=[Presence.AVAILABLE.value])):
        offered = dispatch(session, waiting_entries(session), now=now)
    return SweepReport(report.offers_expired, report.overflowed, report.requeued, report.abandoned, offered)
