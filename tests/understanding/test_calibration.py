"""Temperature scaling, threshold choice and ECE on synthetic data."""

from __future__ import annotations

import numpy as np

from accueil.understanding.calibration import (
    choose_threshold,
    expected_calibration_error,
    fit_temperature,
    softmax,
)


def test_softmax_rows_sum_to_one() -> None:
    probabilities = softmax(np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]), 0.5)
    assert np.allclose(probabilities.sum(axis=1), 1.0)
    assert probabilities[1].tolist() == [1 / 3, 1 / 3, 1 / 3]


def test_fit_temperature_recovers_the_generating_temperature() -> None:
    rng = np.random.default_rng(0)
    scores = rng.normal(size=(4000, 5)) * 3
    true_probabilities = softmax(scores, 2.0)
    gold = np.array([rng.choice(5, p=row) for row in true_probabilities])
    assert abs(fit_temperature(scores, gold) - 2.0) < 0.25


def test_ece_is_small_when_calibrated_and_large_when_overconfident() -> None:
    rng = np.random.default_rng(1)
    confidence = rng.uniform(0.2, 1.0, size=20000)
    correct = rng.uniform(size=20000) < confidence
    assert expected_calibration_error(confidence, correct) < 0.02
    assert expected_calibration_error(np.full(20000, 0.99), correct) > 0.3


def test_choose_threshold_reaches_the_target_recall_within_bounds() -> None:
    # class 0 is out of scope; in-scope examples are confident, out-of-scope ones are not
    probabilities = np.array([[0.1, 0.9, 0.0], [0.0, 0.2, 0.8], [0.3, 0.35, 0.35], [0.2, 0.5, 0.3], [0.6, 0.4, 0.0]])
    gold = np.array([1, 2, 0, 0, 0])
    choice = choose_threshold(probabilities, gold, 0, target_recall=1.0, floor=0.1, ceiling=0.7)
    assert choice.threshold == 0.51 and choice.oos_recall == 1.0 and choice.in_scope_accept == 1.0
    capped = choose_threshold(probabilities, gold, 0, target_recall=1.0, floor=0.1, ceiling=0.4)
    assert capped.threshold == 0.4 and capped.oos_recall < 1.0
    floored = choose_threshold(probabilities, gold, 0, target_recall=0.0, floor=0.1, ceiling=0.7)
    assert floored.threshold == 0.1
