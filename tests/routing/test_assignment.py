"""Offers go to the longest-idle eligible agent; accepting checks skill, organisation and capacity."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from accueil.core.errors import Conflict, Forbidden, NotFound
from accueil.routing import RoutingPolicy, accept, dispatch, open_entry, sweep, waiting_entries
from tests.routing.conftest import actor, available, handoff, make_conversation


def test_longest_idle_agent_gets_the_offer_and_accepts(session: Session, policy: RoutingPolicy, now: datetime) -> None:
    bruno = available(session, "agent2.idf@accueil.test", now - timedelta(minutes=10))
    agathe = available(session, "agent.idf@accueil.test", now - timedelta(minutes=5))
    first = make_conversation(session, ref="a")
    handoff(session, first, policy, now, skill="recouvrement_amiable")  # both have the skill
    entry = open_entry(session, first.id)
    assert entry is not None and entry.offered_agent_id == bruno.user_id  # idle for longer
    second = make_conversation(session, ref="b")
    handoff(session, second, policy, now, skill="recouvrement_amiable")
    second_entry = open_entry(session, second.id)
    assert second_entry is not None and second_entry.offered_agent_id == agathe.user_id

    accept(session, first.id, agent=bruno, now=now + timedelta(seconds=20))
    assert first.status == "assigned" and first.assigned_agent_id == bruno.user_id
    assert accept(session, first.id, agent=bruno, now=now).id == first.id  # double click
    with pytest.raises(Conflict, match="déjà été prise en charge"):
        accept(session, first.id, agent=agathe, now=now)


def test_skill_organisation_and_capacity_are_checked(session: Session, policy: RoutingPolicy, now: datetime) -> None:
    available(session, "agent.idf@accueil.test", now, "pause")
    bruno = available(session, "agent2.idf@accueil.test", now)
    paul = available(session, "agent.paca@accueil.test", now)
    conversation = make_conversation(session)
    handoff(session, conversation, policy, now, skill="attestations")  # Bruno lacks this skill
    with pytest.raises(Forbidden, match="compétence"):
        accept(session, conversation.id, agent=bruno, now=now)
    with pytest.raises(NotFound):  # another region: not even visible
        accept(session, conversation.id, agent=paul, now=now)

    for ref in ("c1", "c2", "c3"):  # Bruno holds 2 chats at most
        other = make_conversation(session, ref=ref)
        handoff(session, other, policy, now, skill="support_technique")
    queued = [e.conversation_id for e in waiting_entries(session) if e.skill == "support_technique"]
    accept(session, queued[0], agent=bruno, now=now)
    accept(session, queued[1], agent=bruno, now=now)
    with pytest.raises(Conflict, match="nombre maximal"):
        accept(session, queued[2], agent=bruno, now=now)


def test_dispatch_spreads_offers_over_free_agents(session: Session, policy: RoutingPolicy, now: datetime) -> None:
    agathe = available(session, "agent.idf@accueil.test", now, "pause")  # staffed, not yet available
    for ref in ("d1", "d2", "d3", "d4", "d5"):
        handoff(session, make_conversation(session, ref=ref), policy, now)
    available(session, "agent.idf@accueil.test", now)  # arrives after the queue built up: 3 slots
    assert dispatch(session, waiting_entries(session), now=now) == 3
    offered = [e for e in waiting_entries(session) if e.offered_agent_id == agathe.user_id]
    assert len(offered) == 3
    assert sweep(session, policy=policy, now=now).offered == 0  # nothing more to offer


def test_pool_agents_cannot_take_regional_entries_before_overflow(
    session: Session, policy: RoutingPolicy, now: datetime
) -> None:
    conversation = make_conversation(session)
    available(session, "agent.idf@accueil.test", now, "pause")
    handoff(session, conversation, policy, now)
    assert actor(session, "admin@accueil.test").can_reach_organisation(conversation.organisation_id)
