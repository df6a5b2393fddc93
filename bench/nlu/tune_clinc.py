"""Compare TF-IDF options on CLINC150 *validation* only (train on train, curve on validation; test never read).

python -m bench.nlu.tune_clinc [base c1 c0.25 w13 ch15 ch25 wch]

For each variant: the best in-scope accuracy reachable on validation at an out-of-scope recall of at least
0.66, 0.70 and 0.75 (threshold swept on the calibrated top probability). Results are in the `tuning` entry of
bench/results/nlu_public_sets.json.
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace

import numpy as np

from accueil.understanding.classifier import feature_text, train
from bench.nlu.datasets import clinc150
from bench.nlu.public_sets import ENGLISH

VARIANTS = {
    "base": ENGLISH,
    "c1": replace(ENGLISH, c=1.0),
    "c0.25": replace(ENGLISH, c=0.25),
    "w13": replace(ENGLISH, features=replace(ENGLISH.features, word_ngrams=3)),
    "ch15": replace(ENGLISH, features=replace(ENGLISH.features, char_min=1, char_max=5)),
    "ch25": replace(ENGLISH, features=replace(ENGLISH.features, char_max=5)),
    "wch": replace(ENGLISH, features=replace(ENGLISH.features, word_weight=1.3)),
}


def main(names: list[str]) -> None:
    benchmark = clinc150()
    validation = benchmark.validation or []
    for name in names or list(VARIANTS):
        started = time.perf_counter()
        model = train(benchmark.train, VARIANTS[name], validation=validation)
        seconds = time.perf_counter() - started
        scores = model.scores_matrix([feature_text(e.text, False) for e in validation])
        probabilities = model.probabilities(scores)
        index = {label: i for i, label in enumerate(model.labels)}
        gold = np.array([index[e.intent] for e in validation])
        oos = index["hors_sujet"]
        top, confidence, is_oos = probabilities.argmax(1), probabilities.max(1), gold == oos
        curve = []
        for threshold in np.arange(0.0, 0.8, 0.01):
            rejected = (confidence < threshold) | (top == oos)
            in_scope = float(((top == gold) & ~rejected)[~is_oos].mean())
            curve.append((round(float(threshold), 2), in_scope, float(rejected[is_oos].mean())))
        best = {
            target: max((row for row in curve if row[2] >= target), key=lambda row: row[1], default=None)
            for target in (0.66, 0.70, 0.75)
        }
        shown = {t: None if b is None else (b[0], round(100 * b[1], 2), round(100 * b[2], 1)) for t, b in best.items()}
        print(name, f"{seconds:.0f} s", shown, flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
