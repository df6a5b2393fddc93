"""Archiving closed conversations: the whole conversation (bot and human parts) as JSON plus a readable HTML
transcript, written to an `Archive` store (files under <data_dir>/archive by default; a document-management
system later), indexed by account reference, kept for a retention period, then purged."""

from __future__ import annotations

import json
import logging
import re
import shutil
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session

from accueil.conversations import service as conversations
from accueil.conversations.choices import Status
from accueil.conversations.models import Conversation
from accueil.core.clock import as_utc
from accueil.core.errors import NotFound
from accueil.livechat.models import ArchiveRecord, Note
from accueil.livechat.usager import messages_after
from accueil.referential import service as referential
from accueil.routing import entries_of, routed_conversation_ids

log = logging.getLogger("accueil.livechat.archive")
FORMAT = "accueil.livechat.archive/1"
_KEY = re.compile(r"^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*$")
_TEMPLATES = Path(__file__).resolve().parent / "templates"


class Archive(Protocol):
    """Where archived documents live. Keys are relative paths such as `2026/06/<public_id>`."""

    def put(self, key: str, documents: dict[str, bytes]) -> None: ...

    def get(self, key: str, name: str) -> bytes: ...

    def delete(self, key: str) -> None: ...


class FileArchive:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _dir(self, key: str) -> Path:
        if not _KEY.match(key):
            raise ValueError(f"clé d'archive invalide : {key!r}")
        return self.root / key

    def put(self, key: str, documents: dict[str, bytes]) -> None:
        target = self._dir(key)
        target.mkdir(parents=True, exist_ok=True)
        for name, data in documents.items():
            temporary = target / f".{name}.tmp"
            temporary.write_bytes(data)
            temporary.replace(target / name)  # atomic: a reader never sees half a file

    def get(self, key: str, name: str) -> bytes:
        path = self._dir(key) / name
        if name not in ("conversation.json", "transcript.html") or not path.is_file():
            raise NotFound("archive")
        return path.read_bytes()

    def delete(self, key: str) -> None:
        shutil.rmtree(self._dir(key), ignore_errors=True)


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(_TEMPLATES)), autoescape=select_autoescape(default=True))
    env.filters["datetime_fr"] = lambda v: as_utc(datetime.fromisoformat(v)).strftime("%d/%m/%Y %H:%M UTC") if v else ""
    return env


def build_document(session: Session, conversation: Conversation, *, now: datetime) -> dict[str, Any]:
    organisation = (
        referential.organisation_by_id(session, conversation.organisation_id) if conversation.organisation_id else None
    )
    entries = entries_of(session, conversation.id)
    rating = next((e for e in reversed(conversations.events_of(session, conversation)) if e.kind == "rating"), None)
    notes = session.scalars(select(Note).where(Note.conversation_id == conversation.id).order_by(Note.id)).all()
    messages = messages_after(session, conversation, 0)
    closed_at = as_utc(conversation.closed_at or now)
    return {
        "format": FORMAT,
        "conversation": {
            "public_id": conversation.public_id,
            "channel": conversation.channel,
            "public": conversation.public_code,
            "organisation": {"code": organisation.code, "name": organisation.name} if organisation else None,
            "account": conversation.usager_ref,
            "created_at": as_utc(conversation.created_at).isoformat(),
            "closed_at": closed_at.isoformat(),
        },
        "summary": conversation.summary or {},
        "qualification": (conversation.context or {}).get("qualification"),
        "rating": {"value": rating.data.get("value"), "comment": rating.note} if rating else None,
        "agents": sorted({m["author_name"] for m in messages if m["author_kind"] == "agent" and m["author_name"]}),
        "queue": [
            {
                "skill": e.skill,
                "organisation_id": e.organisation_id,
                "entered_at": as_utc(e.entered_at).isoformat(),
                "taken_at": as_utc(e.taken_at).isoformat() if e.taken_at else None,
                "ended_at": as_utc(e.ended_at).isoformat() if e.ended_at else None,
                "state": e.state,
                "reason": e.reason,
            }
            for e in entries
        ],
        "messages": messages,
        "internal_notes": [{"text": n.text, "created_at": as_utc(n.created_at).isoformat()} for n in notes],
        "archived_at": now.isoformat(),
    }


def public_view(document: dict[str, Any]) -> dict[str, Any]:
    """What the usager may read: everything but the internal notes and the queue mechanics."""
    return {k: v for k, v in document.items() if k not in ("internal_notes", "queue")}


def render_html(document: dict[str, Any]) -> str:
    return _environment().get_template("livechat/transcript.html").render(doc=public_view(document))


def archive_conversation(
    session: Session, conversation: Conversation, *, archive: Archive, retention_days: int, now: datetime
) -> ArchiveRecord:
    """Write (or rewrite, e.g. after the rating) the archive of a closed conversation and index it."""
    document = build_document(session, conversation, now=now)
    closed_at = as_utc(conversation.closed_at or now)
    key = f"{closed_at:%Y/%m}/{conversation.public_id}"
    archive.put(
        key,
        {
            "conversation.json": json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8"),
            "transcript.html": render_html(document).encode("utf-8"),
        },
    )
    record = session.scalar(select(ArchiveRecord).where(ArchiveRecord.public_id == conversation.public_id))
    if record is None:
        record = ArchiveRecord(public_id=conversation.public_id, conversation_id=conversation.id, key=key)
        session.add(record)
    record.usager_ref = conversation.usager_ref
    record.organisation_id = conversation.organisation_id
    record.closed_at = closed_at
    record.archived_at = now
    record.purge_after = closed_at + timedelta(days=retention_days)
    session.flush()
    return record


def archive_pending(session: Session, *, archive: Archive, retention_days: int, now: datetime, limit: int = 50) -> int:
    """Archive the closed live-chat conversations that are not yet (a crash between close and archive)."""
    archived = select(ArchiveRecord.conversation_id).where(ArchiveRecord.conversation_id.is_not(None))
    queued = routed_conversation_ids()
    pending = session.scalars(
        select(Conversation)
        .where(
            Conversation.status == Status.CLOSED.value,
            Conversation.id.in_(queued),
            Conversation.id.not_in(archived),
            Conversation.closed_at >= now - timedelta(days=retention_days),
        )
        .limit(limit)
    ).all()
    for conversation in pending:
        archive_conversation(session, conversation, archive=archive, retention_days=retention_days, now=now)
    return len(pending)


def records_for_account(session: Session, account: str) -> Sequence[ArchiveRecord]:
    return session.scalars(
        select(ArchiveRecord)
        .where(ArchiveRecord.usager_ref == account, ArchiveRecord.purged_at.is_(None))
        .order_by(ArchiveRecord.closed_at.desc())
    ).all()


def record_by_public_id(session: Session, public_id: str) -> ArchiveRecord:
    record = session.scalar(
        select(ArchiveRecord).where(ArchiveRecord.public_id == public_id, ArchiveRecord.purged_at.is_(None))
    )
    if record is None:
        raise NotFound("archive")
    return record


def purge(session: Session, *, archive: Archive, now: datetime, dry_run: bool = False) -> list[dict[str, Any]]:
    """Delete the archives past their retention date; every deletion is logged (and listed)."""
    expired = session.scalars(
        select(ArchiveRecord)
        .where(ArchiveRecord.purge_after <= now, ArchiveRecord.purged_at.is_(None))
        .order_by(ArchiveRecord.purge_after)
    ).all()
    done = []
    for record in expired:
        item = {
            "public_id": record.public_id,
            "key": record.key,
            "closed_at": as_utc(record.closed_at).isoformat(),
            "purge_after": as_utc(record.purge_after).isoformat(),
        }
        log.info("archive %s: %s", "to purge (dry run)" if dry_run else "purged", record.key, extra=item)
        if not dry_run:
            archive.delete(record.key)
            record.purged_at = now
        done.append(item)
    session.flush()
    return done
