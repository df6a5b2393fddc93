"""The sentence-embedding option, with a deterministic fake encoder in place of USE."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from accueil.understanding import artifact
from accueil.understanding.classifier import train
from accueil.understanding.dataset import split, training_examples
from accueil.understanding.embeddings import DIMENSIONS
from accueil.understanding.engine import NluEngine
from accueil.understanding.training import DEFAULT_OPTIONS, with_features

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
