"""Notifications published AFTER the database commit (never before): an outbox kept on the session.

Services call `notify(session, channel, message)`; when the session commits, the registered publisher
(the live-chat broker of this process) receives every pending notification; a rollback drops them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)
OUTBOX = "accueil.outbox"
PUBLISHER = "accueil.publisher"

Notification = tuple[str, dict[str, Any]]
Publisher = Callable[[list[Notification]], None]
_default: list[Publisher] = []  # the publisher of this process, registered by the live-chat runtime


def notify(session: Session, channel: str, message: dict[str, Any]) -> None:
    session.info.setdefault(OUTBOX, []).append((channel, message))


def conversation_channel(conversation_id: int) -> str:
    return f"conv:{conversation_id}"


def agent_channel(user_id: int) -> str:
    return f"agent:{user_id}"


def organisation_channel(organisation_id: int) -> str:
    return f"org:{organisation_id}"


def queue_channel(organisation_id: int, skill: str) -> str:
    return f"queue:{organisation_id}:{skill}"


def register_publisher(publisher: Publisher) -> None:
    """Make `publisher` receive the notifications of every session of this process that has none of its own."""
    _default[:] = [publisher]


def unregister_publisher(publisher: Publisher) -> None:
    if publisher in _default:
        _default.remove(publisher)


@event.listens_for(Session, "after_commit")
def _publish_after_commit(session: Session) -> None:
    items: list[Notification] | None = session.info.pop(OUTBOX, None)
    if not items:
        return
    publisher: Publisher | None = session.info.get(PUBLISHER) or (_default[0] if _default else None)
    if publisher is None:
        return
    # the same channel may be told "changed" many times in one transaction: once is enough
    seen: set[str] = set()
    unique: list[Notification] = []
    for channel, message in items:
        key = f"{channel}|{message.get('type')}" if message.get("type", "").endswith("_changed") else ""
        if key and key in seen:
            continue
        seen.add(key)
        unique.append((channel, message))
    try:
        publisher(unique)
    except Exception:  # a broker failure must never undo a committed change; clients resume from the database
        log.exception("publication failed", extra={"count": len(unique)})


@event.listens_for(Session, "after_rollback")
def _drop_on_rollback(session: Session) -> None:
    session.info.pop(OUTBOX, None)
