"""Model files: a versioned folder with manifest.json, vocabulary.json and weights.npz (no pickle).

The manifest records the SHA-256 of each file and of the whole model; loading checks them, and
`np.load(allow_pickle=False)` refuses any object array, so a model file can carry no code.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from accueil.core.clock import utcnow
from accueil.understanding.classifier import LinearModel
from accueil.understanding.embeddings import DIMENSIONS
from accueil.understanding.features import FeatureConfig, Featurizer

FORMAT = "accueil-nlu/1"
MANIFEST = "manifest.json"
VOCABULARY = "vocabulary.json"
WEIGHTS = "weights.npz"


class ModelFileError(Exception):
    """A model folder is missing, incomplete, corrupt or of an unknown format. The message is French."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def new_version_name(sha256: str) -> str:
    return f"{utcnow():%Y%m%d-%H%M%S}-{sha256[:8]}"


def save(model: LinearModel, root: Path, *, version: str | None = None, half_precision: bool = True) -> Path:
    """Write the model in a new folder `root/<version>` (atomically) and return its path."""
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=root))
    try:
        vocabulary = {"words": model.featurizer.words, "chars": model.featurizer.chars, "labels": list(model.labels)}
        (staging / VOCABULARY).write_text(json.dumps(vocabulary, ensure_ascii=False), encoding="utf-8")
        weights = model.weights.astype(np.float16 if half_precision else np.float32)
        with open(staging / WEIGHTS, "wb") as handle:
            np.savez_compressed(
                handle,
                weights=weights,
                bias=model.bias.astype(np.float32),
                word_idf=model.featurizer.word_idf,
                char_idf=model.featurizer.char_idf,
            )
        files = {name: _sha256(staging / name) for name in (VOCABULARY, WEIGHTS)}
        sha256 = hashlib.sha256("".join(files[n] for n in sorted(files)).encode()).hexdigest()
        name = version or new_version_name(sha256)
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "version": name,
            "created_at": utcnow().isoformat(timespec="seconds"),
            "sha256": sha256,
            "files": files,
            "labels": list(model.labels),
            "oos_label": model.oos_label,
            "temperature": model.temperature,
            "threshold": model.threshold,
            "features": model.config.as_dict(),
            "metadata": model.metadata,
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        target = root / name
        if target.exists():
            shutil.rmtree(target)
        os.replace(staging, target)
        model.version = name
        return target
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def read_manifest(folder: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ModelFileError(f"Modèle introuvable : {folder.name} (manifest.json absent).") from exc
    except (OSError, ValueError) as exc:
        raise ModelFileError(f"Modèle illisible : {folder.name} (manifest.json corrompu).") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ModelFileError(f"Format de modèle inconnu pour {folder.name} (attendu : {FORMAT}).")
    return manifest


def load(folder: Path) -> LinearModel:
    """Load and verify a model folder; any problem raises ModelFileError with a French message."""
    manifest = read_manifest(folder)
    try:
        for name, expected in manifest["files"].items():
            if _sha256(folder / name) != expected:
                raise ModelFileError(
                    f"Modèle corrompu : {folder.name}/{name} ne correspond pas à son empreinte SHA-256."
                )
        vocabulary = json.loads((folder / VOCABULARY).read_text(encoding="utf-8"))
        with np.load(folder / WEIGHTS, allow_pickle=False) as arrays:
            weights = arrays["weights"].astype(np.float32)
            bias = arrays["bias"].astype(np.float32)
            word_idf, char_idf = arrays["word_idf"], arrays["char_idf"]
        config = FeatureConfig.from_dict(manifest["features"])
        featurizer = Featurizer(config, list(vocabulary["words"]), list(vocabulary["chars"]), word_idf, char_idf)
        labels = tuple(manifest["labels"])
        expected_rows = featurizer.sparse_size + (DIMENSIONS if config.embeddings else 0)
        if weights.shape != (expected_rows, len(labels)) or bias.shape != (len(labels),):
            raise ModelFileError(f"Modèle incohérent : {folder.name} (dimensions des poids inattendues).")
    except ModelFileError:
        raise
    except FileNotFoundError as exc:
        raise ModelFileError(f"Modèle incomplet : {folder.name} ({Path(str(exc.filename)).name} absent).") from exc
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelFileError(f"Modèle illisible : {folder.name} ({type(exc).__name__}).") from exc
    return LinearModel(
        labels=labels,
        featurizer=featurizer,
        weights=np.ascontiguousarray(weights),
        bias=bias,
        temperature=float(manifest["temperature"]),
        threshold=float(manifest["threshold"]),
        oos_label=manifest.get("oos_label"),
        metadata=dict(manifest.get("metadata") or {}),
        version=str(manifest["version"]),
    )


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.iterdir() if p.is_file())
