"""CLINC150, Banking77 and the French CLINC subset through the same pipeline as production."""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

from accueil.understanding.classifier import TrainingOptions, train
from accueil.understanding.embeddings import SentenceEncoder
from accueil.understanding.engine import NluEngine
from accueil.understanding.evaluation import evaluate
from accueil.understanding.features import FeatureConfig
from bench.nlu.datasets import Benchmark

ENGLISH = TrainingOptions(features=FeatureConfig(french=False), target_oos_recall=0.75, threshold_floor=0.0)


def options_for(benchmark: Benchmark, *, embeddings: bool) -> TrainingOptions:
    base = ENGLISH if not benchmark.french else TrainingOptions(target_oos_recall=0.75, threshold_floor=0.0)
    return replace(base, features=replace(base.features, embeddings=embeddings))


def run(benchmark: Benchmark, options: TrainingOptions, encoder: SentenceEncoder | None) -> dict[str, Any]:
    started = time.perf_counter()
    model = train(benchmark.train, options, encoder=encoder, validation=benchmark.validation)
    seconds = time.perf_counter() - started
    result = evaluate(NluEngine(model, encoder=encoder).parse, benchmark.test).as_dict()
    result.pop("per_intent")
    result["confusions"] = result["confusions"][:10]
    return result | {
        "train_examples": len(benchmark.train),
        "test_examples": len(benchmark.test),
        "train_seconds": round(seconds, 1),
        "threshold": model.threshold,
        "temperature": round(model.temperature, 4),
        "embeddings": options.features.embeddings,
        "calibration_set": "validation" if benchmark.validation else "hash slice of train",
        "target_oos_recall": options.target_oos_recall,
    }
