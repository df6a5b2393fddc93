"""The active model follows the pointer file without restart; a bad file leaves the previous model active."""

from __future__ import annotations

import copy
import os
from pathlib import Path

import pytest

from accueil.understanding import artifact
from accueil.understanding.classifier import LinearModel
from accueil.understanding.registry import ACTIVE_FILE, ModelRegistry, ModelUnavailable

from .conftest import Trained


def _second_version(trained: Trained, root: Path) -> str:
    other = copy.copy(trained.model)
    other.temperature = 1000.0  # a visibly different model: flat probabilities, everything "low confidence"
    artifact.save(other, root, version="second")
    return "second"


def _no_training() -> LinearModel:
    raise AssertionError("the registry must not train here")


def test_switches_to_a_new_active_version_without_restart(trained: Trained, tmp_path: Path) -> None:
    root = trained.copy_to(tmp_path / "models")
    registry = ModelRegistry(root, poll_seconds=0, trainer=_no_training)
    assert registry.engine().version == trained.model.version
    assert registry.engine().parse("je veux changer mon RIB").intent == "coordonnees_changer_rib"
    other = ModelRegistry(root, poll_seconds=0, trainer=_no_training)  # another process, same folder
    other.activate(_second_version(trained, root))
    assert registry.engine().version == "second"
    assert registry.engine().parse("je veux changer mon RIB").out_of_scope


def test_a_corrupt_new_version_keeps_the_previous_model(trained: Trained, tmp_path: Path) -> None:
    root = trained.copy_to(tmp_path / "models")
    registry = ModelRegistry(root, poll_seconds=0, trainer=_no_training)
    registry.engine()
    version = _second_version(trained, root)
    (root / version / "weights.npz").write_bytes(b"garbage")
    (root / ACTIVE_FILE).write_text(version, encoding="utf-8")
    os.utime(root / ACTIVE_FILE, ns=(1, 1))
    assert registry.engine().version == trained.model.version
    assert registry.last_error is not None and "corrompu" in registry.last_error
    with pytest.raises(artifact.ModelFileError):
        registry.activate(version)


def test_missing_active_version_at_start_trains_in_memory_and_reports(trained: Trained, tmp_path: Path) -> None:
    root = tmp_path / "models"
    root.mkdir()
    (root / ACTIVE_FILE).write_text("n-existe-pas", encoding="utf-8")
    registry = ModelRegistry(root, poll_seconds=0, trainer=lambda: copy.copy(trained.model))
    assert registry.engine().parse("bonjour").intent == "salutation"
    assert registry.last_error is not None and "introuvable" in registry.last_error
    assert (root / ACTIVE_FILE).read_text(encoding="utf-8") == "n-existe-pas"  # the pointer is left to people


def test_first_use_trains_saves_and_activates(trained: Trained, tmp_path: Path) -> None:
    root = tmp_path / "models"
    calls = []

    def trainer() -> LinearModel:
        calls.append(1)
        model = copy.copy(trained.model)
        model.metadata = {**trained.model.metadata, "source": "test"}
        return model

    registry = ModelRegistry(root, poll_seconds=0, trainer=trainer)
    version = registry.engine().version
    assert calls == [1] and (root / ACTIVE_FILE).read_text(encoding="utf-8").strip() == version
    assert ModelRegistry(root, poll_seconds=0, trainer=_no_training).engine().version == version


def test_a_stale_bootstrap_model_is_retrained(trained: Trained, tmp_path: Path) -> None:
    root = tmp_path / "models"
    stale = copy.copy(trained.model)
    stale.metadata = {**trained.model.metadata, "source": "bootstrap", "data_sha256": "ancien"}
    artifact.save(stale, root, version="old-bootstrap")
    (root / ACTIVE_FILE).write_text("old-bootstrap", encoding="utf-8")
    fresh = copy.copy(trained.model)
    registry = ModelRegistry(root, poll_seconds=0, trainer=lambda: fresh)
    assert registry.engine().version != "old-bootstrap"
    assert registry.active_version() == registry.engine().version


def test_no_model_and_no_way_to_train_is_a_clear_error(tmp_path: Path) -> None:
    def broken() -> LinearModel:
        raise ModelUnavailable("Aucun modèle de compréhension n'est disponible.")

    registry = ModelRegistry(tmp_path / "models", poll_seconds=0, trainer=broken)
    with pytest.raises(ModelUnavailable, match="Aucun modèle"):
        registry.engine()


def test_versions_lists_the_manifests(trained: Trained, tmp_path: Path) -> None:
    root = trained.copy_to(tmp_path / "models")
    _second_version(trained, root)
    registry = ModelRegistry(root, trainer=_no_training)
    assert {m["version"] for m in registry.versions()} == {trained.model.version, "second"}
    assert registry.active_version() == trained.model.version
