"""Live figures for supervisors: queues (waiting, longest wait, estimated wait), agents, service level."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from accueil.core.clock import as_utc
from accueil.referential import service as referential
from accueil.routing.agents import AgentView, agent_views, eligible
from accueil.routing.choices import EntryState, Presence
from accueil.routing.estimate import (
    Staffing,
    estimate_position,
    expected_wait_new,
    measured_handling,
    point_estimate,
)
from accueil.routing.models import QueueEntry
from accueil.routing.policy import RoutingPolicy
from accueil.routing.queues import queue_id, waiting_entries


@dataclass(frozen=True, slots=True)
class QueueFigures:
    queue_id: str
    organisation: str
    skill: str
    waiting: int
    longest_wait_s: float
    estimated_wait_s: float | None  # a new arrival now, from live staffing (None: unreliable or unstaffed)
    erlang_c_wait_s: float | None  # the steady-state M/M/c figure, for reference (see bench_wait_estimate)
    next_range: dict[str, Any] | None  # the first waiting usager's range
    agents_available: int
    entries: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ServiceLevel:
    threshold_s: float
    taken: int
    taken_in_time: int
    abandoned: int
    percent: float | None
    abandonment_percent: float | None


def _in_scope(organisation_ids: frozenset[int] | None, *ids: int) -> bool:
    return organisation_ids is None or any(i in organisation_ids for i in ids)


def queue_figures(
    session: Session, *, organisation_ids: frozenset[int] | None, policy: RoutingPolicy, now: datetime
) -> list[QueueFigures]:
    entries = waiting_entries(session, None if organisation_ids is None else list(organisation_ids))
    views = agent_views(session, presences=[Presence.AVAILABLE.value])
    groups: dict[tuple[int, str], list[QueueEntry]] = {}
    for entry in entries:
        groups.setdefault((entry.organisation_id, entry.skill), []).append(entry)
    since = now - timedelta(hours=1)
    figures = []
    for (organisation_id, skill), items in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        organisation = referential.organisation_by_id(session, organisation_id)
        code = organisation.code if organisation else "?"
        staff = eligible(
            views, organisation_ids={organisation_id, *(e.home_organisation_id for e in items)}, skill=skill
        )
        handling, samples = measured_handling(session, skill=skill, policy=policy, now=now)
        staffing = Staffing(
            slots=sum(v.max_chats for v in staff),
            busy=sum(min(v.max_chats, v.load + v.offers) for v in staff),
            handling_s=handling,
            samples=samples,
        )
        arrivals = (
            session.scalar(
                select(func.count())
                .select_from(QueueEntry)
                .where(
                    QueueEntry.organisation_id == organisation_id,
                    QueueEntry.skill == skill,
                    QueueEntry.entered_at >= since,
                )
            )
            or 0
        )
        estimate = estimate_position(1, staffing, policy)
        figures.append(
            QueueFigures(
                queue_id=queue_id(code, skill),
                organisation=organisation.name if organisation else code,
                skill=skill,
                waiting=len(items),
                longest_wait_s=round(max((now - as_utc(e.entered_at)).total_seconds() for e in items), 1),
                estimated_wait_s=_new_arrival(len(items) + 1, staffing, policy),
                erlang_c_wait_s=expected_wait_new(arrivals / 3600.0, staffing),
                next_range=estimate.as_dict() if estimate else None,
                agents_available=len(staff),
                entries=[
                    {
                        "conversation_id": e.conversation_id,
                        "waiting_s": round((now - as_utc(e.entered_at)).total_seconds(), 1),
                        "priority": e.priority,
                        "overflowed": e.overflowed_at is not None,
                        "offered_agent_id": e.offered_agent_id,
                    }
                    for e in items
                ],
            )
        )
    return figures


def _new_arrival(rank: int, staffing: Staffing, policy: RoutingPolicy) -> float | None:
    estimate = estimate_position(rank, staffing, policy)
    if estimate is None or not estimate.reliable:
        return None
    return point_estimate(rank, staffing)


def agents_figures(session: Session, *, organisation_ids: frozenset[int] | None) -> list[AgentView]:
    views = agent_views(session, None)
    return [v for v in views if organisation_ids is None or v.organisation_ids & organisation_ids]


def service_level(
    session: Session, *, organisation_ids: frozenset[int] | None, policy: RoutingPolicy, since: datetime
) -> ServiceLevel:
    query = select(QueueEntry).where(
        QueueEntry.entered_at >= since,
        QueueEntry.state.in_(
            [EntryState.TAKEN.value, EntryState.DONE.value, EntryState.ABANDONED.value, EntryState.CANCELLED.value]
        ),
    )
    if organisation_ids is not None:
        ids = list(organisation_ids)
        query = query.where(or_(QueueEntry.organisation_id.in_(ids), QueueEntry.home_organisation_id.in_(ids)))
    taken = in_time = abandoned = 0
    for entry in session.scalars(query):
        if entry.taken_at is not None:
            taken += 1
            if (as_utc(entry.taken_at) - as_utc(entry.entered_at)).total_seconds() <= policy.service_level_s:
                in_time += 1
        elif entry.state in (EntryState.ABANDONED.value, EntryState.CANCELLED.value):
            abandoned += 1
    offered = taken + abandoned
    return ServiceLevel(
        threshold_s=policy.service_level_s,
        taken=taken,
        taken_in_time=in_time,
        abandoned=abandoned,
        percent=round(100.0 * in_time / offered, 1) if offered else None,
        abandonment_percent=round(100.0 * abandoned / offered, 1) if offered else None,
    )


def agents_for_transfer(views: Iterable[AgentView], *, organisation_ids: set[int]) -> list[AgentView]:
    return [v for v in views if v.presence != Presence.OFFLINE.value and v.organisation_ids & organisation_ids]
