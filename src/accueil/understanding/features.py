"""TF-IDF features: word n-grams and character n-grams (inside word boundaries), each block L2-normalised.

The vocabulary and IDF weights are plain lists and arrays, so that a model is saved as JSON + NPZ and
a parse needs nothing but dictionary look-ups and one small matrix product.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix


@dataclass(frozen=True, slots=True)
class FeatureConfig:
    french: bool = True  # French normaliser (SMS forms, elisions, numbers in words); off for English sets
    word_ngrams: int = 2
    char_min: int = 2
    char_max: int = 4
    word_min_df: int = 1
    char_min_df: int = 2
    word_weight: float = 1.0
    char_weight: float = 1.0
    embeddings: bool = False  # append USE-multilingual sentence embeddings (see embeddings.py)
    embedding_weight: float = 1.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> FeatureConfig:
        known = set(cls.__dataclass_fields__)
        return cls(**{key: value for key, value in raw.items() if key in known})


def word_grams(tokens: Sequence[str], n: int) -> list[str]:
    grams = list(tokens)
    for size in range(2, n + 1):
        grams += [" ".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1)]
    return grams


def char_grams(tokens: Sequence[str], low: int, high: int) -> list[str]:
    grams: list[str] = []
    for token in tokens:
        padded = f" {token} "
        for size in range(low, high + 1):
            if size > len(padded):
                break
            grams += [padded[i : i + size] for i in range(len(padded) - size + 1)]
    return grams


class Featurizer:
    """Fitted vocabularies and IDF for the word and character blocks."""

    def __init__(
        self, config: FeatureConfig, words: list[str], chars: list[str], word_idf: np.ndarray, char_idf: np.ndarray
    ) -> None:
        self.config = config
        self.words, self.chars = words, chars
        self.word_index = {gram: i for i, gram in enumerate(words)}
        self.char_index = {gram: i for i, gram in enumerate(chars)}
        self.word_idf = word_idf.astype(np.float32)
        self.char_idf = char_idf.astype(np.float32)
        self._token_chars: dict[str, tuple[int, ...]] = {}

    @property
    def sparse_size(self) -> int:
        return len(self.words) + len(self.chars)

    @classmethod
    def fit(cls, config: FeatureConfig, normalized: Sequence[str]) -> Featurizer:
        word_df: Counter[str] = Counter()
        char_df: Counter[str] = Counter()
        for text in normalized:
            tokens = text.split()
            word_df.update(set(word_grams(tokens, config.word_ngrams)))
            char_df.update(set(char_grams(tokens, config.char_min, config.char_max)))
        n = len(normalized)
        words = sorted(g for g, df in word_df.items() if df >= config.word_min_df)
        chars = sorted(g for g, df in char_df.items() if df >= config.char_min_df)
        word_idf = np.array([math.log((1 + n) / (1 + word_df[g])) + 1 for g in words], dtype=np.float32)
        char_idf = np.array([math.log((1 + n) / (1 + char_df[g])) + 1 for g in chars], dtype=np.float32)
        return cls(config, words, chars, word_idf, char_idf)

    def vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(indices, values) of one normalised text over the sparse blocks."""
        tokens = text.split()
        words = [i for i in map(self.word_index.get, word_grams(tokens, self.config.word_ngrams)) if i is not None]
        chars: list[int] = []
        for token in tokens:
            chars.extend(self._chars_of(token))
        word_part = self._block(words, self.word_idf, 0, self.config.word_weight)
        char_part = self._block(chars, self.char_idf, len(self.words), self.config.char_weight)
        return np.concatenate([word_part[0], char_part[0]]), np.concatenate([word_part[1], char_part[1]])

    def _chars_of(self, token: str) -> tuple[int, ...]:
        """Known character n-grams of one token, cached (tokens repeat a lot from one message to the next)."""
        cached = self._token_chars.get(token)
        if cached is None:
            grams = char_grams([token], self.config.char_min, self.config.char_max)
            cached = tuple(i for i in map(self.char_index.get, grams) if i is not None)
            if len(self._token_chars) < 200_000:
                self._token_chars[token] = cached
        return cached

    @staticmethod
    def _block(positions_list: list[int], idf: np.ndarray, offset: int, weight: float) -> tuple[np.ndarray, np.ndarray]:
        if not positions_list:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        positions, tf = np.unique(np.asarray(positions_list, dtype=np.int64), return_counts=True)
        values = (1.0 + np.log(tf.astype(np.float32))) * idf[positions]
        values *= weight / float(np.linalg.norm(values))
        return positions + offset, values

    def matrix(self, normalized: Sequence[str]) -> csr_matrix:
        indptr = [0]
        all_indices: list[np.ndarray] = []
        all_values: list[np.ndarray] = []
        for text in normalized:
            indices, values = self.vector(text)
            all_indices.append(indices)
            all_values.append(values)
            indptr.append(indptr[-1] + len(indices))
        data = np.concatenate(all_values) if all_values else np.zeros(0, dtype=np.float32)
        cols = np.concatenate(all_indices) if all_indices else np.zeros(0, dtype=np.int64)
        return csr_matrix((data, cols, np.array(indptr)), shape=(len(normalized), self.sparse_size), dtype=np.float32)

    def known_ratio(self, text: str) -> float:
        """Share of the tokens of a normalised text that the word vocabulary knows."""
        tokens = text.split()
        if not tokens:
            return 0.0
        return sum(1 for t in tokens if t in self.word_index) / len(tokens)
