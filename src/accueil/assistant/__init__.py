"""The assistant: a channel-agnostic dialogue engine (flows and policies as data), grounded generative answers
with sources, satisfaction and handoff. Channels turn their input into a `Turn` and render `Reply`s.

Public API: `Assistant`, `Turn`, `Reply`, `build_assistant`, `load_policies`, and the chat service
(`start_chat`, `take_turn`, `messages_after`).
"""

from __future__ import annotations

from typing import Any

from accueil.assistant.engine import Assistant, TurnResult
from accueil.assistant.policies import Policies, load_policies
from accueil.assistant.turns import Choice, Reply, ReplyKind, Source, Turn, TurnKind
from accueil.core.config import Settings

__all__ = ["Assistant", "Choice", "Policies", "Reply", "ReplyKind", "Source", "Turn", "TurnKind", "TurnResult",
           "build_assistant", "load_policies"]


def build_assistant(settings: Settings, *, state: Any | None = None, understanding: Any | None = None,
                    generator: Any | None = None, retriever: Any | None = None, router: Any | None = None,
                    learning: Any | None = None) -> Assistant:
    """Everything wired from Settings; any seam can be replaced (tests, benchmarks, another channel).

    `state` is where the understanding registry lives (app.state, or a namespace with `.settings`).
    With `llm_base_url` set, the generator is the chat-completions client (extractive fallback included).
    """
    from types import SimpleNamespace

    from accueil.assistant.flows import default_book
    from accueil.assistant.generative.answerer import GenerativeAnswerer
    from accueil.assistant.generative.llm import make_llm_generator
    from accueil.assistant.kit import Toolkit
    from accueil.assistant.knowledge import PublishedKnowledge
    from accueil.assistant.ports import MisunderstoodInbox, default_retriever, find_router, registry_understanding
    from accueil.referential.taxonomy import load_taxonomy

    policies = load_policies()
    knowledge = PublishedKnowledge(parameters_file=settings.kb_parameters_file)
    if generator is None and settings.llm_base_url:
        generator, _client = make_llm_generator(settings.llm_base_url, settings.llm_api_key,
                                                settings.llm_model or "default", settings.llm_timeout_s)
    answerer = GenerativeAnswerer(retriever or default_retriever(knowledge), policies.generative, generator=generator)
    kit = Toolkit(
        policies=policies,
        flows=default_book(),
        knowledge=knowledge,
        understanding=understanding or registry_understanding(state or SimpleNamespace(settings=settings)),
        answerer=answerer,
        taxonomy=load_taxonomy(),
        router=router if router is not None else find_router(),
        learning=learning if learning is not None else MisunderstoodInbox(),
    )
    return Assistant(kit)
