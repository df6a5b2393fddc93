"""The linear intent classifier: features -> scores -> calibrated probabilities, and how it is trained.

Training: LinearSVC (one-vs-rest, liblinear) on the TF-IDF blocks (plus optional embeddings); the
temperature and the out-of-scope threshold are fitted on held-out examples (a fixed hash slice of the
training split, or an explicit validation set), then the classifier is refitted on the whole split.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.svm import LinearSVC

from accueil.understanding.calibration import choose_threshold, fit_temperature, softmax
from accueil.understanding.dataset import OUT_OF_SCOPE, Example
from accueil.understanding.embeddings import SentenceEncoder
from accueil.understanding.entities import extract_entities, replace_entities
from accueil.understanding.features import FeatureConfig, Featurizer
from accueil.understanding.normalizer import canonical_key, normalize


def feature_text(text: str, french: bool, entities: Sequence[Any] | None = None) -> str:
    """What the classifier reads: entities replaced by a placeholder word, then the normaliser."""
    if not french:
        return normalize(text, french=False)
    found = list(entities) if entities is not None else extract_entities(text)
    return normalize(replace_entities(text, found) if found else text)


@dataclass(frozen=True, slots=True)
class TrainingOptions:
    features: FeatureConfig = field(default_factory=FeatureConfig)
    c: float = 0.5
    target_oos_recall: float = 0.85
    threshold_floor: float = 0.15
    threshold_ceiling: float = 0.6
    calibration_percent: int = 15  # share of the training split held out to fit temperature and threshold

    def as_dict(self) -> dict[str, Any]:
        return {
            "c": self.c,
            "target_oos_recall": self.target_oos_recall,
            "threshold_floor": self.threshold_floor,
            "threshold_ceiling": self.threshold_ceiling,
            "calibration_percent": self.calibration_percent,
        }


@dataclass
class LinearModel:
    labels: tuple[str, ...]
    featurizer: Featurizer
    weights: np.ndarray  # (sparse features + embedding dimensions, classes), float32
    bias: np.ndarray  # (classes,)
    temperature: float
    threshold: float
    oos_label: str | None = OUT_OF_SCOPE
    metadata: dict[str, Any] = field(default_factory=dict)
    version: str = "memoire"

    @property
    def config(self) -> FeatureConfig:
        return self.featurizer.config

    @property
    def oos_index(self) -> int | None:
        return self.labels.index(self.oos_label) if self.oos_label in self.labels else None

    def scores(self, normalized: str, embedding: np.ndarray | None = None) -> np.ndarray:
        indices, values = self.featurizer.vector(normalized)
        out = self.bias.copy()
        if len(indices):
            out += values @ self.weights[indices]
        if embedding is not None:
            start = self.featurizer.sparse_size
            out += (embedding * self.config.embedding_weight) @ self.weights[start:]
        return out

    def scores_matrix(self, normalized: Sequence[str], embeddings: np.ndarray | None = None) -> np.ndarray:
        matrix = _design(self.featurizer, normalized, embeddings)
        scores: np.ndarray = np.asarray(matrix @ self.weights) + self.bias
        return scores

    def probabilities(self, scores: np.ndarray) -> np.ndarray:
        return softmax(scores, self.temperature)


def _design(featurizer: Featurizer, normalized: Sequence[str], embeddings: np.ndarray | None) -> csr_matrix:
    matrix = featurizer.matrix(normalized)
    if featurizer.config.embeddings:
        if embeddings is None:
            raise ValueError("ce modèle attend des plongements de phrases (embeddings)")
        matrix = hstack([matrix, csr_matrix(embeddings * featurizer.config.embedding_weight)], format="csr")
    return matrix


def _fit(
    config: FeatureConfig,
    normalized: Sequence[str],
    gold: np.ndarray,
    labels: tuple[str, ...],
    embeddings: np.ndarray | None,
    c: float,
) -> tuple[Featurizer, np.ndarray, np.ndarray]:
    featurizer = Featurizer.fit(config, normalized)
    design = _design(featurizer, normalized, embeddings)
    svm = LinearSVC(C=c, dual="auto", max_iter=5000)
    svm.fit(design, gold)
    weights = np.zeros((design.shape[1], len(labels)), dtype=np.float32)
    bias = np.full(len(labels), -10.0, dtype=np.float32)  # a class absent from this fit is never chosen
    present = svm.classes_.astype(int)
    if len(present) == 2:  # binary liblinear keeps one row: rebuild both
        weights[:, present[1]], bias[present[1]] = svm.coef_[0], svm.intercept_[0]
        weights[:, present[0]], bias[present[0]] = -svm.coef_[0], -svm.intercept_[0]
    else:
        weights[:, present] = svm.coef_.T
        bias[present] = svm.intercept_
    return featurizer, weights, bias


def _held_out(text: str, percent: int) -> bool:
    digest = hashlib.sha1(("calibration:" + canonical_key(text)).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % 100 < percent


def train(
    examples: Sequence[Example],
    options: TrainingOptions | None = None,
    *,
    encoder: SentenceEncoder | None = None,
    validation: Sequence[Example] | None = None,
) -> LinearModel:
    """Fit features, classifier, temperature and threshold. `validation` replaces the held-out hash slice."""
    options = options or TrainingOptions()
    config = options.features
    started = time.perf_counter()
    labels = tuple(sorted({e.intent for e in examples}))
    index = {label: i for i, label in enumerate(labels)}
    normalized = [feature_text(e.text, config.french) for e in examples]
    gold = np.array([index[e.intent] for e in examples])
    embeddings = encoder.encode([e.text for e in examples]) if config.embeddings and encoder else None
    if config.embeddings and embeddings is None:
        raise ValueError("FeatureConfig.embeddings demande un encodeur de phrases")

    if validation is not None:
        held = [e for e in validation if e.intent in index]
        fit_rows = np.arange(len(examples))
        held_mask = np.zeros(len(examples), dtype=bool)
        featurizer, weights, bias = _fit(config, normalized, gold, labels, embeddings, options.c)
        cal_norm = [feature_text(e.text, config.french) for e in held]
        cal_emb = encoder.encode([e.text for e in held]) if config.embeddings and encoder else None
        cal_gold = np.array([index[e.intent] for e in held])
    else:
        held_mask = np.array([_held_out(e.text, options.calibration_percent) for e in examples])
        fit_rows = np.flatnonzero(~held_mask)
        cal_rows = np.flatnonzero(held_mask)
        featurizer, weights, bias = _fit(
            config,
            [normalized[i] for i in fit_rows],
            gold[fit_rows],
            labels,
            embeddings[fit_rows] if embeddings is not None else None,
            options.c,
        )
        cal_norm = [normalized[i] for i in cal_rows]
        cal_emb = embeddings[cal_rows] if embeddings is not None else None
        cal_gold = gold[cal_rows]

    provisional = LinearModel(labels, featurizer, weights, bias, 1.0, 0.0)
    cal_scores = provisional.scores_matrix(cal_norm, cal_emb) if len(cal_gold) else np.zeros((0, len(labels)))
    temperature = fit_temperature(cal_scores, cal_gold)
    oos_index = index.get(OUT_OF_SCOPE)
    choice = choose_threshold(
        softmax(cal_scores, temperature),
        cal_gold,
        oos_index,
        target_recall=options.target_oos_recall,
        floor=options.threshold_floor,
        ceiling=options.threshold_ceiling,
    )
    if validation is None:  # refit on the whole training split
        featurizer, weights, bias = _fit(config, normalized, gold, labels, embeddings, options.c)
    model = LinearModel(
        labels=labels,
        featurizer=featurizer,
        weights=weights,
        bias=bias,
        temperature=temperature,
        threshold=choice.threshold,
        oos_label=OUT_OF_SCOPE if oos_index is not None else None,
        metadata={
            "training": {
                "examples": len(examples),
                "held_out": len(cal_gold),
                "seconds": 0.0,
                "options": options.as_dict(),
                "fit_rows": len(fit_rows),
            },
            "calibration": {
                "temperature": temperature,
                "threshold": choice.threshold,
                "held_out_oos_recall": choice.oos_recall,
                "held_out_in_scope_accept": choice.in_scope_accept,
            },
        },
    )
    model.metadata["training"]["seconds"] = round(time.perf_counter() - started, 2)
    return model
