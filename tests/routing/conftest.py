"""Helpers for routing tests: an always-open policy, a fixed clock, conversations and agents."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from accueil.conversations import service as conversations
from accueil.conversations.models import Conversation
from accueil.identity.access import Actor
from accueil.identity.models import User
from accueil.identity.service import actor_for
from accueil.routing import RoutingPolicy, load_policy, set_presence

# Wednesday 3 June 2026, 10:00 in Paris (08:00 UTC): a working day, inside the default hours.
OPEN_NOW = datetime(2026, 6, 3, 8, 0, tzinfo=UTC)


@pytest.fixture
def policy() -> RoutingPolicy:
    return replace(load_policy(), min_samples=3)


@pytest.fixture
def now() -> datetime:
    return OPEN_NOW


def make_conversation(
    session: Session, *, public: str | None = "RG", organisation: str | None = "URS_IDF", ref: str = "usager-1"
) -> Conversation:
    conversation = conversations.start_conversation(
        session, channel="chat", public_code=public, organisation_code=organisation, usager_ref=ref
    )
    conversations.append_message(session, conversation, author_kind="usager", text="Bonjour, j'ai une question.")
    return conversation


def actor(session: Session, email: str) -> Actor:
    user = session.scalar(select(User).where(User.email == email))
    assert user is not None, email
    return actor_for(session, user)


def available(session: Session, email: str, when: datetime, presence: str = "disponible") -> Actor:
    agent = actor(session, email)
    set_presence(session, agent.user_id, presence, now=when)
    return agent


def handoff(session: Session, conversation: Conversation, policy: RoutingPolicy, when: datetime, **kw: Any) -> Any:
    from accueil.routing import request_handoff

    args: dict[str, Any] = {
        "skill": "attestations",
        "organisation_code": None,
        "summary": {"intent": "attestation_vigilance"},
    }
    args.update(kw)
    return request_handoff(session, conversation, policy=policy, now=when, **args)
