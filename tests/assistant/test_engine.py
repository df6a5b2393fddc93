"""The engine through its service API: what a turn writes (messages, events, state, summary), the live-chat
queue, the mail fallback, the learning loop, and bad input. Conversation-level behaviour is in conversations/."""

from __future__ import annotations

import asyncio

from sqlalchemy import select
from sqlalchemy.orm import Session

from accueil.assistant import Assistant, ReplyKind, Turn
from accueil.assistant.service import StartRequest, messages_after, start_chat, take_turn
from accueil.conversations import service as conversations
from accueil.conversations.models import Conversation
from accueil.core.config import Settings
from accueil.understanding.models import MisunderstoodUtterance
from tests.assistant.conftest import FakeRouter, with_router


def _start(session: Session, assistant: Assistant, settings: Settings, public: str | None = "AE") -> Conversation:
    conversation, _ = start_chat(session, assistant, StartRequest(public=public), secret=settings.secret_key)
    return conversation


def _turn(session: Session, assistant: Assistant, conversation: Conversation, turn: Turn):
    return asyncio.run(take_turn(session, assistant, conversation, turn))


def test_a_turn_writes_message_replies_events_and_state(session: Session, assistant: Assistant,
                                                        settings: Settings) -> None:
    conversation = _start(session, assistant, settings)
    result = _turn(session, assistant, conversation, Turn.text("comment déclarer mon chiffre d'affaires"))
    assert result.intent == "declaration_ca_ae_comment"
    stored = messages_after(session, conversation)
    assert [m["author"] for m in stored][-2:] == ["usager", "bot"]
    usager = conversations.messages_of(session, conversation)[-2]
    assert usager.nlu["intent"] == "declaration_ca_ae_comment"
    kinds = [e.kind for e in conversations.events_of(session, conversation)]
    assert kinds[:2] == ["conversation_started", "public_detected"]
    assert {"intent_detected", "flow_started"} <= set(kinds)
    assert conversation.current_intent == "declaration_ca_ae_comment"
    assert conversation.context["assistant"]["flow"]["id"] == "declaration_ca"


def test_handoff_enters_the_queue_when_live_chat_runs(session: Session, assistant: Assistant,
                                                     settings: Settings) -> None:
    router = FakeRouter(queued=True, position=3, wait_minutes=6)
    queued = with_router(assistant, router)
    conversation = _start(session, queued, settings, public="AE")  # live chat is live for AE
    _turn(session, queued, conversation, Turn.text("comment déclarer mon chiffre d'affaires"))
    result = _turn(session, queued, conversation, Turn.choice("handoff", label="Parler à un conseiller"))
    assert result.handoff and result.replies[0].kind == ReplyKind.HANDOFF
    assert "position 3" in result.replies[0].text and "environ 6 min" in result.replies[0].text
    assert conversation.status == "queued"
    call = router.calls[0]
    assert call["skill"] == "declaration" and call["priority"] == 1
    assert call["summary"]["intent"] == "declaration_ca_ae_comment"
    assert call["summary"]["steps"] == ["declaration_ca/premiere"]
    quiet = _turn(session, queued, conversation, Turn.text("vous êtes là ?"))
    assert quiet.replies == []  # a human has the conversation: the bot stays quiet, the message is kept
    assert messages_after(session, conversation)[-1]["text"] == "vous êtes là ?"
    assert router.published == [quiet.last_message_id]  # and the agent's console is told


def test_closed_queue_becomes_a_message_for_the_mail_channel(session: Session, assistant: Assistant,
                                                            settings: Settings) -> None:
    router = FakeRouter(queued=False)
    closed = with_router(assistant, router)
    conversation = _start(session, closed, settings, public="AE")
    result = _turn(session, closed, conversation, Turn.text("je veux parler à un conseiller"))
    assert "Laissez-nous un message" in result.replies[0].text
    _turn(session, closed, conversation, Turn.text("lea.petit@exemple.fr"))
    _turn(session, closed, conversation, Turn.text("Merci de me rappeler au sujet de ma déclaration."))
    assert router.messages == [{"text": "Merci de me rappeler au sujet de ma déclaration.",
                                "email": "lea.petit@exemple.fr"}]
    mail = conversations.by_public_id(session, conversation.context["assistant"]["message_reference"])
    assert [e.kind for e in conversations.events_of(session, mail)] == ["conversation_started", "mail_received"]


def test_without_routing_the_message_is_written_for_the_mail_channel(session: Session, assistant: Assistant,
                                                                     settings: Settings) -> None:
    alone = with_router(assistant, None)
    conversation = _start(session, alone, settings, public="RG")  # live chat is not open for RG
    result = _turn(session, alone, conversation, Turn.choice("handoff", label="Parler à un conseiller"))
    assert "3957" in result.replies[0].text
    _turn(session, alone, conversation, Turn.text("lea.petit@exemple.fr"))
    _turn(session, alone, conversation, Turn.text("Merci de me rappeler."))
    mail = conversations.by_public_id(session, conversation.context["assistant"]["message_reference"])
    assert mail.channel == "email" and mail.context["from_chat"] == conversation.public_id
    assert mail.context["summary"]["reason"] == "demande_usager"
    assert [e.kind for e in conversations.events_of(session, mail)] == ["conversation_started", "mail_received"]


def test_real_routing_queue_or_message(session: Session, assistant: Assistant, settings: Settings) -> None:
    from accueil.assistant.ports import find_router

    routed = with_router(assistant, find_router())
    conversation = _start(session, routed, settings, public="AE")
    result = _turn(session, routed, conversation, Turn.text("je veux parler à un conseiller"))
    assert result.handoff and result.replies[0].kind == ReplyKind.HANDOFF
    assert conversation.summary["routing"]["skill"] == "accueil_orientation"
    assert conversation.summary["reason"] == "demande_usager"
    kinds = [e.kind for e in conversations.events_of(session, conversation)]
    assert kinds.count("handoff_requested") == 1  # written by the routing, not twice
    stored = conversations.messages_of(session, conversation)
    usager_at = next(i for i, m in enumerate(stored) if m.author_kind == "usager")
    assert all(m.author_kind != "system" for m in stored[:usager_at])  # the routing's notes follow the request
    if conversation.status == "queued":
        assert "position" in result.replies[0].text
    else:  # outside hours or nobody staffed: a message for the mail channel
        _turn(session, routed, conversation, Turn.text("lea.petit@exemple.fr"))
        sent = _turn(session, routed, conversation, Turn.text("Merci de me rappeler."))
        assert "bien transmis" in sent.replies[0].text
        mail = conversations.by_public_id(session, conversation.context["assistant"]["message_reference"])
        assert mail.channel == "email" and mail.context["reply_to"] == "lea.petit@exemple.fr"


def test_misunderstood_messages_reach_the_learning_inbox(session: Session, assistant: Assistant,
                                                         settings: Settings) -> None:
    conversation = _start(session, assistant, settings)
    _turn(session, assistant, conversation, Turn.text("gzzzt krrrr"))
    _turn(session, assistant, conversation, Turn.text("comment déclarer mon chiffre d'affaires"))
    _turn(session, assistant, conversation, Turn.choice("step:declaration_ca:premiere:0", label="Oui"))
    _turn(session, assistant, conversation, Turn.choice("sat:non", label="Non"))
    reasons = session.scalars(select(MisunderstoodUtterance.reason)
                              .where(MisunderstoodUtterance.conversation_id == conversation.id)).all()
    assert sorted(reasons) == ["hors_sujet", "pouce_bas"]
    satisfaction = [e for e in conversations.events_of(session, conversation) if e.kind == "satisfaction"]
    assert satisfaction[0].data["value"] == "non"


def test_bad_input_gets_a_clear_answer_and_the_conversation_goes_on(session: Session, assistant: Assistant,
                                                                     settings: Settings) -> None:
    conversation = _start(session, assistant, settings)
    huge = _turn(session, assistant, conversation, Turn.text("cotisation " * 800))
    assert "trop long" in huge.replies[0].text
    stored = conversations.messages_of(session, conversation)[-2]
    assert stored.payload["length"] == len("cotisation " * 800) and len(stored.text) == 5000
    script = _turn(session, assistant, conversation, Turn.text("<img src=x onerror=alert(1)>"))
    assert script.replies and not script.handoff
    assert conversations.messages_of(session, conversation)[-len(script.replies) - 1].text.startswith("<img")
    dtmf = _turn(session, assistant, conversation, Turn.dtmf("9"))
    assert "plus disponible" in dtmf.replies[0].text
    ok = _turn(session, assistant, conversation, Turn.text("comment déclarer mon chiffre d'affaires"))
    assert ok.intent == "declaration_ca_ae_comment"


def test_a_retried_turn_is_answered_once(session: Session, assistant: Assistant, settings: Settings) -> None:
    conversation = _start(session, assistant, settings)
    first = _turn(session, assistant, conversation, Turn.text("comment déclarer mon chiffre d'affaires",
                                                              client_id="abc123"))
    count = len(conversations.messages_of(session, conversation))
    again = _turn(session, assistant, conversation, Turn.text("comment déclarer mon chiffre d'affaires",
                                                              client_id="abc123"))
    assert [r.text for r in again.replies] == [r.text for r in first.replies]
    assert again.intent == first.intent
    assert len(conversations.messages_of(session, conversation)) == count


def test_unknown_public_is_asked_then_the_question_is_answered(session: Session, assistant: Assistant,
                                                               settings: Settings) -> None:
    conversation, replies = start_chat(session, assistant, StartRequest(), secret=settings.secret_key)
    assert [c.id for c in replies[-1].choices] == ["group:EMP", "group:IND", "group:PART", "group:SPE"]
    _turn(session, assistant, conversation, Turn.text("comment déclarer mon chiffre d'affaires"))
    result = _turn(session, assistant, conversation, Turn.choice("public:AE"))
    assert conversation.public_code == "AE"
    assert result.intent == "declaration_ca_ae_comment"
