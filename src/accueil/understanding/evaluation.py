"""Evaluation of an engine on labelled examples, and the report people read.

Gold label `hors_sujet` (or any label in OOS_LABELS) means "out of scope": such an example is
correct when the engine answers out_of_scope. Accuracy counts every example; in-scope accuracy
counts an in-scope example correct only when it is accepted with the right intent (a rejection is an
error), as in the CLINC150 protocol. The false-accept rate is the share of out-of-scope examples that
were accepted as some intent (1 - out-of-scope recall); the false-reject rate is the share of
in-scope examples answered out of scope.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from accueil.understanding.calibration import expected_calibration_error
from accueil.understanding.dataset import OUT_OF_SCOPE, Example
from accueil.understanding.engine import ParseResult

OOS_LABELS = frozenset({OUT_OF_SCOPE, "oos", "out_of_scope", ""})


@dataclass(frozen=True, slots=True)
class IntentScore:
    intent: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True, slots=True)
class Evaluation:
    examples: int
    accuracy: float
    in_scope_accuracy: float
    macro_f1: float
    oos_recall: float | None
    false_accept_rate: float | None
    false_reject_rate: float
    ece: float
    per_intent: list[IntentScore]
    confusions: list[tuple[str, str, int]]  # (gold, predicted, count), most frequent first
    multi_intent_rate: float = 0.0  # share of messages answered with more than one intent
    extras: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "examples": self.examples,
            "accuracy": round(self.accuracy, 4),
            "in_scope_accuracy": round(self.in_scope_accuracy, 4),
            "macro_f1": round(self.macro_f1, 4),
            "oos_recall": None if self.oos_recall is None else round(self.oos_recall, 4),
            "false_accept_rate": None if self.false_accept_rate is None else round(self.false_accept_rate, 4),
            "false_reject_rate": round(self.false_reject_rate, 4),
            "ece": round(self.ece, 4),
            "multi_intent_rate": round(self.multi_intent_rate, 4),
            "per_intent": {
                s.intent: {
                    "precision": round(s.precision, 4),
                    "recall": round(s.recall, 4),
                    "f1": round(s.f1, 4),
                    "support": s.support,
                }
                for s in self.per_intent
            },
            "confusions": [{"gold": g, "predicted": p, "count": c} for g, p, c in self.confusions],
            **self.extras,
        }


def evaluate(
    parse: Callable[[str], ParseResult], examples: Sequence[Example], *, top_confusions: int = 20
) -> Evaluation:
    """Run `parse` on every example and compute the metrics."""
    gold: list[str] = []
    predicted: list[str] = []
    confidence: list[float] = []
    correct: list[bool] = []
    multi = 0
    for example in examples:
        result = parse(example.text)
        multi += len(result.intents) > 1
        truth = OUT_OF_SCOPE if example.intent in OOS_LABELS else example.intent
        guess = OUT_OF_SCOPE if result.out_of_scope or result.intent is None else result.intent
        gold.append(truth)
        predicted.append(guess)
        top, probability = result.ranking[0] if result.ranking else (OUT_OF_SCOPE, 1.0)
        confidence.append(probability)
        correct.append(top == truth)  # calibration is about the top class of the ranking
    evaluation = _metrics(gold, predicted, np.array(confidence), np.array(correct), top_confusions)
    return replace(evaluation, multi_intent_rate=multi / len(gold) if gold else 0.0)


def _metrics(
    gold: list[str], predicted: list[str], confidence: np.ndarray, correct: np.ndarray, top_confusions: int
) -> Evaluation:
    n = len(gold)
    hits = [g == p for g, p in zip(gold, predicted, strict=True)]
    in_scope = [i for i, g in enumerate(gold) if g != OUT_OF_SCOPE]
    oos = [i for i, g in enumerate(gold) if g == OUT_OF_SCOPE]
    labels = sorted(set(gold) | set(predicted))
    true_positive = Counter(g for g, p in zip(gold, predicted, strict=True) if g == p)
    gold_count, predicted_count = Counter(gold), Counter(predicted)
    scores = []
    for label in labels:
        tp = true_positive[label]
        precision = tp / predicted_count[label] if predicted_count[label] else 0.0
        recall = tp / gold_count[label] if gold_count[label] else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores.append(IntentScore(label, precision, recall, f1, gold_count[label]))
    supported = [s for s in scores if s.support > 0]
    confusions = Counter((g, p) for g, p in zip(gold, predicted, strict=True) if g != p)
    oos_recall = sum(hits[i] for i in oos) / len(oos) if oos else None
    return Evaluation(
        examples=n,
        accuracy=sum(hits) / n if n else 0.0,
        in_scope_accuracy=sum(hits[i] for i in in_scope) / len(in_scope) if in_scope else 0.0,
        macro_f1=float(np.mean([s.f1 for s in supported])) if supported else 0.0,
        oos_recall=oos_recall,
        false_accept_rate=None if oos_recall is None else 1.0 - oos_recall,
        false_reject_rate=(sum(predicted[i] == OUT_OF_SCOPE for i in in_scope) / len(in_scope)) if in_scope else 0.0,
        ece=expected_calibration_error(confidence, correct.astype(float)),
        per_intent=sorted(scores, key=lambda s: (s.f1, s.intent)),
        confusions=[(g, p, c) for (g, p), c in confusions.most_common(top_confusions)],
    )


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:5.1f} %"


def format_report(evaluation: Evaluation, *, title: str = "Évaluation", worst: int = 15) -> str:
    """A French, human-readable report."""
    lines = [
        f"{title} — {evaluation.examples} exemples",
        f"  Exactitude globale ............ {_pct(evaluation.accuracy)}",
        f"  Exactitude dans le périmètre .. {_pct(evaluation.in_scope_accuracy)}",
        f"  F1 macro ...................... {_pct(evaluation.macro_f1)}",
        f"  Rappel hors périmètre ......... {_pct(evaluation.oos_recall)}",
        f"  Fausses acceptations (HP) ..... {_pct(evaluation.false_accept_rate)}",
        f"  Faux rejets (dans périmètre) .. {_pct(evaluation.false_reject_rate)}",
        f"  Erreur de calibration (ECE) ... {evaluation.ece:.3f}",
        f"  Messages à plusieurs intentions {_pct(evaluation.multi_intent_rate)}",
    ]
    weak = [s for s in evaluation.per_intent if s.support > 0][:worst]
    if weak:
        lines.append("")
        lines.append(f"  Intentions les plus faibles ({len(weak)}) : précision / rappel / exemples")
        lines += [f"    {s.intent:<45} {_pct(s.precision)} / {_pct(s.recall)} / {s.support}" for s in weak]
    if evaluation.confusions:
        lines.append("")
        lines.append("  Confusions les plus fréquentes : attendu -> prédit (nombre)")
        lines += [f"    {g} -> {p} ({c})" for g, p, c in evaluation.confusions[:worst]]
    return "\n".join(lines)
