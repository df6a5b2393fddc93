"""Reciprocal rank fusion (k = 60)."""

from __future__ import annotations

import pytest

from accueil.knowledge.search.fusion import rrf


def test_items_in_both_rankings_win() -> None:
    fused = dict(rrf([["a", "b", "c"], ["c", "d", "a"]]))
    assert fused["a"] == pytest.approx(1 / 61 + 1 / 63)
    assert fused["c"] == pytest.approx(1 / 63 + 1 / 61)
    assert fused["b"] == pytest.approx(1 / 62)
    assert [item for item, _ in rrf([["a", "b", "c"], ["c", "d", "a"]])][:2] == ["a", "c"]


@pytest.mark.parametrize(
    ("rankings", "weights", "expected"),
    [
        ([["x"], []], None, ["x"]),
        ([[], []], None, []),
        ([["a", "b"], ["b", "a"]], [1.0, 1.0], ["a", "b"]),  # a tie keeps first appearance
        ([["a", "b"], ["b", "a"]], [1.0, 2.0], ["b", "a"]),
        ([["a", "b", "c"]], None, ["a", "b", "c"]),
    ],
)
def test_order(rankings: list[list[str]], weights: list[float] | None, expected: list[str]) -> None:
    assert [item for item, _ in rrf(rankings, weights=weights)] == expected


def test_one_weight_per_ranking() -> None:
    with pytest.raises(ValueError):
        rrf([["a"], ["b"]], weights=[1.0])
