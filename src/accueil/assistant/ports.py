"""The seams of the assistant (Protocols) and thin adapters over the packages it integrates with.

Understanding: the model registry of `accueil.understanding`. Learning loop: `record_misunderstood`.
Routing: `accueil.routing.request_handoff` when the live-chat side is installed (otherwise None: the
assistant offers a message for the mail channel). Retrieval: the knowledge search, or an embedded BM25.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy.orm import Session

from accueil.assistant.generative.passages import LexicalIndex, Passage, Retriever, SearchRetriever, kb_passages
from accueil.assistant.knowledge import PublishedKnowledge
from accueil.conversations.models import Conversation
from accueil.understanding.engine import ParseResult

log = logging.getLogger(__name__)
DOCUMENTS_DIR = Path(__file__).resolve().parent.parent / "data" / "kb" / "documents"


class Understanding(Protocol):
    def parse(self, raw: object, *, public: str | None = None) -> ParseResult:
        """Intent ranking, entities, out-of-scope decision."""
        ...


class RegistryUnderstanding:
    """The active model of an understanding registry (follows activations without restart)."""

    def __init__(self, registry: Any) -> None:
        self._registry = registry

    def parse(self, raw: object, *, public: str | None = None) -> ParseResult:
        return self._registry.engine().parse(raw, public=public)  # type: ignore[no-any-return]


def registry_understanding(state: Any) -> RegistryUnderstanding:
    """`state` has `.settings` (app.state, or a namespace for the CLI)."""
    from accueil.understanding import shared_registry

    return RegistryUnderstanding(shared_registry(state))


class LearningLoop(Protocol):
    def record(self, session: Session, *, text: str, channel: str, public_code: str | None, reason: str,
               conversation_id: int | None, nlu: dict[str, Any] | None) -> None: ...


class MisunderstoodInbox:
    """Feeds the formateurs' inbox (accueil.understanding.record_misunderstood)."""

    def record(self, session: Session, *, text: str, channel: str, public_code: str | None, reason: str,
               conversation_id: int | None, nlu: dict[str, Any] | None) -> None:
        from accueil.understanding import record_misunderstood

        with session.begin_nested():
            record_misunderstood(session, text=text, channel=channel, public_code=public_code, reason=reason,
                                 conversation_id=conversation_id, nlu=nlu)


@dataclass(frozen=True, slots=True)
class HandoffResult:
    queued: bool
    position: int | None = None
    wait_minutes: float | None = None
    reason: str = ""  # why it was not queued: "closed_hours", "unstaffed"...
    message: str = ""  # French, from the routing (position and wait, or when it reopens)


class Router(Protocol):
    records_events: bool  # the router writes handoff_requested itself

    def request(self, session: Session, conversation: Conversation, *, skill: str, organisation_code: str | None,
                priority: int, summary: dict[str, Any]) -> HandoffResult: ...

    def leave_message(self, session: Session, conversation: Conversation, *, text: str, email: str) -> Conversation:
        ...

    def publish(self, session: Session, conversation: Conversation, message_id: int) -> None:
        """Tell the live chat (agent console) about a message the usager wrote while a human has the conversation."""


class RoutingAdapter:
    """Over `accueil.routing` (request_handoff, leave_message): queues per skill x organisation, hours, staffing."""

    records_events = True

    def __init__(self, routing: Any) -> None:
        self._routing = routing

    def request(self, session: Session, conversation: Conversation, *, skill: str, organisation_code: str | None,
                priority: int, summary: dict[str, Any]) -> HandoffResult:
        outcome = self._routing.request_handoff(session, conversation, skill=skill, organisation_code=organisation_code,
                                                priority=priority, summary=summary)
        return HandoffResult(outcome.queued, outcome.position, outcome.wait_minutes, outcome.reason, outcome.message)

    def leave_message(self, session: Session, conversation: Conversation, *, text: str, email: str) -> Conversation:
        return self._routing.leave_message(session, conversation, text=text, email=email)  # type: ignore[no-any-return]

    def publish(self, session: Session, conversation: Conversation, message_id: int) -> None:
        message = next(m for m in reversed(conversation.messages) if m.id == message_id)
        self._routing.publish_message(session, conversation, message)


def find_router() -> Router | None:
    try:
        from accueil import routing
    except ImportError:
        return None
    return RoutingAdapter(routing) if callable(getattr(routing, "request_handoff", None)) else None


def document_passages(directory: Path = DOCUMENTS_DIR) -> list[Passage]:
    """Passages of the packaged indexed documents (Markdown with front matter, or HTML)."""
    import yaml

    from accueil.assistant.generative.passages import chunk_text
    from accueil.assistant.generative.text import markdown_to_text

    passages: list[Passage] = []
    for path in sorted(p for p in directory.rglob("*") if p.suffix in {".md", ".html", ".htm"}):
        raw = path.read_text(encoding="utf-8", errors="replace")
        meta: dict[str, Any] = {}
        if raw.startswith("---"):
            _, front, raw = raw.split("---", 2)
            meta = yaml.safe_load(front) or {}
        elif path.suffix != ".md":
            from bs4 import BeautifulSoup

            soup = BeautifulSoup(raw, "html.parser")
            meta["title"] = soup.title.get_text(strip=True) if soup.title else path.stem
            raw = soup.get_text("\n")
        publics = tuple(meta.get("publics") or ())
        checked = str(meta["checked"]) if meta.get("checked") else None
        for n, chunk in enumerate(chunk_text(raw)):
            passages.append(Passage(f"chunk:{path.stem}:{n}", str(meta.get("title") or path.stem),
                                    markdown_to_text(chunk, separator="\n\n"), str(meta.get("url") or ""), checked,
                                    kind="document", publics=() if "all" in publics else publics))
    return passages


class EmbeddedRetriever:
    """BM25 over the published KB articles and the packaged documents, rebuilt when the KB view changes."""

    def __init__(self, knowledge: PublishedKnowledge) -> None:
        self._knowledge = knowledge
        self._documents = document_passages()
        self._index: LexicalIndex | None = None
        self._built_for: object = None

    def retrieve(self, session: Session | None, query: str, *, public: str | None, limit: int) -> list[Passage]:
        view = self._knowledge.view(session)
        if self._index is None or self._built_for is not view:
            documents = [replace(p, text=view.render(p.text)) for p in self._documents]
            passages = kb_passages(view.articles.values(), parameters=view.parameters) + documents
            self._index, self._built_for = LexicalIndex(passages), view
        return self._index.retrieve(session, query, public=public, limit=limit)


def default_retriever(knowledge: PublishedKnowledge) -> Retriever:
    """The knowledge search when installed (the embedded BM25 when its index has nothing), else the BM25."""
    embedded = EmbeddedRetriever(knowledge)
    try:
        from accueil.knowledge.search import search
    except ImportError:
        return embedded
    return SearchRetriever(search, knowledge.view, fallback=embedded)
