"""Reciprocal rank fusion: each ranking gives 1 / (k + rank) to its items, weighted; scores add up."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TypeVar

K = 60
H = TypeVar("H", bound=Hashable)


def rrf(
    rankings: Sequence[Sequence[H]], *, weights: Sequence[float] | None = None, k: int = K
) -> list[tuple[H, float]]:
    """Fuse best-first rankings; ties keep the order of first appearance (first ranking first)."""
    weights = weights or [1.0] * len(rankings)
    if len(weights) != len(rankings):
        raise ValueError("one weight per ranking")
    scores: dict[H, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    order = {item: i for i, item in enumerate(scores)}
    return sorted(scores.items(), key=lambda pair: (-pair[1], order[pair[0]]))
