"""Which model version is active, and an in-process engine that follows it without restart.

The active version is named in `<models root>/ACTIVE` (replaced atomically). Each process checks the
pointer at most every `poll_seconds` and loads the new version when it changes; if that version is
missing or corrupt, or needs the sentence encoder and the encoder cannot be loaded, the error is kept (French)
and the previous model stays in use. With no model at all, the registry trains one from the packaged data with
the default options (TF-IDF + sentence embeddings; TF-IDF only, with an error logged, when the encoder is
missing), saves it and activates it (source "bootstrap"); a bootstrap model is retrained when the packaged
data or the default features change. Models of other sources never are.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from accueil.core.config import Settings
from accueil.core.errors import DomainError
from accueil.understanding import artifact
from accueil.understanding.artifact import ModelFileError
from accueil.understanding.classifier import LinearModel
from accueil.understanding.dataset import data_fingerprint
from accueil.understanding.embeddings import EncoderUnavailable
from accueil.understanding.engine import NluEngine
from accueil.understanding.training import DEFAULT_OPTIONS, TFIDF_OPTIONS, build_model, encoder_for

log = logging.getLogger(__name__)
ACTIVE_FILE = "ACTIVE"
BOOTSTRAP = "bootstrap"


class ModelUnavailable(DomainError):
    status_code = 503
    code = "modele_indisponible"


def models_root(settings: Settings) -> Path:
    return settings.nlu_model_dir or settings.data_dir / "models" / "nlu"


def _bootstrap_model() -> LinearModel:
    try:
        return build_model(source=BOOTSTRAP)[0]
    except EncoderUnavailable as exc:
        log.error("modèle NLU entraîné sans plongements de phrases : %s", exc)
        return build_model(source=BOOTSTRAP, options=TFIDF_OPTIONS)[0]


class ModelRegistry:
    def __init__(
        self, root: Path, *, poll_seconds: float = 1.0, trainer: Callable[[], LinearModel] = _bootstrap_model
    ) -> None:
        self.root, self.poll_seconds, self._trainer = root, poll_seconds, trainer
        self._lock = threading.RLock()
        self._engine: NluEngine | None = None
        self._checked = float("-inf")
        self._seen: tuple[str, int] | None = None
        self.last_error: str | None = None

    # -- the engine in use ------------------------------------------------------------------------
    def engine(self) -> NluEngine:
        if self._engine is None or time.monotonic() - self._checked >= self.poll_seconds:
            with self._lock:
                if self._engine is None or time.monotonic() - self._checked >= self.poll_seconds:
                    self._refresh()
                    self._checked = time.monotonic()
        if self._engine is None:
            raise ModelUnavailable(self.last_error or "Aucun modèle de compréhension n'est disponible.")
        return self._engine

    def _refresh(self) -> None:
        pointer = self._read_pointer()
        if pointer == self._seen and self._engine is not None:
            return
        self._seen = pointer
        if pointer is None:
            if self._engine is None:
                self._bootstrap()
            return
        version = pointer[0]
        if self._engine is not None and self._engine.version == version:
            return
        try:
            model = artifact.load(self.root / version)
            if self._engine is None and self._is_stale_bootstrap(model):
                self._bootstrap()
                return
            self._use(model)
        except (ModelFileError, EncoderUnavailable) as exc:
            self.last_error = str(exc)
            log.error("modèle NLU non chargé : %s ; le modèle précédent reste actif", exc)
            if self._engine is None:
                self._bootstrap(keep_pointer=True)

    @staticmethod
    def _engine_for(model: LinearModel) -> NluEngine:
        """Raises EncoderUnavailable when the model needs the sentence encoder and it cannot be loaded."""
        return NluEngine(model, encoder=encoder_for(model.config))

    def _use(self, model: LinearModel) -> None:
        self._install(self._engine_for(model))

    def _install(self, engine: NluEngine) -> None:
        self._engine = engine
        self.last_error = None
        log.info("modèle NLU actif : %s", engine.version)

    @staticmethod
    def _is_stale_bootstrap(model: LinearModel) -> bool:
        """A bootstrap model trained on other packaged data, or with other default features (embeddings on/off)."""
        if model.metadata.get("source") != BOOTSTRAP:
            return False
        return model.metadata.get("data_sha256") != data_fingerprint() or model.config != DEFAULT_OPTIONS.features

    def _bootstrap(self, *, keep_pointer: bool = False) -> None:
        """Train from the packaged data (one process at a time), save and activate when possible."""
        with self._file_lock():
            pointer = self._read_pointer()
            if pointer is not None and not keep_pointer:  # another process may have just done it
                try:
                    model = artifact.load(self.root / pointer[0])
                    if not self._is_stale_bootstrap(model):
                        self._seen = pointer
                        self._use(model)
                        return
                except (ModelFileError, EncoderUnavailable):
                    pass
            log.warning("entraînement d'un modèle NLU à partir des données fournies")
            model = self._trainer()
            try:
                artifact.save(model, self.root)
                if not keep_pointer:
                    self._write_pointer(model.version)
                    self._seen = self._read_pointer()
            except OSError as exc:
                log.error("modèle NLU gardé en mémoire seulement (%s)", exc)
            error = self.last_error
            self._use(model)
            if keep_pointer:
                self.last_error = error

    # -- versions and the pointer -----------------------------------------------------------------
    def active_version(self) -> str | None:
        pointer = self._read_pointer()
        return pointer[0] if pointer else None

    def activate(self, version: str) -> LinearModel:
        """Check the version loads (with its sentence encoder if it needs one), then point every process to it.

        Raises ModelFileError or EncoderUnavailable (French messages) and leaves the active version unchanged."""
        model = artifact.load(self.root / version)
        engine = self._engine_for(model)
        self._write_pointer(version)
        with self._lock:
            self._seen = self._read_pointer()
            self._install(engine)
        return model

    def load(self, version: str) -> LinearModel:
        return artifact.load(self.root / version)

    def versions(self) -> list[dict[str, Any]]:
        manifests = []
        if self.root.is_dir():
            for folder in self.root.iterdir():
                if folder.is_dir() and not folder.name.startswith("."):
                    try:
                        manifests.append(artifact.read_manifest(folder))
                    except ModelFileError:
                        continue
        return sorted(manifests, key=lambda m: str(m.get("created_at", "")), reverse=True)

    def _read_pointer(self) -> tuple[str, int] | None:
        path = self.root / ACTIVE_FILE
        try:
            stat = path.stat()
            version = path.read_text(encoding="utf-8").strip()
        except OSError:
            return None
        if not version or "/" in version or version.startswith("."):
            return None
        return version, stat.st_mtime_ns

    def _write_pointer(self, version: str) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        staging = self.root / f".{ACTIVE_FILE}.{os.getpid()}.tmp"
        staging.write_text(version + "\n", encoding="utf-8")
        os.replace(staging, self.root / ACTIVE_FILE)

    @contextmanager
    def _file_lock(self) -> Iterator[None]:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            handle = open(self.root / ".bootstrap.lock", "w")  # noqa: SIM115
        except OSError:
            yield
            return
        with handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


_STATE_LOCK = threading.Lock()


def shared_registry(state: Any) -> ModelRegistry:
    """The registry of an application (`app.state`: needs `.settings`), created on first use."""
    registry: ModelRegistry | None = getattr(state, "nlu_registry", None)
    if registry is None:
        with _STATE_LOCK:
            registry = getattr(state, "nlu_registry", None)
            if registry is None:
                registry = ModelRegistry(models_root(state.settings))
                state.nlu_registry = registry
    return registry
