"""Assistant fixtures: one NLU model per machine (cached in pytest's cache, retrained when the packaged data
change), one assistant per session with scripted understanding, a fake router for the live-chat queue."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from accueil.assistant import Assistant, build_assistant
from accueil.assistant.ports import HandoffResult, RegistryUnderstanding
from accueil.assistant.testing import ScriptedUnderstanding
from accueil.core.config import Settings
from accueil.understanding.registry import ModelRegistry


@pytest.fixture(scope="session")
def nlu(nlu_model_dir: Path) -> RegistryUnderstanding:
    registry = ModelRegistry(nlu_model_dir, poll_seconds=3600)
    registry.engine()
    return RegistryUnderstanding(registry)


@dataclass
class FakeRouter:
    """Stands for accueil.routing.request_handoff: queued at a given position, or closed."""

    queued: bool = True
    position: int = 2
    wait_minutes: float = 4.0
    calls: list[dict[str, Any]] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)
    published: list[int] = field(default_factory=list)
    records_events = False

    def request(self, session: Session, conversation: Any, **kwargs: Any) -> HandoffResult:
        self.calls.append(kwargs)
        if not self.queued:
            return HandoffResult(False, reason="closed_hours")
        return HandoffResult(True, self.position, self.wait_minutes)

    def publish(self, session: Session, conversation: Any, message_id: int) -> None:
        self.published.append(message_id)

    def leave_message(self, session: Session, conversation: Any, *, text: str, email: str) -> Any:
        from accueil.conversations import service as conversations

        self.messages.append({"text": text, "email": email})
        mail = conversations.start_conversation(session, channel="email", public_code=conversation.public_code,
                                                context={"from_chat": conversation.public_id})
        conversations.append_message(session, mail, author_kind="usager", text=text)
        conversations.record_event(session, "mail_received", conversation=mail)
        return mail


@pytest.fixture(scope="session")
def assistant(settings: Settings, nlu: RegistryUnderstanding) -> Assistant:
    return build_assistant(settings, understanding=ScriptedUnderstanding(nlu), router=None)


@pytest.fixture
def scripted(assistant: Assistant) -> Iterator[ScriptedUnderstanding]:
    understanding = assistant.kit.understanding
    assert isinstance(understanding, ScriptedUnderstanding)
    yield understanding
    understanding.next = None


def with_router(assistant: Assistant, router: Any) -> Assistant:
    from dataclasses import replace

    return Assistant(replace(assistant.kit, router=router))


@pytest.fixture
def chat_app(app: FastAPI, assistant: Assistant) -> FastAPI:
    app.state.assistant = assistant
    return app


@pytest.fixture
def chat(chat_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(chat_app, base_url="http://testserver") as client:
        yield client
