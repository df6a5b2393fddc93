"""Grounded generative answers: retrieve -> check support -> generate -> check each sentence -> cite sources.

Both generators sit behind one interface (`Generator.compose`); the extractive one is also the fallback
when the LLM endpoint fails, so a dead endpoint costs the usager nothing but style.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy.orm import Session

from accueil.assistant.generative.extractive import Draft, ExtractiveGenerator
from accueil.assistant.generative.guard import check_answer, question_coverage
from accueil.assistant.generative.passages import Passage, Retriever
from accueil.assistant.generative.text import strip_instructions, terms
from accueil.assistant.policies import GenerativePolicy
from accueil.assistant.turns import Source
from accueil.core.pii import mask_pii

log = logging.getLogger(__name__)
_MASKS = re.compile(r"\[(?:NIR|IBAN|e-mail) masqué\]")


class Generator(Protocol):
    name: str

    async def compose(self, question: str, passages: Sequence[Passage], *, max_sentences: int) -> Draft:
        """An answer drawn from `passages` only (or an abstention)."""
        ...


@dataclass(frozen=True, slots=True)
class GenerativeAnswer:
    text: str
    sources: tuple[Source, ...]
    abstained: bool
    reason: str  # "", "question_vide", "aucun_passage", "support_faible", "generateur", "phrases_non_etayees"
    generator: str
    fallback: bool = False  # the LLM failed and the extractive generator answered
    dropped: int = 0  # sentences removed by the post-check
    injections_removed: int = 0
    passage_keys: tuple[str, ...] = field(default_factory=tuple)


def _abstain(reason: str, generator: str, **extra: object) -> GenerativeAnswer:
    return GenerativeAnswer("", (), True, reason, generator, **extra)  # type: ignore[arg-type]


def _sources(passages: Sequence[Passage], used: Sequence[int]) -> tuple[Source, ...]:
    seen: set[tuple[str, str]] = set()
    sources: list[Source] = []
    for index in used:
        passage = passages[index]
        identity = (passage.title, passage.url)
        if identity in seen:
            continue
        seen.add(identity)
        sources.append(Source(passage.title, passage.url, passage.checked, passage.key))
    return tuple(sources)


class GenerativeAnswerer:
    def __init__(self, retriever: Retriever, policy: GenerativePolicy, *, generator: Generator | None = None) -> None:
        self._retriever, self._policy = retriever, policy
        self._extractive = ExtractiveGenerator(max_chars=policy.max_answer_chars)
        self._generator: Generator = generator or self._extractive

    @property
    def generator_name(self) -> str:
        return self._generator.name

    def retrieve(self, session: Session | None, question: str, *, public: str | None) -> tuple[list[Passage], int]:
        """Passages with instruction-like lines removed, and how many lines were removed."""
        found = self._retriever.retrieve(session, question, public=public, limit=self._policy.passages)
        cleaned, removed = [], 0
        for passage in found:
            clean, count = passage.cleaned()
            removed += count
            if clean.text.strip():
                cleaned.append(clean)
        return cleaned, removed

    async def answer(self, session: Session | None, question: str, *, public: str | None) -> GenerativeAnswer:
        name = self._generator.name
        question, hidden = strip_instructions(_MASKS.sub(" ", mask_pii(question, emails=True)))
        if len(terms(question)) < self._policy.min_question_words:
            return _abstain("question_vide", name, injections_removed=hidden)
        passages, removed = self.retrieve(session, question, public=public)
        removed += hidden
        if not passages:
            return _abstain("aucun_passage", name, injections_removed=removed)
        coverage = question_coverage(question, passages)
        if coverage <= 0:  # passages were found (dense search always finds some) but share no word with it
            return _abstain("aucun_support", name, injections_removed=removed,
                            passage_keys=tuple(p.key for p in passages))
        if coverage < self._policy.min_question_overlap:
            return _abstain("support_faible", name, injections_removed=removed,
                            passage_keys=tuple(p.key for p in passages))
        fallback = False
        try:
            draft = await self._generator.compose(question, passages, max_sentences=self._policy.max_sentences)
        except Exception as exc:  # a dead or faulty endpoint: answer with the embedded generator
            log.warning("generator failed, extractive fallback", extra={"generator": name, "error": type(exc).__name__})
            draft = self._extractive.select(question, passages, max_sentences=self._policy.max_sentences)
            fallback, name = True, self._extractive.name
        if draft.abstained or not draft.text.strip():
            return _abstain("generateur", name, fallback=fallback, injections_removed=removed,
                            passage_keys=tuple(p.key for p in passages))
        checked = check_answer(draft.text, passages, min_support=self._policy.min_support)
        if not checked.kept:
            return _abstain("phrases_non_etayees", name, fallback=fallback, dropped=len(checked.dropped),
                            injections_removed=removed, passage_keys=tuple(p.key for p in passages))
        text = checked.text[: self._policy.max_answer_chars]
        return GenerativeAnswer(text, _sources(passages, checked.passages_used), False, "", name, fallback,
                                len(checked.dropped), removed, tuple(p.key for p in passages))
