"""The handoff contract the bots call: choose a queue, check hours and staffing, enter it, explain why."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from accueil.conversations import service as conversations
from accueil.conversations.choices import Channel, Status
from accueil.conversations.models import Conversation
from accueil.core.clock import utcnow
from accueil.core.errors import InvalidInput, InvalidTransition, NotFound
from accueil.referential import service as referential
from accueil.referential.models import Organisation
from accueil.referential.taxonomy import load_taxonomy
from accueil.routing.agents import agent_views, eligible
from accueil.routing.assignment import offer
from accueil.routing.choices import EntryState, OutcomeStatus, Presence
from accueil.routing.estimate import Staffing, WaitEstimate, estimate_position, measured_handling
from accueil.routing.models import QueueEntry
from accueil.routing.policy import RoutingPolicy, load_policy
from accueil.routing.queues import enter_queue, open_entry, position, queue_id, system_message

_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[a-zA-Z]{2,}$")
_WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
LEAVE_A_MESSAGE = "Vous pouvez nous laisser un message : nous vous répondrons par e-mail."


@dataclass(frozen=True, slots=True)
class HandoffOutcome:
    status: str  # "queued" | "closed_hours" | "unstaffed"
    queue_id: str
    position: int | None
    wait_estimate: WaitEstimate | None
    message: str  # French, ready to show to the usager

    @property
    def queued(self) -> bool:
        return self.status == OutcomeStatus.QUEUED.value

    @property
    def wait_minutes(self) -> float | None:
        """Middle of a reliable range, in minutes (None when no reliable estimate)."""
        if self.wait_estimate is None or not self.wait_estimate.reliable:
            return None
        return (self.wait_estimate.low_s + self.wait_estimate.high_s) / 120.0

    @property
    def reason(self) -> str:
        return "" if self.queued else self.status

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "queue_id": self.queue_id,
            "position": self.position,
            "wait_estimate": self.wait_estimate.as_dict() if self.wait_estimate else None,
            "message": self.message,
        }


def french_datetime(value: datetime) -> str:
    time_part = f"{value.hour} h {value.minute:02d}" if value.minute else f"{value.hour} h"
    return f"{_WEEKDAYS[value.weekday()]} {value.day} {_MONTHS[value.month - 1]} à {time_part}"


def _choose_organisation(
    session: Session, conversation: Conversation, code: str | None, policy: RoutingPolicy
) -> tuple[Organisation, str]:
    if code:
        try:
            return referential.get_organisation(session, code), "organisation indiquée lors de la demande"
        except NotFound:
            raise InvalidInput(f"Organisation inconnue : « {code} ».") from None
    if conversation.public_code:
        public = referential.get_public(session, conversation.public_code)
        if public.centre_code:
            return referential.get_organisation(session, public.centre_code), f"centre national du public {public.code}"
    if conversation.organisation_id:
        known = referential.organisation_by_id(session, conversation.organisation_id)
        if known is not None:
            return known, "organisation de rattachement de l'usager"
    return referential.get_organisation(session, policy.national_pool), "pôle national (aucune organisation connue)"


def _skill(skill: str, policy: RoutingPolicy) -> tuple[str, str]:
    if skill in load_taxonomy().routing_skills:
        return skill, ""
    return policy.default_skill, f" (compétence « {skill} » inconnue : accueil généraliste)"


def staffing_for(session: Session, entry: QueueEntry, *, policy: RoutingPolicy, now: datetime) -> Staffing:
    views = eligible(
        agent_views(session, presences=[Presence.AVAILABLE.value]),
        organisation_ids={entry.organisation_id, entry.home_organisation_id},
        skill=entry.skill,
    )
    handling, samples = measured_handling(session, skill=entry.skill, policy=policy, now=now)
    if samples < policy.min_samples:  # too few for this skill: every skill together is a better prior
        handling, samples = measured_handling(session, skill=None, policy=policy, now=now)
    return Staffing(
        slots=sum(v.max_chats for v in views),
        busy=sum(min(v.max_chats, v.load + v.offers) for v in views),
        handling_s=handling,
        samples=samples,
    )


def is_staffed(session: Session, organisation: Organisation, skill: str, policy: RoutingPolicy) -> bool:
    orgs = {organisation.id}
    if policy.overflow_enabled and organisation.kind in policy.overflow_kinds:
        orgs.add(referential.get_organisation(session, policy.national_pool).id)
    views = agent_views(session, presences=policy.staffed_presences)
    return bool(eligible(views, organisation_ids=orgs, skill=skill))


def position_message(rank: int, estimate: WaitEstimate | None) -> str:
    text = f"Vous êtes en position {rank} dans la file d'attente."
    if estimate is not None and estimate.reliable:
        return text + f" Temps d'attente estimé : {estimate.french()}."
    return text + " Un conseiller vous répondra dès que possible."


def queued_message(organisation_name: str, rank: int, estimate: WaitEstimate | None) -> str:
    return f"Je vous mets en relation avec un conseiller ({organisation_name}). " + position_message(rank, estimate)


def request_handoff(
    session: Session,
    conversation: Conversation,
    *,
    skill: str,
    organisation_code: str | None,
    priority: int = 0,
    summary: dict[str, Any],
    policy: RoutingPolicy | None = None,
    now: datetime | None = None,
) -> HandoffOutcome:
    """Hand a conversation over to a human: store the summary, choose the queue, check hours and staffing,
    enter the queue and offer it to the longest-idle agent. Asking twice returns the same place."""
    policy = policy or load_policy()
    now = now or utcnow()
    if conversation.status == Status.CLOSED.value:
        raise InvalidTransition("Cette conversation est close : ouvrez-en une nouvelle.")
    if conversation.status == Status.ASSIGNED.value:
        raise InvalidTransition("Un conseiller suit déjà cette conversation.")
    existing = open_entry(session, conversation.id)
    if existing is not None and existing.state == EntryState.WAITING.value:
        return queued_outcome(session, existing, policy=policy, now=now)
    organisation, why = _choose_organisation(session, conversation, organisation_code, policy)
    chosen_skill, skill_note = _skill(skill, policy)
    qid = queue_id(organisation.code, chosen_skill)
    conversation.summary = {
        **summary,
        "routing": {"skill": chosen_skill, "organisation": organisation.code, "reason": why, "queue_id": qid},
    }
    hours = policy.hours_for(organisation.code, chosen_skill)
    outcome = OutcomeStatus.QUEUED
    if not hours.is_open(now):
        outcome = OutcomeStatus.CLOSED_HOURS
    elif not is_staffed(session, organisation, chosen_skill, policy):
        outcome = OutcomeStatus.UNSTAFFED
    conversations.record_event(
        session,
        "handoff_requested",
        conversation=conversation,
        data={"skill": chosen_skill, "organisation": organisation.code, "priority": priority, "outcome": outcome.value},
    )
    explanation = f"Routage : compétence « {chosen_skill} »{skill_note}, {organisation.name} ({why})"
    if outcome == OutcomeStatus.CLOSED_HOURS:
        opening = hours.next_opening(now)
        reopen = f" Réouverture {french_datetime(opening)}." if opening else ""
        system_message(session, conversation, explanation + " — hors des horaires d'ouverture.", event="closed_hours")
        text = f"Nos conseillers répondent par chat {hours.describe()}, hors jours fériés.{reopen} {LEAVE_A_MESSAGE}"
        return HandoffOutcome(outcome.value, qid, None, None, text)
    if outcome == OutcomeStatus.UNSTAFFED:
        system_message(session, conversation, explanation + " — aucun conseiller en service.", event="unstaffed")
        text = f"Aucun conseiller n'est disponible pour ce sujet en ce moment. {LEAVE_A_MESSAGE}"
        return HandoffOutcome(outcome.value, qid, None, None, text + " Vous pouvez aussi réessayer un peu plus tard.")
    if conversation.organisation_id not in (None, organisation.id):
        conversation.summary["routing"]["from_organisation_id"] = conversation.organisation_id
    conversation.organisation_id = organisation.id  # the handling organisation decides who may see it
    entry = enter_queue(
        session,
        conversation,
        organisation_id=organisation.id,
        skill=chosen_skill,
        priority=priority,
        now=now,
        reason="handoff",
    )
    system_message(session, conversation, explanation + ".", event="queued", queue_id=qid)
    offer(session, entry, now=now)
    return queued_outcome(session, entry, policy=policy, now=now)


def queued_outcome(session: Session, entry: QueueEntry, *, policy: RoutingPolicy, now: datetime) -> HandoffOutcome:
    organisation = referential.organisation_by_id(session, entry.organisation_id)
    rank = position(session, entry)
    estimate = estimate_position(rank, staffing_for(session, entry, policy=policy, now=now), policy)
    name = organisation.name if organisation else "pôle national"
    code = organisation.code if organisation else policy.national_pool
    return HandoffOutcome(
        OutcomeStatus.QUEUED.value, queue_id(code, entry.skill), rank, estimate, queued_message(name, rank, estimate)
    )


def leave_message(session: Session, conversation: Conversation, *, text: str, email: str) -> Conversation:
    """Outside hours or when nobody is staffed: the usager's message becomes an e-mail conversation, with the
    transcript of the chat attached; the mail circuit (mailbot, agents) answers it."""
    text, email = text.strip(), email.strip()
    problems = []
    if not text:
        problems.append({"champ": "text", "message": "Le message est vide."})
    if not _EMAIL.match(email):
        problems.append({"champ": "email", "message": "Adresse e-mail invalide."})
    if problems:
        raise InvalidInput("Votre message n'a pas pu être enregistré.", details=problems)
    transcript = [
        {"author_kind": m.author_kind, "text": m.text, "created_at": m.created_at.isoformat()}
        for m in conversations.messages_of(session, conversation)
    ]
    mail = conversations.start_conversation(
        session,
        channel=Channel.EMAIL.value,
        public_code=conversation.public_code,
        usager_ref=conversation.usager_ref,
        context={"reply_to": email, "source": "live_chat", "source_conversation": conversation.public_id},
    )
    mail.organisation_id = conversation.organisation_id
    mail.current_intent = conversation.current_intent
    mail.summary = dict(conversation.summary or {})
    conversations.append_message(
        session, mail, author_kind="usager", text=text, payload={"transcript": transcript, "reply_to": email}
    )
    conversations.record_event(
        session, "mail_received", conversation=mail, data={"source": "live_chat", "from_conversation": conversation.id}
    )
    system_message(
        session,
        conversation,
        "Votre message a bien été transmis : nous vous répondrons par e-mail.",
        event="left_message",
    )
    return mail
