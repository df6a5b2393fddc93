"""Agents as routing sees them: presence, skills, organisations, load, and who is eligible for a queue."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from accueil.core.clock import as_utc
from accueil.core.errors import InvalidInput
from accueil.identity import service as identity
from accueil.identity.choices import Role
from accueil.routing.choices import EntryState, Presence
from accueil.routing.models import AgentState, QueueEntry
from accueil.routing.notify import agent_channel, notify, organisation_channel


@dataclass(frozen=True, slots=True)
class AgentView:
    user_id: int
    full_name: str
    presence: str
    idle_since: datetime
    last_seen_at: datetime | None
    load: int
    offers: int
    max_chats: int
    skills: frozenset[str]
    organisation_ids: frozenset[int]

    @property
    def free(self) -> int:
        return max(0, self.max_chats - self.load - self.offers)

    @property
    def first_name(self) -> str:
        return self.full_name.split()[0] if self.full_name.strip() else "Conseiller"


def state_of(session: Session, user_id: int, *, now: datetime) -> AgentState:
    state = session.get(AgentState, user_id)
    if state is None:
        state = AgentState(
            user_id=user_id, presence=Presence.OFFLINE.value, presence_since=now, idle_since=now, last_seen_at=None
        )
        session.add(state)
        session.flush()
    return state


def set_presence(session: Session, user_id: int, presence: str, *, now: datetime) -> AgentState:
    try:
        value = Presence(presence)
    except ValueError:
        raise InvalidInput(f"Présence inconnue : « {presence} » (disponible, pause ou hors_ligne).") from None
    user = identity.get_user(session, user_id)
    if Role.AGENT not in user.roles:
        raise InvalidInput("Seuls les agents ont une présence sur le live chat.")
    state = state_of(session, user_id, now=now)
    if state.presence != value.value:
        state.presence = value.value
        state.presence_since = now
        if value == Presence.AVAILABLE:
            state.idle_since = now
    state.last_seen_at = now
    session.flush()
    notify(session, agent_channel(user_id), {"type": "presence", "presence": value.value})
    for organisation_id in user.organisation_ids:
        notify(session, organisation_channel(organisation_id), {"type": "inbox_changed"})
    return state


def touch(session: Session, user_ids: Iterable[int], *, now: datetime) -> int:
    """Heartbeat of connected agents (one UPDATE for all of them)."""
    ids = list(user_ids)
    if not ids:
        return 0
    result = session.execute(update(AgentState).where(AgentState.user_id.in_(ids)).values(last_seen_at=now))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _counts(session: Session, column: Any, ids: list[int], **filters: object) -> dict[int, int]:
    query = select(column, func.count()).where(column.in_(ids)).group_by(column)
    for name, value in filters.items():
        query = query.where(getattr(QueueEntry, name) == value)
    return {int(k): int(v) for k, v in session.execute(query)}


def agent_views(
    session: Session, user_ids: Sequence[int] | None = None, *, presences: Iterable[str] = ()
) -> list[AgentView]:
    """Agents (active users with the agent role) with their presence and load, longest idle first."""
    query = select(AgentState)
    wanted = list(presences)
    if wanted:
        query = query.where(AgentState.presence.in_(wanted))
    if user_ids is not None:
        query = query.where(AgentState.user_id.in_(list(user_ids)))
    states = {s.user_id: s for s in session.scalars(query)}
    if user_ids is not None and not wanted:
        for missing in set(user_ids) - set(states):
            states[missing] = AgentState(user_id=missing, presence=Presence.OFFLINE.value, idle_since=_EPOCH)
    ids = list(states)
    if not ids:
        return []
    loads = _counts(session, QueueEntry.agent_id, ids, state=EntryState.TAKEN.value)
    offers = _counts(session, QueueEntry.offered_agent_id, ids, state=EntryState.WAITING.value)
    users = {u.id: u for u in identity.users_with_roles(session, [Role.AGENT.value]) if u.id in states}
    views = []
    for user_id, state in states.items():
        user = users.get(user_id)
        if user is None or not user.active:
            continue
        views.append(
            AgentView(
                user_id=user_id,
                full_name=user.full_name,
                presence=state.presence,
                idle_since=as_utc(state.idle_since),
                last_seen_at=as_utc(state.last_seen_at) if state.last_seen_at else None,
                load=loads.get(user_id, 0),
                offers=offers.get(user_id, 0),
                max_chats=user.max_chats,
                skills=frozenset(user.skills or ()),
                organisation_ids=user.organisation_ids,
            )
        )
    views.sort(key=lambda v: (v.idle_since, v.user_id))
    return views


def eligible(views: Iterable[AgentView], *, organisation_ids: Iterable[int], skill: str) -> list[AgentView]:
    orgs = set(organisation_ids)
    return [v for v in views if skill in v.skills and orgs & v.organisation_ids]


def agent_view(session: Session, user_id: int) -> AgentView:
    views = agent_views(session, [user_id])
    if not views:
        raise InvalidInput("Cet utilisateur n'est pas un agent actif.")
    return views[0]


_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
