"""The chat service used by the widget API, the WebSocket and the CLI: start, take a turn, read messages.

A retried turn (same `client_id`, e.g. after a network loss) is answered from what was stored, not twice.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from accueil.assistant.engine import Assistant, TurnResult
from accueil.assistant.tokens import is_verified_account
from accueil.assistant.turns import Reply, ReplyKind, Turn
from accueil.conversations import service as conversations
from accueil.conversations.models import Conversation, Message
from accueil.core.errors import DomainError, NotFound

REPLAY_WINDOW = 60  # messages searched for a retried turn
RETRIES = 5
T = TypeVar("T")


class Busy(DomainError):
    status_code = 503
    code = "service_occupe"

    def __init__(self) -> None:
        super().__init__("Le service est très sollicité : votre message n'a pas pu être traité, réessayez.")


def _is_locked(exc: OperationalError) -> bool:
    return "locked" in str(exc.orig).lower() or "busy" in str(exc.orig).lower()


async def in_transaction(factory: sessionmaker[Session], work: Callable[[Session], Awaitable[T]]) -> T:
    """Run `work` in one transaction, again from scratch when SQLite reports a concurrent writer.

    A SQLite transaction that reads and then writes fails at once (SQLITE_BUSY) when another connection
    committed in between; the whole turn is replayed on a fresh snapshot (nothing of the failed try remains).
    """
    for attempt in range(RETRIES):
        try:
            with factory.begin() as session:
                return await work(session)
        except OperationalError as exc:
            if not _is_locked(exc):
                raise
            await asyncio.sleep(random.uniform(0.005, 0.02) * 2**attempt)
    raise Busy()


def chat_conversation(session: Session, conversation_id: str) -> Conversation:
    """The chat conversation a valid token grants (other channels are not reachable this way)."""
    conversation = conversations.by_public_id(session, conversation_id)
    if conversation.channel != "chat":
        raise NotFound("conversation")
    return conversation


@dataclass(frozen=True, slots=True)
class StartRequest:
    public: str | None = None
    organisation: str | None = None
    account_ref: str | None = None
    account_signature: str | None = None
    page: str = ""


def start_chat(session: Session, assistant: Assistant, request: StartRequest, *, secret: str,
               channel: str = "chat") -> tuple[Conversation, list[Reply]]:
    verified = is_verified_account(secret, request.account_ref, request.account_signature)
    return assistant.open(session, public=request.public, organisation=request.organisation,
                          usager_ref=request.account_ref, account_verified=verified, channel=channel, page=request.page)


def _replayed(session: Session, conversation: Conversation, client_id: str) -> TurnResult | None:
    query = select(Message).where(Message.conversation_id == conversation.id)
    recent = list(session.scalars(query.order_by(Message.id.desc()).limit(REPLAY_WINDOW)))[::-1]
    for index, message in enumerate(recent):
        if message.author_kind == "usager" and (message.payload or {}).get("client_id") == client_id:
            replies = []
            for later in recent[index + 1:]:
                if later.author_kind == "usager":
                    break
                if later.author_kind == "bot":
                    replies.append(Reply.from_payload(later.text, later.payload or {}))
            intent = (message.nlu or {}).get("intent")
            handoff = any(r.kind == ReplyKind.HANDOFF for r in replies)
            return TurnResult(replies, intent, handoff, any(r.kind == ReplyKind.END for r in replies))
    return None


async def take_turn(session: Session, assistant: Assistant, conversation: Conversation, turn: Turn) -> TurnResult:
    if turn.client_id:
        replayed = _replayed(session, conversation, turn.client_id)
        if replayed is not None:
            return replayed
    return await assistant.take(session, conversation, turn)


def message_view(message: Message) -> dict[str, Any]:
    payload = message.payload or {}
    return {
        "id": message.id,
        "author": message.author_kind,
        "author_name": "",
        "kind": payload.get("kind", "text"),
        "text": message.text,
        "choices": payload.get("choices", []),
        "sources": payload.get("sources", []),
        "at": message.created_at.isoformat(timespec="seconds") if message.created_at else None,
    }


def messages_after(session: Session, conversation: Conversation, *, after: int = 0) -> list[dict[str, Any]]:
    return [message_view(m) for m in conversations.messages_of(session, conversation, after_id=after)]


def history(session: Session, conversation: Conversation, *, after: int = 0) -> Any:
    from accueil.assistant.schemas import MessagesOut

    ended = bool((conversation.context or {}).get("assistant", {}).get("ended")) or conversation.status == "closed"
    return MessagesOut.of(conversation.status, ended, messages_after(session, conversation, after=after))


def last_message_id(session: Session, conversation: Conversation) -> int:
    return int(session.scalar(select(Message.id).where(Message.conversation_id == conversation.id)
                              .order_by(Message.id.desc()).limit(1)) or 0)
