"""Model files: a safe format (JSON + NPZ without pickle), verified on load, with French errors."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from accueil.understanding import artifact
from accueil.understanding.artifact import ModelFileError
from accueil.understanding.engine import NluEngine

from .conftest import Trained

SENTENCES = ["je veux mon attestation de vigilance", "comment payer mes cotisations", "bonjour", "quel temps fait-il"]


def test_round_trip_gives_the_same_answers(trained: Trained, tmp_path: Path) -> None:
    folder = artifact.save(copy.copy(trained.model), tmp_path)  # save() names the copy's version
    loaded = artifact.load(folder)
    assert loaded.version == folder.name and loaded.labels == trained.model.labels
    assert loaded.threshold == trained.model.threshold and loaded.temperature == trained.model.temperature
    before, after = NluEngine(trained.model), NluEngine(loaded)
    for text in SENTENCES:
        assert before.parse(text).intent == after.parse(text).intent
        assert abs(before.parse(text).confidence - after.parse(text).confidence) < 0.02  # float16 weights


def test_folder_holds_no_pickle_and_records_its_hashes(trained: Trained) -> None:
    folder = trained.root / trained.model.version
    assert sorted(p.name for p in folder.iterdir()) == ["manifest.json", "vocabulary.json", "weights.npz"]
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["format"] == "accueil-nlu/1" and len(manifest["sha256"]) == 64
    assert manifest["metadata"]["test_split"]["accuracy"] > 0.5
    with np.load(folder / "weights.npz", allow_pickle=False) as arrays:
        assert all(arrays[name].dtype != object for name in arrays.files)


def _copy(trained: Trained, tmp_path: Path) -> Path:
    return Path(shutil.copytree(trained.root / trained.model.version, tmp_path / trained.model.version))


def test_tampered_weights_are_refused(trained: Trained, tmp_path: Path) -> None:
    folder = _copy(trained, tmp_path)
    with open(folder / "weights.npz", "ab") as handle:
        handle.write(b"\0")
    with pytest.raises(ModelFileError, match="corrompu"):
        artifact.load(folder)


def test_missing_and_unreadable_files_give_french_errors(trained: Trained, tmp_path: Path) -> None:
    with pytest.raises(ModelFileError, match="introuvable"):
        artifact.load(tmp_path / "absent")
    folder = _copy(trained, tmp_path)
    (folder / "vocabulary.json").unlink()
    with pytest.raises(ModelFileError, match="incomplet"):
        artifact.load(folder)
    (folder / "manifest.json").write_text("{pas du json", encoding="utf-8")
    with pytest.raises(ModelFileError, match="corrompu"):
        artifact.load(folder)
    (folder / "manifest.json").write_text(json.dumps({"format": "pickle"}), encoding="utf-8")
    with pytest.raises(ModelFileError, match="Format de modèle inconnu"):
        artifact.load(folder)


def test_a_pickled_array_is_refused(trained: Trained, tmp_path: Path) -> None:
    folder = _copy(trained, tmp_path)
    with open(folder / "weights.npz", "wb") as handle:
        np.savez(handle, weights=np.array([object()], dtype=object), bias=np.zeros(1))
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"]["weights.npz"] = artifact._sha256(folder / "weights.npz")
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(ModelFileError, match="illisible"):
        artifact.load(folder)
