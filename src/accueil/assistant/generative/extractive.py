"""The embedded generator: selects and orders the sentences of the top passages that answer the question.

It never writes a word of its own: every sentence of its answer is a sentence of a passage.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from accueil.assistant.generative.passages import Passage
from accueil.assistant.generative.text import normalise_span, split_sentences, terms


@dataclass(frozen=True, slots=True)
class Draft:
    text: str
    abstained: bool = False
    generator: str = "extractif"


def is_statement(sentence: str) -> bool:
    """A sentence worth quoting: not a heading, a table row or a keyword list."""
    if "|" in sentence or sentence.lower().startswith(("mots-clés", "mots clés")):
        return False
    end = sentence.rstrip()
    if end.endswith("?"):
        return False  # a question (often a heading) answers nothing
    return end.endswith((".", "!", ":", ";", "»", ")")) or len(sentence.split()) >= 12


@dataclass(frozen=True, slots=True)
class _Candidate:
    passage: int
    position: int
    text: str
    words: frozenset[str]


class ExtractiveGenerator:
    name = "extractif"

    def __init__(self, *, rank_decay: float = 0.15, position_decay: float = 0.2, companion_ratio: float = 0.5,
                 max_chars: int = 900) -> None:
        self._decay, self._position, self._ratio = rank_decay, position_decay, companion_ratio
        self._max_chars = max_chars

    async def compose(self, question: str, passages: Sequence[Passage], *, max_sentences: int) -> Draft:
        return self.select(question, passages, max_sentences=max_sentences)

    def select(self, question: str, passages: Sequence[Passage], *, max_sentences: int) -> Draft:
        wanted = set(terms(question))
        candidates = [
            _Candidate(i, j, sentence, frozenset(terms(sentence)))
            for i, passage in enumerate(passages)
            for j, sentence in enumerate(split_sentences(passage.text))
            if is_statement(sentence)
        ]
        if not wanted or not candidates:
            return Draft("", abstained=True)
        df: Counter[str] = Counter()
        for candidate in candidates:
            df.update(candidate.words & wanted)
        weight = {t: math.log(1 + len(candidates) / (1 + df[t])) for t in wanted}

        def score(c: _Candidate) -> float:
            matched = sum(weight[t] for t in c.words & wanted)
            lead = 1 + self._position * c.position  # earlier sentences state the general rule
            return matched / (1 + 0.03 * len(c.words)) / (1 + self._decay * c.passage) / lead

        scored = sorted(((score(c), c) for c in candidates), key=lambda x: -x[0])
        best_score, best = scored[0]
        if best_score <= 0:
            return Draft("", abstained=True)
        chosen = [best]
        for following in candidates:  # the sentence after the best one, or the items of the list it opens
            if following.passage != best.passage or following.position <= chosen[-1].position:
                continue
            opens_list = chosen[-1].text.endswith((":", ";"))
            continues = len(chosen) == 1 and bool(following.words & wanted)
            if following.position == chosen[-1].position + 1 and (opens_list or continues):
                chosen.append(following)
            if len(chosen) >= max_sentences or following.position > chosen[-1].position:
                break
        for value, candidate in scored[1:]:
            if len(chosen) >= max_sentences or value < self._ratio * best_score:
                break
            if candidate not in chosen:
                chosen.append(candidate)
        text: list[str] = []
        seen: set[str] = set()
        for candidate in sorted(chosen[:max_sentences], key=lambda c: (c.passage, c.position)):
            key = normalise_span(candidate.text)
            if key in seen:
                continue
            seen.add(key)
            if sum(len(t) + 1 for t in text) + len(candidate.text) > self._max_chars and text:
                break
            text.append(candidate.text)
        return Draft(" ".join(text))
