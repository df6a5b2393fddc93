"""Calibrated probabilities and the out-of-scope threshold.

The linear scores go through a softmax with one temperature fitted on held-out examples (minimum
negative log-likelihood). The threshold is the smallest confidence that rejects the target share of
held-out out-of-scope examples, kept within [floor, ceiling].
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import numpy as np


def softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    z = scores / temperature
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)  # type: ignore[no-any-return]


def negative_log_likelihood(scores: np.ndarray, gold: np.ndarray, temperature: float) -> float:
    probabilities = softmax(scores, temperature)
    return float(-np.log(probabilities[np.arange(len(gold)), gold] + 1e-12).mean())


def fit_temperature(scores: np.ndarray, gold: np.ndarray) -> float:
    """Grid search on a log scale, then a golden-section refinement."""
    if len(gold) == 0:
        return 1.0
    grid = np.geomspace(0.005, 20.0, 48)
    losses = [negative_log_likelihood(scores, gold, t) for t in grid]
    best = int(np.argmin(losses))
    low, high = grid[max(best - 1, 0)], grid[min(best + 1, len(grid) - 1)]
    ratio = (5**0.5 - 1) / 2
    for _ in range(30):
        a, b = high - ratio * (high - low), low + ratio * (high - low)
        if negative_log_likelihood(scores, gold, a) < negative_log_likelihood(scores, gold, b):
            high = b
        else:
            low = a
    return float((low + high) / 2)


@dataclass(frozen=True, slots=True)
class ThresholdChoice:
    threshold: float
    oos_recall: float  # on the held-out examples used to choose it
    in_scope_accept: float


def choose_threshold(
    probabilities: np.ndarray,
    gold: np.ndarray,
    oos_index: int | None,
    *,
    target_recall: float,
    floor: float,
    ceiling: float,
) -> ThresholdChoice:
    """Smallest threshold reaching `target_recall` on held-out out-of-scope examples, in [floor, ceiling]."""
    top = probabilities.argmax(axis=1)
    confidence = probabilities.max(axis=1)
    is_oos = gold == oos_index if oos_index is not None else np.zeros(len(gold), dtype=bool)
    chosen = ceiling
    for threshold in np.round(np.arange(0.0, ceiling + 1e-9, 0.01), 2):
        rejected = (confidence < threshold) | ((top == oos_index) if oos_index is not None else False)
        recall = float(rejected[is_oos].mean()) if is_oos.any() else 1.0
        if recall >= target_recall:
            chosen = float(threshold)
            break
    chosen = min(max(chosen, floor), ceiling)
    rejected = (confidence < chosen) | ((top == oos_index) if oos_index is not None else False)
    return ThresholdChoice(
        threshold=chosen,
        oos_recall=float(rejected[is_oos].mean()) if is_oos.any() else float("nan"),
        in_scope_accept=float((~rejected[~is_oos]).mean()) if (~is_oos).any() else float("nan"),
    )


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray, bins: int = 15) -> float:
    """ECE with equal-width bins over the top-class confidence."""
    if len(confidence) == 0:
        return 0.0
    edges = np.linspace(0.0, 1.0, bins + 1)
    total = 0.0
    for low, high in pairwise(edges):
        inside = (confidence > low) & (confidence <= high)
        if inside.any():
            total += inside.mean() * abs(float(correct[inside].mean()) - float(confidence[inside].mean()))
    return float(total)
