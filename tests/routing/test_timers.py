"""What time does: expired offers, overflow to the national pool, agents and usagers who vanish."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from accueil.conversations import service as conversations
from accueil.routing import RoutingPolicy, accept, agent_view, open_entry, sweep, touch, touch_usagers
from tests.routing.conftest import actor, available, handoff, make_conversation


def test_expired_offer_pauses_the_agent_and_goes_to_the_next(
    session: Session, policy: RoutingPolicy, now: datetime
) -> None:
    bruno = available(session, "agent2.idf@accueil.test", now - timedelta(minutes=10))
    agathe = available(session, "agent.idf@accueil.test", now - timedelta(minutes=5))
    conversation = make_conversation(session)
    handoff(session, conversation, policy, now, skill="recouvrement_amiable")
    entry = open_entry(session, conversation.id)
    assert entry is not None and entry.offered_agent_id == bruno.user_id
    touch(session, [bruno.user_id, agathe.user_id], now=now + timedelta(seconds=31))
    report = sweep(session, policy=policy, now=now + timedelta(seconds=31))
    assert report.offers_expired == 1
    session.refresh(entry)
    assert entry.offered_agent_id == agathe.user_id
    assert agent_view(session, bruno.user_id).presence == "pause"


def test_overflow_to_the_national_pool(session: Session, policy: RoutingPolicy, now: datetime) -> None:
    available(session, "agent.idf@accueil.test", now, "pause")
    conversation = make_conversation(session)
    handoff(session, conversation, policy, now)
    assert sweep(session, policy=policy, now=now + timedelta(seconds=60)).overflowed == 0
    report = sweep(session, policy=policy, now=now + timedelta(seconds=policy.overflow_after_s + 1))
    assert report.overflowed == 1
    entry = open_entry(session, conversation.id)
    assert entry is not None and entry.overflowed_at is not None
    admin = actor(session, "admin@accueil.test")
    assert entry.organisation_id in admin.organisation_ids  # the UCN queue now
    assert "pôle national" in conversations.messages_of(session, conversation)[-1].text
    # the regional agent can still take it (its home organisation)
    agathe = available(session, "agent.idf@accueil.test", now + timedelta(seconds=200))
    accept(session, conversation.id, agent=agathe, now=now + timedelta(seconds=201))
    assert sweep(session, policy=policy, now=now + timedelta(seconds=400)).overflowed == 0


def test_agent_gone_requeues_at_the_head(session: Session, policy: RoutingPolicy, now: datetime) -> None:
    agathe = available(session, "agent.idf@accueil.test", now)
    waiting = make_conversation(session, ref="w")
    mine = make_conversation(session, ref="m")
    handoff(session, mine, policy, now)
    accept(session, mine.id, agent=agathe, now=now)
    available(session, "agent.idf@accueil.test", now, "pause")
    handoff(session, waiting, policy, now + timedelta(seconds=5))
    later = now + timedelta(seconds=policy.agent_grace_s + 1)
    report = sweep(session, policy=policy, now=later)
    assert report.requeued == 1
    assert mine.status == "queued" and mine.assigned_agent_id is None
    entry = open_entry(session, mine.id)
    assert entry is not None and entry.priority >= 10
    assert agent_view(session, agathe.user_id).presence == "hors_ligne"
    from accueil.routing import position

    assert position(session, entry) == 1  # ahead of the one that was waiting
    assert "déconnecté" in conversations.messages_of(session, mine)[-1].text


def test_usager_gone_abandons_only_after_grace(session: Session, policy: RoutingPolicy, now: datetime) -> None:
    available(session, "agent.idf@accueil.test", now, "pause")
    conversation = make_conversation(session)
    handoff(session, conversation, policy, now)
    later = now + timedelta(seconds=policy.usager_grace_s + 5)
    assert sweep(session, policy=policy, now=later).abandoned == 0  # never connected: nothing to judge
    touch_usagers(session, [conversation.id], now=now)
    session.expire_all()
    assert sweep(session, policy=policy, now=now + timedelta(seconds=10)).abandoned == 0
    assert sweep(session, policy=policy, now=later).abandoned == 1
    session.refresh(conversation)
    assert conversation.status == "closed"
    left = [e for e in conversations.events_of(session, conversation) if e.kind == "queue_left"]
    assert left[-1].data["reason"] == "abandoned"
