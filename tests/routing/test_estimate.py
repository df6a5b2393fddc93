"""Wait estimates: Erlang C against known values, Gamma ranges, reliability."""

from __future__ import annotations

from dataclasses import replace

import pytest

from accueil.routing import Staffing, WaitEstimate, erlang_c, estimate_position, expected_wait_new, load_policy


@pytest.mark.parametrize(
    ("traffic", "servers", "probability"),
    [(2.0, 3, 0.4444), (1.0, 2, 0.3333), (8.0, 10, 0.4092), (0.0, 3, 0.0), (3.0, 3, 1.0)],
)
def test_erlang_c(traffic: float, servers: int, probability: float) -> None:
    assert erlang_c(traffic, servers) == pytest.approx(probability, abs=1e-3)


def test_expected_wait_of_a_new_arrival() -> None:
    staffing = Staffing(slots=3, busy=3, handling_s=300.0, samples=50)
    # lambda = 2 / 300 s: A = 2 Erlangs, C = 4/9, Wq = C * AHT / (c - A) = 133 s
    assert expected_wait_new(2 / 300, staffing) == pytest.approx(133.3, abs=0.5)
    assert expected_wait_new(4 / 300, staffing) is None  # unstable: more traffic than agents


def test_position_ranges() -> None:
    policy = replace(load_policy(), min_samples=20)
    busy = Staffing(slots=4, busy=4, handling_s=600.0, samples=40)
    first, fifth = estimate_position(1, busy, policy), estimate_position(5, busy, policy)
    assert first is not None and fifth is not None and first.reliable
    assert 0 < first.low_s < 150 < first.high_s  # mean 600/4 = 150 s
    assert first.high_s < fifth.low_s < 750 < fifth.high_s  # mean 5 * 150 = 750 s
    free = estimate_position(1, Staffing(slots=4, busy=2, handling_s=600.0, samples=40), policy)
    assert free == WaitEstimate(0, int(policy.offer_timeout_s), True)
    assert estimate_position(1, Staffing(slots=0, busy=0, handling_s=600.0, samples=40), policy) is None
    few = estimate_position(1, Staffing(slots=4, busy=4, handling_s=600.0, samples=3), policy)
    assert few is not None and not few.reliable


@pytest.mark.parametrize(
    ("low", "high", "text"),
    [(0, 30, "moins d'une minute"), (0, 200, "moins de 4 minutes"), (70, 250, "entre 2 et 5 minutes")],
)
def test_french_ranges(low: int, high: int, text: str) -> None:
    assert WaitEstimate(low, high, True).french() == text
