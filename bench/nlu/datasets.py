"""Loaders for the public evaluation sets in /work/shared/datasets (read in place, never copied)."""

from __future__ import annotations

import csv
import json
import os
from dataclasses import dataclass
from pathlib import Path

from accueil.understanding.dataset import OUT_OF_SCOPE, Example

DATASETS = Path(os.environ.get("ACCUEIL_DATASETS", "/work/shared/datasets"))


@dataclass(frozen=True, slots=True)
class Benchmark:
    name: str
    train: list[Example]
    validation: list[Example] | None
    test: list[Example]
    french: bool


def _pairs(rows: list[list[str]], source: str) -> list[Example]:
    return [Example(text=text, intent=OUT_OF_SCOPE if label == "oos" else label, source=source) for text, label in rows]


def clinc150() -> Benchmark:
    """CLINC150 data_full: train + oos_train (the out-of-scope class), val + oos_val for calibration."""
    raw = json.loads((DATASETS / "clinc150_oos_eval" / "data_full.json").read_text(encoding="utf-8"))
    return Benchmark(
        name="clinc150",
        train=_pairs(raw["train"] + raw["oos_train"], "clinc150"),
        validation=_pairs(raw["val"] + raw["oos_val"], "clinc150"),
        test=_pairs(raw["test"] + raw["oos_test"], "clinc150"),
        french=False,
    )


def banking77() -> Benchmark:
    def read(name: str) -> list[Example]:
        with open(DATASETS / "banking77_en" / name, encoding="utf-8", newline="") as handle:
            return [
                Example(text=row["text"], intent=row["category"], source="banking77") for row in csv.DictReader(handle)
            ]

    return Benchmark(name="banking77", train=read("train.csv"), validation=None, test=read("test.csv"), french=False)


def fr_clinc_subset() -> Benchmark:
    """French machine-translated CLINC subset: train on the 75 French examples, test on the 315 translations."""
    folder = DATASETS / "fr_clinc_subset_mt"

    def label(value: str) -> str:
        return OUT_OF_SCOPE if value == "out_of_scope" else value

    with open(folder / "examples.csv", encoding="utf-8", newline="") as handle:
        train = [Example(row["text"], label(row["label"]), "fr_clinc") for row in csv.DictReader(handle)]
    with open(folder / "test_oos1_down_carry_trans.csv", encoding="utf-8", newline="") as handle:
        test = [Example(row["text"], label(row["label"]), "fr_clinc") for row in csv.DictReader(handle)]
    return Benchmark(name="fr_clinc_subset_mt", train=train, validation=None, test=test, french=True)
