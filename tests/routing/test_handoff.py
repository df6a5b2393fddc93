"""The handoff contract: queue choice, hours, staffing, explanations, idempotence, leaving a message."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from accueil.conversations import service as conversations
from accueil.core.errors import InvalidInput, InvalidTransition
from accueil.routing import RoutingPolicy, open_entry
from tests.routing.conftest import available, handoff, make_conversation


def test_queued_with_position_summary_events_and_explanation(
    session: Session, policy: RoutingPolicy, now: datetime
) -> None:
    available(session, "agent.idf@accueil.test", now, "pause")  # staffed, but nobody free: stays in queue
    conversation = make_conversation(session)
    outcome = handoff(session, conversation, policy, now, organisation_code="URS_IDF", priority=2)
    assert outcome.status == "queued"
    assert outcome.queue_id == "URS_IDF:attestations"
    assert outcome.position == 1
    assert "position 1" in outcome.message
    assert outcome.wait_estimate is None  # nobody available: no estimate
    assert conversation.status == "queued"
    assert conversation.summary["intent"] == "attestation_vigilance"
    assert conversation.summary["routing"]["organisation"] == "URS_IDF"
    kinds = [e.kind for e in conversations.events_of(session, conversation)]
    assert "handoff_requested" in kinds and "queue_entered" in kinds
    system = [m for m in conversations.messages_of(session, conversation) if m.author_kind == "system"]
    assert "Routage" in system[-1].text and "organisation indiquée" in system[-1].text
    entry = open_entry(session, conversation.id)
    assert entry is not None and entry.priority == 2

    second = make_conversation(session, ref="usager-2")
    assert handoff(session, second, policy, now + timedelta(seconds=5), organisation_code="URS_IDF").position == 2
    again = handoff(session, conversation, policy, now + timedelta(seconds=9), organisation_code="URS_IDF")
    assert again.position == 1 and again.queue_id == outcome.queue_id  # asking twice: same place, no duplicate


def test_public_centre_then_national_pool(session: Session, policy: RoutingPolicy, now: datetime) -> None:
    available(session, "agent.cesu@accueil.test", now, "pause")
    cesu = make_conversation(session, public="CESU", organisation="URS_IDF", ref="cesu")
    outcome = handoff(session, cesu, policy, now, skill="particuliers_employeurs")
    assert outcome.queue_id == "CN_CESU:particuliers_employeurs"
    assert "centre national du public CESU" in conversations.messages_of(session, cesu)[-1].text

    unknown = make_conversation(session, public=None, organisation=None, ref="anonyme")
    result = handoff(session, unknown, policy, now, skill="attestations")
    assert result.queue_id == "UCN:attestations"
    assert result.status == "unstaffed"  # nobody of the national pool has this skill in the demo data


def test_unknown_skill_falls_back_and_bad_organisation_is_refused(
    session: Session, policy: RoutingPolicy, now: datetime
) -> None:
    available(session, "agent.idf@accueil.test", now)
    conversation = make_conversation(session)
    outcome = handoff(session, conversation, policy, now, skill="astrologie", organisation_code="URS_IDF")
    assert outcome.queue_id == "URS_IDF:accueil_orientation"
    with pytest.raises(InvalidInput):
        handoff(session, make_conversation(session, ref="x"), policy, now, organisation_code="NOPE")


def test_closed_hours_and_unstaffed(session: Session, policy: RoutingPolicy) -> None:
    saturday = datetime(2026, 6, 6, 9, 0, tzinfo=UTC)
    conversation = make_conversation(session)
    outcome = handoff(session, conversation, policy, saturday, organisation_code="URS_IDF")
    assert outcome.status == "closed_hours" and outcome.position is None
    assert "du lundi au vendredi de 8 h 30 à 17 h 30" in outcome.message
    assert "lundi 8 juin à 8 h 30" in outcome.message and "laisser un message" in outcome.message
    assert conversation.status == "bot" and open_entry(session, conversation.id) is None

    ascension = datetime(2026, 5, 14, 9, 0, tzinfo=UTC)
    assert handoff(session, make_conversation(session, ref="a"), policy, ascension).status == "closed_hours"

    weekday = datetime(2026, 6, 3, 9, 0, tzinfo=UTC)
    empty = handoff(session, make_conversation(session, organisation="URS_COR", ref="c"), policy, weekday)
    assert empty.status == "unstaffed" and "Aucun conseiller" in empty.message
    event = conversations.events_of(session, conversation)[-1]
    assert event.kind == "handoff_requested" and event.data["outcome"] == "closed_hours"


def test_closed_conversation_and_assigned_are_refused(session: Session, policy: RoutingPolicy, now: datetime) -> None:
    conversation = make_conversation(session)
    conversations.set_status(session, conversation, "closed")
    with pytest.raises(InvalidTransition):
        handoff(session, conversation, policy, now)


def test_leave_message_becomes_an_email_conversation(session: Session, policy: RoutingPolicy) -> None:
    conversation = make_conversation(session)
    with pytest.raises(InvalidInput) as bad:
        from accueil.routing import leave_message

        leave_message(session, conversation, text="", email="pas-une-adresse")
    assert len(bad.value.details) == 2  # type: ignore[arg-type]
    mail = leave_message(session, conversation, text="Merci de me rappeler.", email="jean@example.org")
    assert mail.channel == "email" and mail.context["reply_to"] == "jean@example.org"
    first = conversations.messages_of(session, mail)[0]
    assert first.text == "Merci de me rappeler."
    assert first.payload["transcript"][0]["text"] == "Bonjour, j'ai une question."
    assert [e.kind for e in conversations.events_of(session, mail)][-1] == "mail_received"
