"""One parse: bad input handling, entities, calibrated ranking, out-of-scope decision, multi-intent.

`NluEngine.parse` never raises on user input: empty, huge (cut at MAX_CHARS, `truncated: true`),
binary, emoji-only or foreign text all give a valid answer, out of scope when appropriate.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Final

import numpy as np

from accueil.referential.taxonomy import load_taxonomy
from accueil.understanding.classifier import LinearModel, feature_text
from accueil.understanding.clauses import split_clauses
from accueil.understanding.embeddings import SentenceEncoder
from accueil.understanding.entities import Entity, extract_entities, mask_sensitive
from accueil.understanding.normalizer import strip_controls

log = logging.getLogger(__name__)

MAX_CHARS: Final = 2000
TOP_K: Final = 5
# A clause carries an intent when the in-scope mass is high and its topic (the probability of the
# intents sharing the top intent's routing skill) clear enough.
MULTI_MIN_IN_SCOPE: Final = 0.8
MULTI_MIN_TOP: Final = 0.8
MIN_KNOWN_RATIO: Final = 0.25  # below this share of known words (3 words or more), the text is foreign
# Conversation-management intents: dropped from a multi-intent list when a business intent is present.
DIALOGUE_INTENTS: Final = frozenset({"salutation", "remerciement", "au_revoir", "affirmer", "nier", "patienter"})


class OosReason:
    EMPTY = "vide"
    OFF_TOPIC = "hors_sujet"
    LOW_CONFIDENCE = "confiance_faible"
    UNKNOWN_WORDS = "vocabulaire_inconnu"


@dataclass(frozen=True, slots=True)
class Clause:
    intent: str
    confidence: float


@dataclass(frozen=True, slots=True)
class ParseResult:
    text: str  # the input, cut at MAX_CHARS, with NIR and IBAN masked
    intent: str | None  # None when out of scope
    confidence: float  # calibrated probability of `intent` (of ranking[0] when out of scope)
    ranking: list[tuple[str, float]]
    out_of_scope: bool
    oos_reason: str | None
    intents: list[str]  # every intent of the message, in reading order
    entities: list[Entity]
    truncated: bool
    model_version: str
    extras: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "intent": self.intent,
            "confidence": round(self.confidence, 4),
            "ranking": [{"intent": i, "confidence": round(c, 4)} for i, c in self.ranking],
            "out_of_scope": self.out_of_scope,
            "oos_reason": self.oos_reason,
            "intents": list(self.intents),
            "entities": [e.as_dict() for e in self.entities],
            "truncated": self.truncated,
            "model_version": self.model_version,
        }


def coerce_text(raw: object) -> str:
    """Any input as text: bytes are decoded (invalid bytes replaced), None is empty, controls removed."""
    if raw is None:
        return ""
    if isinstance(raw, bytes | bytearray):
        raw = bytes(raw).decode("utf-8", errors="replace")
    return strip_controls(str(raw)).replace("\ufffd", " ")


class NluEngine:
    """A loaded model plus the decision rules; cheap to build, safe to share between threads."""

    def __init__(
        self,
        model: LinearModel,
        *,
        encoder: SentenceEncoder | None = None,
        top_k: int = TOP_K,
        max_chars: int = MAX_CHARS,
    ) -> None:
        if model.config.embeddings and encoder is None:
            raise ValueError("ce modèle attend un encodeur de phrases")
        self.model, self.encoder, self.top_k, self.max_chars = model, encoder, top_k, max_chars
        taxonomy = load_taxonomy()
        self._publics = {label: taxonomy.intents[label] for label in model.labels if label in taxonomy.intents}
        self._masks: dict[str, np.ndarray | None] = {}
        for code in taxonomy.publics:
            mask = np.array([self._applies(label, code) for label in model.labels])
            self._masks[code] = mask if mask.any() and not mask.all() else None
        skills = {intent.routing_skill for intent in self._publics.values()}
        self._families = {
            skill: np.array(
                [
                    i
                    for i, label in enumerate(model.labels)
                    if label in self._publics and self._publics[label].routing_skill == skill
                ]
            )
            for skill in skills
        }

    @property
    def version(self) -> str:
        return self.model.version

    def parse(self, raw: object, *, public: str | None = None, today: date | None = None) -> ParseResult:
        text = coerce_text(raw)
        truncated = len(text) > self.max_chars
        text = text[: self.max_chars]
        try:
            entities = extract_entities(text, today=today)
        except Exception:  # an extractor bug must not cost the user an answer
            log.exception("extraction des entités impossible")
            entities = []
        shown = mask_sensitive(text, entities) if entities else text
        spans = split_clauses(text) if " " in text.strip() else []
        spans = spans if len(spans) >= 2 else []
        vectors = self._embed([text] + [text[start:end] for start, end in spans])  # one batch for all
        probabilities, normalized = self._probabilities(text, entities, public, vectors[0] if vectors else None)
        if probabilities is None:
            return ParseResult(shown, None, 0.0, [], True, OosReason.EMPTY, [], entities, truncated, self.version)
        order = np.argsort(-probabilities)[: self.top_k]
        ranking = [(self.model.labels[i], float(probabilities[i])) for i in order]
        top, confidence = ranking[0]
        reason = self._oos_reason(top, confidence, normalized)
        intents = [] if reason else [top]
        intent = None if reason else top
        splittable = bool(spans) and reason in {None, OosReason.LOW_CONFIDENCE}
        clauses = self._clauses(text, entities, public, spans, vectors[1:] if vectors else None) if splittable else []
        if len(clauses) >= 2 and not reason and top in {c.intent for c in clauses}:
            intents = [c.intent for c in clauses]  # the main intent and the other requests, in reading order
        elif clauses and self._prefers_clause(reason, top, clauses):
            intents, reason, confidence = [c.intent for c in clauses], None, clauses[0].confidence
            intent = intents[0]
        return ParseResult(
            shown, intent, confidence, ranking, reason is not None, reason, intents, entities, truncated, self.version
        )

    def _prefers_clause(self, reason: str | None, top: str, clauses: list[Clause]) -> bool:
        """Confident clauses win over an unsure whole message, or over a greeting around a request."""
        strong = all(c.confidence >= max(self.model.threshold, MULTI_MIN_TOP) for c in clauses)
        if reason == OosReason.LOW_CONFIDENCE:
            return strong and clauses[0].confidence > self.model.threshold
        return reason is None and top in DIALOGUE_INTENTS and clauses[0].intent not in DIALOGUE_INTENTS and strong

    def _embed(self, texts: list[str]) -> list[np.ndarray] | None:
        if not (self.model.config.embeddings and self.encoder):
            return None
        return list(self.encoder.encode(texts))

    def _probabilities(
        self, text: str, entities: list[Entity] | None, public: str | None, embedding: np.ndarray | None = None
    ) -> tuple[np.ndarray | None, str]:
        normalized = feature_text(text, self.model.config.french, entities)
        if not normalized:
            return None, normalized
        if embedding is None and self.model.config.embeddings and self.encoder:
            embedding = self.encoder.encode([text])[0]
        probabilities = self.model.probabilities(self.model.scores(normalized, embedding))
        mask = self._public_mask(public)
        if mask is not None:
            probabilities = np.where(mask, probabilities, 0.0)
            probabilities = probabilities / probabilities.sum()
        return probabilities, normalized

    def _family(self, index: int) -> np.ndarray:
        """Indices of the intents sharing the routing skill of `index` (the topic of a clause)."""
        intent = self._publics.get(self.model.labels[index])
        if intent is None:
            return np.array([index])
        return self._families[intent.routing_skill]

    def _public_mask(self, public: str | None) -> np.ndarray | None:
        """Intents open to this public (None: no filter, also for an unknown public code)."""
        return self._masks.get(public.strip().upper()) if public else None

    def _applies(self, label: str, public: str) -> bool:
        intent = self._publics.get(label)
        return intent is None or intent.applies_to(public)

    def _oos_reason(self, top: str, confidence: float, normalized: str) -> str | None:
        if top == self.model.oos_label:
            return OosReason.OFF_TOPIC
        if confidence < self.model.threshold:
            return OosReason.LOW_CONFIDENCE
        if len(normalized.split()) >= 3 and self.model.featurizer.known_ratio(normalized) < MIN_KNOWN_RATIO:
            return OosReason.UNKNOWN_WORDS
        return None

    def _clauses(
        self,
        text: str,
        entities: list[Entity],
        public: str | None,
        spans: list[tuple[int, int]],
        vectors: list[np.ndarray] | None,
    ) -> list[Clause]:
        """The distinct intents of the clauses that are each confidently in scope, in reading order;
        conversation-management intents are dropped when a business intent is present."""
        oos = self.model.oos_index
        found: dict[str, Clause] = {}
        for position, (start, end) in enumerate(spans):
            local = [
                replace(e, start=e.start - start, end=e.end - start)
                for e in entities
                if e.start >= start and e.end <= end
            ]
            vector = vectors[position] if vectors else None
            probabilities, _ = self._probabilities(text[start:end], local, public, vector)
            if probabilities is None:
                continue
            best = int(probabilities.argmax())
            in_scope = 1.0 - float(probabilities[oos]) if oos is not None else 1.0
            label = self.model.labels[best]
            topic = float(probabilities[self._family(best)].sum())
            if best != oos and in_scope >= MULTI_MIN_IN_SCOPE and topic >= MULTI_MIN_TOP and label not in found:
                found[label] = Clause(label, float(probabilities[best]))
        business = [c for c in found.values() if c.intent not in DIALOGUE_INTENTS]
        return business if business else list(found.values())[:1]
