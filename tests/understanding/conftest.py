"""One model trained per test session on the packaged data (TF-IDF only, a few seconds), saved and active."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from accueil.understanding import artifact
from accueil.understanding.classifier import LinearModel
from accueil.understanding.engine import NluEngine
from accueil.understanding.evaluation import Evaluation
from accueil.understanding.registry import ACTIVE_FILE
from accueil.understanding.training import DEFAULT_OPTIONS, build_model, with_features


@dataclass(frozen=True)
class Trained:
    root: Path
    model: LinearModel
    evaluation: Evaluation

    def copy_to(self, root: Path) -> Path:
        """A models folder with this model active (for a registry, the CLI or an app)."""
        root.mkdir(parents=True, exist_ok=True)
        shutil.copytree(self.root / self.model.version, root / self.model.version)
        (root / ACTIVE_FILE).write_text(self.model.version + "\n", encoding="utf-8")
        return root


@pytest.fixture(scope="session")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Trained:
    root = tmp_path_factory.mktemp("nlu-models")
    model, evaluation = build_model(options=with_features(DEFAULT_OPTIONS, embeddings=False), source="test")
    artifact.save(model, root)
    (root / ACTIVE_FILE).write_text(model.version + "\n", encoding="utf-8")
    return Trained(root, model, evaluation)


@pytest.fixture(scope="session")
def nlu_engine(trained: Trained) -> NluEngine:
    return NluEngine(trained.model)
