"""The agent's desk: inbox (offers, incoming, mine), a conversation with its handoff summary, messages,
internal notes, transfer (agent, skill or organisation) and closing with a qualification."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from accueil.conversations import service as conversations
from accueil.conversations.choices import AuthorKind, Status
from accueil.conversations.models import Conversation, Message
from accueil.core.clock import as_utc
from accueil.core.errors import InvalidInput
from accueil.identity.access import Actor
from accueil.livechat.models import Note
from accueil.livechat.usager import first_name, messages_after, post_message, rating_of
from accueil.referential import service as referential
from accueil.referential.taxonomy import load_taxonomy
from accueil.routing import (
    EntryState,
    Presence,
    RoutingPolicy,
    agent_view,
    conversation_channel,
    last_entry,
    notify,
    open_entry,
    release,
    require_handler,
    system_message,
    waiting_entries,
)

SUMMARY_LABELS = {
    "intent_label": "Motif détecté",
    "intent": "Intention",
    "level": "Niveau",
    "public_label": "Public",
    "public": "Code public",
    "organisation": "Organisation",
    "identification": "Identification",
    "reason": "Raison du transfert",
    "last_message": "Dernier message",
}


def skill_label(skill: str) -> str:
    description = load_taxonomy().routing_skills.get(skill, "")
    return f"{skill.replace('_', ' ').capitalize()}" + (
        f" — {description.split(':')[0].split(',')[0]}" if description else ""
    )


def _preview(session: Session, conversation: Conversation) -> str:
    last = session.scalar(
        select(Message)
        .where(Message.conversation_id == conversation.id, Message.author_kind == AuthorKind.USAGER.value)
        .order_by(Message.id.desc())
        .limit(1)
    )
    return (last.text[:140] if last else "").strip()


def inbox(session: Session, actor: Actor, *, now: datetime) -> dict[str, Any]:
    view = agent_view(session, actor.user_id)
    orgs = referential.list_organisations(session)
    names = {o.id: o.name for o in orgs}
    incoming = []
    for entry in waiting_entries(session, list(view.organisation_ids)):
        if entry.skill not in view.skills:
            continue
        conversation = session.get(Conversation, entry.conversation_id)
        if conversation is None:
            continue
        incoming.append(
            {
                "conversation_id": entry.conversation_id,
                "skill": entry.skill,
                "organisation": names.get(entry.home_organisation_id, ""),
                "public": conversation.public_code,
                "intent": (conversation.summary or {}).get("intent_label") or conversation.current_intent or "",
                "waiting_s": round((now - as_utc(entry.entered_at)).total_seconds()),
                "priority": entry.priority,
                "overflowed": entry.overflowed_at is not None,
                "offered_to_me": entry.offered_agent_id == actor.user_id,
                "preview": _preview(session, conversation),
            }
        )
    mine = []
    held = session.scalars(
        select(Conversation)
        .where(Conversation.assigned_agent_id == actor.user_id, Conversation.status == Status.ASSIGNED.value)
        .order_by(Conversation.id)
    )
    for conversation in held:
        mine.append(
            {
                "conversation_id": conversation.id,
                "public": conversation.public_code,
                "intent": (conversation.summary or {}).get("intent_label") or conversation.current_intent or "",
                "preview": _preview(session, conversation),
            }
        )
    return {
        "presence": view.presence,
        "presence_label": Presence(view.presence).label,
        "load": view.load,
        "max_chats": view.max_chats,
        "skills": sorted(view.skills),
        "incoming": incoming,
        "mine": mine,
    }


def summary_rows(summary: dict[str, Any]) -> list[dict[str, str]]:
    rows = [{"label": label, "value": str(summary[key])} for key, label in SUMMARY_LABELS.items() if summary.get(key)]
    for key, value in (summary.get("slots") or {}).items():
        rows.append({"label": f"Donnée : {key}", "value": str(value)})
    for entity in summary.get("entities") or []:
        if isinstance(entity, dict):
            label = entity.get("label") or entity.get("type") or "entité"
            rows.append({"label": f"Entité : {label}", "value": str(entity.get("value") or entity.get("text") or "")})
    return rows


def detail(session: Session, actor: Actor, conversation_id: int) -> dict[str, Any]:
    conversation = conversations.access_conversation(session, actor, conversation_id)
    entry = last_entry(session, conversation.id)
    summary = dict(conversation.summary or {})
    organisation = (
        referential.organisation_by_id(session, conversation.organisation_id) if conversation.organisation_id else None
    )
    notes = session.scalars(select(Note).where(Note.conversation_id == conversation.id).order_by(Note.id))
    return {
        "conversation_id": conversation.id,
        "status": conversation.status,
        "channel": conversation.channel,
        "public": conversation.public_code,
        "organisation": organisation.name if organisation else "",
        "skill": entry.skill if entry else None,
        "skill_label": skill_label(entry.skill) if entry else "",
        "mine": conversation.assigned_agent_id == actor.user_id,
        "summary": summary_rows(summary),
        "steps": [str(step) for step in summary.get("steps") or []],
        "messages": messages_after(session, conversation, 0),
        "notes": [{"id": n.id, "text": n.text, "created_at": as_utc(n.created_at).isoformat()} for n in notes],
        "rating": rating_of(session, conversation) if conversation.status == Status.CLOSED.value else None,
    }


def send(session: Session, actor: Actor, conversation_id: int, *, text: str, client_id: str = "") -> Message:
    conversation = conversations.access_conversation(session, actor, conversation_id)
    require_handler(conversation, actor)
    return post_message(
        session,
        conversation,
        author_kind=AuthorKind.AGENT.value,
        text=text,
        client_id=client_id,
        author_id=actor.user_id,
        author_name=first_name(actor.full_name),
    )


def add_note(session: Session, actor: Actor, conversation_id: int, *, text: str) -> Note:
    conversation = conversations.access_conversation(session, actor, conversation_id)
    text = text.strip()
    if not text:
        raise InvalidInput("La note est vide.")
    if len(text) > 5000:
        raise InvalidInput("Note trop longue (5 000 caractères au plus).")
    note = Note(conversation_id=conversation.id, author_id=actor.user_id, text=text)
    session.add(note)
    session.flush()
    return note


def close(
    session: Session,
    actor: Actor,
    conversation_id: int,
    *,
    motif: str,
    resolved: bool,
    comment: str = "",
    policy: RoutingPolicy,
    now: datetime,
) -> Conversation:
    """Close with a qualification (motif, resolved or not). Closing twice is harmless."""
    conversation = conversations.access_conversation(session, actor, conversation_id)
    if conversation.status == Status.CLOSED.value:
        return conversation
    require_handler(conversation, actor)
    chosen = policy.motif(motif)
    if chosen is None:
        raise InvalidInput(f"Motif de clôture inconnu : « {motif} ».", details=[m.code for m in policy.motifs])
    if len(comment) > 2000:
        raise InvalidInput("Commentaire trop long (2 000 caractères au plus).")
    entry = open_entry(session, conversation.id)
    handled = (now - as_utc(entry.taken_at)).total_seconds() if entry and entry.taken_at else None
    system_message(
        session,
        conversation,
        "Le conseiller a terminé la conversation. Merci de votre visite ; vous pouvez noter cet échange.",
        event="closed",
    )
    release(session, conversation, reason="closed", now=now)
    conversation.context = {
        **(conversation.context or {}),
        "qualification": {
            "motif": chosen.code,
            "label": chosen.label,
            "resolved": resolved,
            "comment": comment.strip(),
        },
    }
    conversations.set_status(session, conversation, Status.CLOSED.value)
    conversations.record_event(
        session,
        "conversation_closed",
        conversation=conversation,
        data={"motif": chosen.code, "resolved": resolved, "agent_id": actor.user_id, "handled_s": handled},
    )
    notify(session, conversation_channel(conversation.id), {"type": "status", "status": Status.CLOSED.value})
    return conversation


def still_waiting(session: Session, conversation_id: int) -> bool:
    entry = open_entry(session, conversation_id)
    return entry is not None and entry.state == EntryState.WAITING.value
