"""Two agents accept the same conversation at the same instant, from two threads with their own database
connections (committed data, both backends): exactly one wins, the other gets a clear French message."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from accueil.core.clock import utcnow
from accueil.core.config import Settings
from accueil.core.database import make_engine, make_sessionmaker
from accueil.core.errors import Conflict
from accueil.identity.models import User
from accueil.identity.service import actor_for
from accueil.livechat.tx import run_tx
from accueil.routing import accept, load_policy, open_entry, request_handoff, set_presence
from tests.livechat.clone import live_settings  # noqa: F401  (fixture)
from tests.routing.conftest import make_conversation


@pytest.fixture
def live_engine(live_settings: Settings) -> Iterator[Engine]:  # noqa: F811
    engine = make_engine(live_settings.effective_database_url)
    yield engine
    engine.dispose()


def test_exactly_one_of_two_simultaneous_accepts_wins(live_engine: Engine) -> None:
    factory = make_sessionmaker(live_engine)
    policy = load_policy().always_open()
    with factory.begin() as session:
        users = {u.email: u for u in session.scalars(select(User).where(User.email.like("agent%.idf@accueil.test")))}
        agents = [actor_for(session, users[e]) for e in ("agent.idf@accueil.test", "agent2.idf@accueil.test")]
        for user in users.values():
            user.max_chats = 10
        for agent in agents:
            set_presence(session, agent.user_id, "pause", now=utcnow())  # staffed, nobody gets an offer
        conversation_ids = []
        for n in range(5):
            conversation = make_conversation(session, ref=f"race-{n}")
            request_handoff(
                session,
                conversation,
                skill="recouvrement_amiable",
                organisation_code="URS_IDF",
                summary={},
                policy=policy,
            )
            conversation_ids.append(conversation.id)

    for conversation_id in conversation_ids:
        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        def take(
            agent_index: int, cid: int = conversation_id, gate: threading.Barrier = barrier, out: list[str] = outcomes
        ) -> None:
            def work(session: Session) -> None:
                accept(session, cid, agent=agents[agent_index], now=utcnow())

            gate.wait()
            try:
                run_tx(factory, work)
                out.append(f"won:{agent_index}")
            except Conflict as error:
                assert "déjà été prise en charge" in error.message
                out.append("lost")

        threads = [threading.Thread(target=take, args=(i,)) for i in (0, 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert sorted(o.split(":")[0] for o in outcomes) == ["lost", "won"], outcomes
        with factory() as session:
            entry = open_entry(session, conversation_id)
            assert entry is not None and entry.state == "taken"
            winner = int(next(o for o in outcomes if o.startswith("won")).split(":")[1])
            assert entry.agent_id == agents[winner].user_id
