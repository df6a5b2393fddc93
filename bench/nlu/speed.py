"""Speed: training time of the full taxonomy, model size, parse latency (p50/p99) and throughput on one core."""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from accueil.understanding import artifact
from accueil.understanding.classifier import LinearModel
from accueil.understanding.dataset import split, training_examples
from accueil.understanding.engine import NluEngine
from accueil.understanding.training import DEFAULT_OPTIONS, build_model, encoder_for, with_features


def pin_to_one_core() -> int | None:
    """Run the measure on a single CPU (the last one), as the target says "on one core"."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    cpu = max(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return cpu


def latency(model: LinearModel, texts: list[str], *, rounds: int = 3) -> dict[str, Any]:
    engine = NluEngine(model, encoder=encoder_for(model.config))
    for text in texts[:200]:
        engine.parse(text)  # warm the caches
    samples: list[float] = []
    started = time.perf_counter()
    for _ in range(rounds):
        for text in texts:
            begin = time.perf_counter_ns()
            engine.parse(text)
            samples.append((time.perf_counter_ns() - begin) / 1e6)
    elapsed = time.perf_counter() - started
    values = np.array(samples)
    return {
        "parses": len(samples),
        "p50_ms": round(float(np.percentile(values, 50)), 3),
        "p99_ms": round(float(np.percentile(values, 99)), 3),
        "mean_ms": round(statistics.fmean(samples), 3),
        "throughput_per_s": round(len(samples) / elapsed, 1),
    }


def measure(*, embeddings: bool = False) -> dict[str, Any]:
    cpu = pin_to_one_core()
    options = with_features(DEFAULT_OPTIONS, embeddings=embeddings)
    started = time.perf_counter()
    model, evaluation = build_model(options=options, source="bench")
    train_and_eval = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as folder:
        size = artifact.folder_size(artifact.save(model, Path(folder)))
    texts = [e.text for e in split(training_examples())[1]]
    return {
        "embeddings": embeddings,
        "cpu_pinned": cpu,
        "training_seconds": model.metadata["training"]["seconds"],
        "training_and_evaluation_seconds": round(train_and_eval, 1),
        "examples": model.metadata["training"]["examples"],
        "features": model.featurizer.sparse_size,
        "model_bytes": size,
        "accuracy": round(evaluation.accuracy, 4),
        **latency(model, texts),
        "load_average": list(os.getloadavg()),
    }
