"""Guardrails shared by every generator: support of a question by passages, support of each answer sentence.

A sentence is supported when enough of its content terms appear in one passage AND every figure it states
(a term with a digit) appears in that passage: an invented amount or date is never kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from accueil.assistant.generative.passages import Passage
from accueil.assistant.generative.text import split_sentences, terms


@dataclass(frozen=True, slots=True)
class Support:
    score: float  # share of the sentence's content terms found in the passage
    passage: int  # index of the best passage, -1 when none


def sentence_support(sentence: str, passage_terms: Sequence[frozenset[str]]) -> Support:
    words = set(terms(sentence))
    if not words:
        return Support(0.0, -1)
    figures = {w for w in words if any(c.isdigit() for c in w)}
    best = Support(0.0, -1)
    for index, available in enumerate(passage_terms):
        if not figures <= available:
            continue
        score = len(words & available) / len(words)
        if score > best.score:
            best = Support(score, index)
    return best


@dataclass(frozen=True, slots=True)
class Checked:
    kept: list[tuple[str, int]]  # (sentence, index of the supporting passage)
    dropped: list[str]

    @property
    def text(self) -> str:
        return " ".join(sentence for sentence, _ in self.kept)

    @property
    def passages_used(self) -> list[int]:
        return sorted({index for _, index in self.kept})


def check_answer(answer: str, passages: Sequence[Passage], *, min_support: float) -> Checked:
    """Keep the supported sentences of `answer`, drop the others (post-generation check)."""
    passage_terms = [frozenset(terms(f"{p.title}\n{p.text}")) for p in passages]
    kept: list[tuple[str, int]] = []
    dropped: list[str] = []
    for sentence in split_sentences(answer):
        if not terms(sentence):
            continue  # "Bonjour." carries no claim: neither kept nor counted
        support = sentence_support(sentence, passage_terms)
        if support.passage >= 0 and support.score >= min_support:
            kept.append((sentence, support.passage))
        else:
            dropped.append(sentence)
    return Checked(kept, dropped)


def question_coverage(question: str, passages: Sequence[Passage]) -> float:
    """Best share of the question's content terms that one passage contains (0 when nothing matches)."""
    words = set(terms(question))
    if not words:
        return 0.0
    return max((len(words & set(terms(f"{p.title}\n{p.text}"))) / len(words) for p in passages), default=0.0)
