"""Queues: one per organisation × skill, ordered by priority then by arrival. Entering, leaving, ranking."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, func, or_, select, update
from sqlalchemy.orm import Session

from accueil.conversations import service as conversations
from accueil.conversations.choices import AuthorKind, Status
from accueil.conversations.models import Conversation
from accueil.core.clock import as_utc
from accueil.routing.choices import EntryState
from accueil.routing.models import QueueEntry
from accueil.routing.notify import notify, organisation_channel, queue_channel

OPEN_STATES = (EntryState.WAITING.value, EntryState.TAKEN.value)


def queue_id(organisation_code: str, skill: str) -> str:
    return f"{organisation_code}:{skill}"


def open_entry(session: Session, conversation_id: int) -> QueueEntry | None:
    """The waiting or taken entry of a conversation (at most one, enforced by a unique partial index)."""
    return session.scalar(
        select(QueueEntry).where(QueueEntry.conversation_id == conversation_id, QueueEntry.state.in_(OPEN_STATES))
    )


def last_entry(session: Session, conversation_id: int) -> QueueEntry | None:
    return session.scalar(
        select(QueueEntry).where(QueueEntry.conversation_id == conversation_id).order_by(QueueEntry.id.desc()).limit(1)
    )


def system_message(session: Session, conversation: Conversation, text: str, **payload: Any) -> None:
    """A line of the conversation history written by the platform (routing decisions, arrivals, transfers)."""
    message = conversations.append_message(
        session, conversation, author_kind=AuthorKind.SYSTEM.value, text=text, payload={"routing": payload}
    )
    publish_message(session, conversation, message)


def publish_message(session: Session, conversation: Conversation, message: Any, *, author_name: str = "") -> None:
    notify(session, f"conv:{conversation.id}", {"type": "message", "message": message_dict(message, author_name)})


def message_dict(message: Any, author_name: str = "") -> dict[str, Any]:
    return {
        "id": message.id,
        "conversation_id": message.conversation_id,
        "author_kind": message.author_kind,
        "author_name": author_name,
        "text": message.text,
        "created_at": as_utc(message.created_at).isoformat(),
    }


def queue_changed(session: Session, entry: QueueEntry) -> None:
    for organisation_id in {entry.organisation_id, entry.home_organisation_id}:
        notify(session, queue_channel(organisation_id, entry.skill), {"type": "queue_changed"})
        notify(session, organisation_channel(organisation_id), {"type": "inbox_changed"})


def enter_queue(
    session: Session,
    conversation: Conversation,
    *,
    organisation_id: int,
    skill: str,
    priority: int,
    now: datetime,
    reason: str,
    queued_since: datetime | None = None,
) -> QueueEntry:
    entry = QueueEntry(
        conversation_id=conversation.id,
        organisation_id=organisation_id,
        home_organisation_id=conversation.organisation_id or organisation_id,
        skill=skill,
        priority=priority,
        state=EntryState.WAITING.value,
        entered_at=now,
        queued_since=queued_since or now,
        reason=reason,
    )
    session.add(entry)
    conversation.status = Status.QUEUED.value
    conversation.assigned_agent_id = None
    session.flush()
    conversations.record_event(
        session,
        "queue_entered",
        conversation=conversation,
        data={"skill": skill, "organisation_id": organisation_id, "priority": priority, "reason": reason},
    )
    queue_changed(session, entry)
    return entry


def ranked(session: Session, organisation_id: int, skill: str) -> Sequence[QueueEntry]:
    """The waiting entries of a queue, first served first."""
    return session.scalars(
        select(QueueEntry)
        .where(
            QueueEntry.organisation_id == organisation_id,
            QueueEntry.skill == skill,
            QueueEntry.state == EntryState.WAITING.value,
        )
        .order_by(QueueEntry.priority.desc(), QueueEntry.queued_since, QueueEntry.id)
    ).all()


def position(session: Session, entry: QueueEntry) -> int:
    """1 for the next one served. Counts the waiting entries of the same queue that come before."""
    ahead = session.scalar(
        select(func.count())
        .select_from(QueueEntry)
        .where(
            QueueEntry.organisation_id == entry.organisation_id,
            QueueEntry.skill == entry.skill,
            QueueEntry.state == EntryState.WAITING.value,
            QueueEntry.id != entry.id,
            or_(
                QueueEntry.priority > entry.priority,
                and_(
                    QueueEntry.priority == entry.priority,
                    or_(
                        QueueEntry.queued_since < entry.queued_since,
                        and_(QueueEntry.queued_since == entry.queued_since, QueueEntry.id < entry.id),
                    ),
                ),
            ),
        )
    )
    return int(ahead or 0) + 1


def waiting_entries(session: Session, organisation_ids: Sequence[int] | None = None) -> Sequence[QueueEntry]:
    query = select(QueueEntry).where(QueueEntry.state == EntryState.WAITING.value)
    if organisation_ids is not None:
        ids = list(organisation_ids)
        query = query.where(or_(QueueEntry.organisation_id.in_(ids), QueueEntry.home_organisation_id.in_(ids)))
    return session.scalars(query.order_by(QueueEntry.priority.desc(), QueueEntry.queued_since, QueueEntry.id)).all()


def close_entry(session: Session, entry: QueueEntry, *, state: EntryState, reason: str, now: datetime) -> None:
    entry.state = state.value
    entry.ended_at = now
    entry.reason = reason
    entry.offered_agent_id = None
    session.flush()
    queue_changed(session, entry)


def wait_seconds(entry: QueueEntry, now: datetime) -> float:
    end = entry.taken_at or entry.ended_at or now
    return max(0.0, (as_utc(end) - as_utc(entry.entered_at)).total_seconds())


def touch_usagers(session: Session, conversation_ids: Sequence[int], *, now: datetime) -> None:
    """Heartbeat of connected usagers: a waiting usager gone longer than the grace period abandons."""
    if conversation_ids:
        session.execute(
            update(QueueEntry)
            .where(QueueEntry.conversation_id.in_(list(conversation_ids)), QueueEntry.state == EntryState.WAITING.value)
            .values(usager_seen_at=now)
            .execution_options(synchronize_session=False)
        )


def entries_of(session: Session, conversation_id: int) -> Sequence[QueueEntry]:
    return session.scalars(
        select(QueueEntry).where(QueueEntry.conversation_id == conversation_id).order_by(QueueEntry.id)
    ).all()


def routed_conversation_ids() -> Select[tuple[int]]:
    """A subquery: the conversations that went through a queue (used to find closed live chats)."""
    return select(QueueEntry.conversation_id)
