"""The usager's side of a live chat: state (position, wait, messages), messages, cancel, rating, direct start."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from accueil.conversations import service as conversations
from accueil.conversations.choices import AuthorKind, Channel, Status
from accueil.conversations.models import Conversation, Message
from accueil.core.errors import Conflict, InvalidInput
from accueil.identity import service as identity
from accueil.routing import (
    EntryState,
    HandoffOutcome,
    RoutingPolicy,
    close_entry,
    conversation_channel,
    last_entry,
    message_dict,
    notify,
    open_entry,
    publish_message,
    queued_outcome,
    request_handoff,
    system_message,
)

RESEND_WINDOW = 20  # on resume, the last messages are sent again: ids may commit out of order (clients dedup)


def first_name(full_name: str) -> str:
    return full_name.split()[0] if full_name.strip() else "Conseiller"


def author_names(session: Session, messages: list[Message]) -> dict[int, str]:
    ids = {m.author_id for m in messages if m.author_id}
    return {user_id: first_name(identity.get_user(session, user_id).full_name) for user_id in ids}


def messages_after(session: Session, conversation: Conversation, after_id: int = 0) -> list[dict[str, Any]]:
    """Messages newer than `after_id`, plus the last few (a message committed late may have a smaller id)."""
    every = list(conversations.messages_of(session, conversation))
    chosen = every[-RESEND_WINDOW:] if after_id else every
    chosen = sorted({m.id: m for m in [*chosen, *(m for m in every if m.id > after_id)]}.values(), key=lambda m: m.id)
    names = author_names(session, chosen)
    return [message_dict(m, names.get(m.author_id or 0, "")) for m in chosen]


def rating_of(session: Session, conversation: Conversation) -> int | None:
    for event in reversed(conversations.events_of(session, conversation)):
        if event.kind == "rating":
            return int(event.data.get("value", 0)) or None
    return None


def state(
    session: Session, conversation: Conversation, *, policy: RoutingPolicy, now: datetime, after_id: int = 0
) -> dict[str, Any]:
    """Everything the widget shows: status, position and wait range, the agent, messages, rating."""
    entry = open_entry(session, conversation.id)
    result: dict[str, Any] = {
        "conversation": conversation.public_id,
        "status": conversation.status,
        "position": None,
        "wait_estimate": None,
        "message": "",
        "agent_name": "",
        "rated": None,
        "messages": messages_after(session, conversation, after_id),
    }
    if entry is not None and entry.state == EntryState.WAITING.value:
        outcome = queued_outcome(session, entry, policy=policy, now=now)
        result.update(
            position=outcome.position,
            wait_estimate=outcome.wait_estimate.as_dict() if outcome.wait_estimate else None,
            message=outcome.message,
            queue_id=outcome.queue_id,
        )
    if conversation.assigned_agent_id:
        result["agent_name"] = first_name(identity.get_user(session, conversation.assigned_agent_id).full_name)
    if conversation.status == Status.CLOSED.value:
        result["rated"] = rating_of(session, conversation)
    return result


def _existing(session: Session, conversation: Conversation, client_id: str) -> Message | None:
    if not client_id:
        return None
    recent = session.execute(  # a retry comes back within seconds: the last few messages are enough
        select(Message.id, Message.payload)
        .where(Message.conversation_id == conversation.id)
        .order_by(Message.id.desc())
        .limit(10)
    )
    found = next((row.id for row in recent if (row.payload or {}).get("client_id") == client_id), None)
    return session.get(Message, found) if found is not None else None


def post_message(
    session: Session,
    conversation: Conversation,
    *,
    author_kind: str,
    text: str,
    client_id: str = "",
    author_id: int | None = None,
    author_name: str = "",
) -> Message:
    """Persist, then (after commit) publish. A retried send with the same client_id is stored once."""
    text = text.strip()
    if not text:
        raise InvalidInput("Le message est vide.")
    if len(client_id) > 64:
        raise InvalidInput("Identifiant de message trop long.")
    existing = _existing(session, conversation, client_id)
    if existing is not None:
        return existing
    message = conversations.append_message(
        session,
        conversation,
        author_kind=author_kind,
        text=text,
        author_id=author_id,
        payload={"client_id": client_id} if client_id else {},
    )
    publish_message(session, conversation, message, author_name=author_name)
    return message


def usager_message(session: Session, conversation: Conversation, *, text: str, client_id: str = "") -> Message:
    if conversation.status not in (Status.QUEUED.value, Status.ASSIGNED.value):
        raise Conflict("Vous n'êtes pas (ou plus) en relation avec un conseiller.")
    return post_message(session, conversation, author_kind=AuthorKind.USAGER.value, text=text, client_id=client_id)


def cancel(session: Session, conversation: Conversation, *, now: datetime) -> str:
    """Waiting: leave the queue and go back to the bot. With an agent: end the conversation."""
    entry = open_entry(session, conversation.id)
    if entry is None or conversation.status not in (Status.QUEUED.value, Status.ASSIGNED.value):
        return conversation.status  # nothing to cancel: a double click is harmless
    if entry.state == EntryState.WAITING.value:
        close_entry(session, entry, state=EntryState.CANCELLED, reason="usager_cancelled", now=now)
        conversations.record_event(
            session, "queue_left", conversation=conversation, data={"reason": "cancelled", "skill": entry.skill}
        )
        system_message(session, conversation, "Vous avez quitté la file d'attente.", event="cancelled")
        conversation.status = Status.BOT.value
    else:
        agent_id = conversation.assigned_agent_id
        close_entry(session, entry, state=EntryState.DONE, reason="usager_ended", now=now)
        system_message(session, conversation, "L'usager a mis fin à la conversation.", event="usager_ended")
        conversations.record_event(session, "conversation_closed", conversation=conversation, data={"by": "usager"})
        conversations.set_status(session, conversation, Status.CLOSED.value)
        if agent_id is not None:
            notify(session, f"agent:{agent_id}", {"type": "released", "conversation_id": conversation.id})
    session.flush()
    notify(session, conversation_channel(conversation.id), {"type": "status", "status": conversation.status})
    return conversation.status


def rate(session: Session, conversation: Conversation, *, value: int, comment: str = "") -> int:
    """Rating at the end (1 to 5, optional comment); asking twice keeps the first answer."""
    if conversation.status != Status.CLOSED.value:
        raise Conflict("La conversation n'est pas encore terminée : vous pourrez la noter à la fin.")
    if not 1 <= value <= 5:
        raise InvalidInput("La note va de 1 à 5.")
    if len(comment) > 1000:
        raise InvalidInput("Commentaire trop long (1 000 caractères au plus).")
    existing = rating_of(session, conversation)
    if existing is not None:
        return existing
    entry = last_entry(session, conversation.id)
    conversations.record_event(
        session,
        "rating",
        conversation=conversation,
        data={"value": value, "agent_id": entry.agent_id if entry else None, "has_comment": bool(comment.strip())},
        note=comment.strip(),
    )
    return value


def start_direct(
    session: Session,
    *,
    public_code: str,
    skill: str,
    organisation_code: str | None,
    text: str,
    usager_ref: str | None,
    policy: RoutingPolicy,
    now: datetime,
) -> tuple[Conversation, HandoffOutcome]:
    """A live chat started without the bot (a « parler à un conseiller » button on a page)."""
    if not text.strip():
        raise InvalidInput("Décrivez votre demande en quelques mots.")
    conversation = conversations.start_conversation(
        session,
        channel=Channel.LIVECHAT.value,
        public_code=public_code,
        organisation_code=organisation_code,
        usager_ref=usager_ref,
    )
    conversations.append_message(session, conversation, author_kind=AuthorKind.USAGER.value, text=text.strip()[:5000])
    summary = {"reason": "demande_directe", "public": public_code, "skill": skill, "last_message": text.strip()[:500]}
    outcome = request_handoff(
        session,
        conversation,
        skill=skill,
        organisation_code=organisation_code,
        summary=summary,
        policy=policy,
        now=now,
    )
    return conversation, outcome
