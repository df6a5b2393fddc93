"""The conversation core shared by every channel: create conversations, append messages, record events."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from accueil.conversations.choices import AuthorKind, Channel, Status
from accueil.conversations.models import Conversation, Event, Message
from accueil.core.clock import utcnow
from accueil.core.errors import InvalidInput, NotFound
from accueil.core.pii import mask_pii
from accueil.identity.access import Actor
from accueil.referential.models import Organisation, Public

MAX_MESSAGE_CHARS = 5_000


def start_conversation(
    session: Session,
    *,
    channel: str,
    public_code: str | None = None,
    organisation_code: str | None = None,
    usager_ref: str | None = None,
    context: dict[str, Any] | None = None,
) -> Conversation:
    try:
        channel_value = Channel(channel)
    except ValueError:
        raise InvalidInput(f"Canal inconnu : « {channel} ».") from None
    if public_code is not None and session.get(Public, public_code) is None:
        raise InvalidInput(f"Public inconnu : « {public_code} ».")
    organisation_id = None
    if organisation_code is not None:
        organisation_id = session.scalar(select(Organisation.id).where(Organisation.code == organisation_code))
        if organisation_id is None:
            raise InvalidInput(f"Organisation inconnue : « {organisation_code} ».")
    conversation = Conversation(
        public_id=secrets.token_urlsafe(18),
        channel=channel_value.value,
        status=Status.BOT.value,
        public_code=public_code,
        organisation_id=organisation_id,
        usager_ref=usager_ref,
        context=context or {},
    )
    session.add(conversation)
    session.flush()
    record_event(session, "conversation_started", conversation=conversation)
    return conversation


def append_message(
    session: Session,
    conversation: Conversation,
    *,
    author_kind: str,
    text: str,
    author_id: int | None = None,
    payload: dict[str, Any] | None = None,
    nlu: dict[str, Any] | None = None,
) -> Message:
    if author_kind not in {kind.value for kind in AuthorKind}:
        raise InvalidInput(f"Auteur inconnu : « {author_kind} ».")
    if len(text) > MAX_MESSAGE_CHARS:
        raise InvalidInput(f"Message trop long ({len(text)} caractères, {MAX_MESSAGE_CHARS} au plus).")
    if conversation.status == Status.CLOSED:
        raise InvalidInput("Cette conversation est close.")
    message = Message(
        conversation_id=conversation.id,
        author_kind=author_kind,
        author_id=author_id,
        text=text,
        payload=payload or {},
        nlu=nlu,
    )
    session.add(message)
    conversation.updated_at = utcnow()
    session.flush()
    return message


def record_event(
    session: Session,
    kind: str,
    *,
    conversation: Conversation | None = None,
    data: dict[str, Any] | None = None,
    channel: str | None = None,
    public_code: str | None = None,
    note: str = "",
) -> Event:
    event = Event(
        kind=kind,
        conversation_id=conversation.id if conversation else None,
        channel=conversation.channel if conversation else channel,
        public_code=conversation.public_code if conversation else public_code,
        organisation_id=conversation.organisation_id if conversation else None,
        data=data or {},
        note=mask_pii(note),
    )
    session.add(event)
    session.flush()
    return event


def set_status(session: Session, conversation: Conversation, status: str) -> Conversation:
    conversation.status = Status(status).value
    if conversation.status == Status.CLOSED:
        conversation.closed_at = utcnow()
    session.flush()
    return conversation


def by_public_id(session: Session, public_id: str) -> Conversation:
    conversation = session.scalar(select(Conversation).where(Conversation.public_id == public_id))
    if conversation is None:
        raise NotFound("conversation")
    return conversation


def access_conversation(session: Session, actor: Actor, conversation_id: int) -> Conversation:
    """The only way staff code gets a Conversation. Missing and forbidden look the same (404)."""
    conversation = session.get(Conversation, conversation_id)
    if conversation is None:
        raise NotFound("conversation")
    if actor.user_id and actor.user_id == conversation.assigned_agent_id:
        return conversation
    if actor.can_reach_organisation(conversation.organisation_id):
        return conversation
    raise NotFound("conversation")


def list_conversations(
    session: Session, actor: Actor, *, status: str | None = None, limit: int = 50, offset: int = 0
) -> Sequence[Conversation]:
    query = select(Conversation)
    allowed = actor.organisation_filter()
    if allowed is not None:
        query = query.where(
            (Conversation.organisation_id.in_(list(allowed))) | (Conversation.assigned_agent_id == actor.user_id)
        )
    if status:
        query = query.where(Conversation.status == Status(status).value)
    return session.scalars(query.order_by(Conversation.updated_at.desc()).limit(limit).offset(offset)).all()


def messages_of(session: Session, conversation: Conversation, *, after_id: int = 0) -> Sequence[Message]:
    return session.scalars(
        select(Message).where(Message.conversation_id == conversation.id, Message.id > after_id).order_by(Message.id)
    ).all()


def events_of(session: Session, conversation: Conversation) -> Sequence[Event]:
    return session.scalars(select(Event).where(Event.conversation_id == conversation.id).order_by(Event.id)).all()
