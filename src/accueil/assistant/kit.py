"""The assistant's dependencies, gathered once (policies, flows, knowledge, understanding, generation, routing)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from accueil.assistant.flows import FlowBook
from accueil.assistant.generative.answerer import GenerativeAnswerer
from accueil.assistant.knowledge import KnowledgeView, PublishedKnowledge
from accueil.assistant.policies import Policies
from accueil.assistant.ports import LearningLoop, Router, Understanding
from accueil.referential import service as referential
from accueil.referential.taxonomy import Intent, Taxonomy


@dataclass(frozen=True, slots=True)
class Toolkit:
    policies: Policies
    flows: FlowBook
    knowledge: PublishedKnowledge
    understanding: Understanding
    answerer: GenerativeAnswerer
    taxonomy: Taxonomy
    router: Router | None = None
    learning: LearningLoop | None = None
    live_cache_s: float = 10.0  # a change of the deployment matrix applies within this delay
    _live: dict[tuple[str, str | None], tuple[bool, float]] = field(default_factory=dict, repr=False)

    def view(self, session: Session) -> KnowledgeView:
        return self.knowledge.view(session)

    def intent(self, intent_id: str | None) -> Intent | None:
        return self.taxonomy.intent(intent_id) if intent_id else None

    def label(self, intent_id: str) -> str:
        intent = self.taxonomy.intent(intent_id)
        return intent.label if intent else intent_id

    def group_of(self, public: str | None) -> str | None:
        return next((g for g, members in self.taxonomy.groups.items() if public in members), None)

    def public_label(self, public: str | None) -> str:
        return self.taxonomy.publics.get(public or "", public or "")

    def is_live(self, session: Session, feature: str, public: str | None) -> bool:
        """The deployment matrix (referential.is_live) for a feature of the deployment policy, briefly cached."""
        component = getattr(self.policies.deployment, feature)
        cached = self._live.get((component, public))
        now = time.monotonic()
        if cached is not None and cached[1] > now:
            return cached[0]
        live = referential.is_live(session, component, public)
        self._live[(component, public)] = (live, now + self.live_cache_s)
        return live

    @property
    def router_records_events(self) -> bool:
        return bool(getattr(self.router, "records_events", False))

    def record_misunderstood(self, session: Session, **kwargs: Any) -> None:
        if self.learning is not None:
            self.learning.record(session, **kwargs)
