"""Dense retrieval: an in-memory matrix of entry vectors per process, rebuilt when the index token moves.

Vectors live in the database (`kb_search_vectors`, addressed by content hash and model). A refresh reads the
entries' ids and filter fields, reuses the rows it already holds for unchanged content and only loads the
vectors of new content, so a change costs one light query plus the new vectors.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from accueil.knowledge.search import state
from accueil.knowledge.search.embedder import Embedder, from_bytes
from accueil.knowledge.search.models import SearchEntry, SearchVector
from accueil.knowledge.search.types import Filters


@dataclass(frozen=True)
class Field:
    """A filter column as codes into its distinct values (a mask costs one pass over the distinct values)."""

    values: tuple[str, ...]
    codes: np.ndarray  # (n,) int32

    @classmethod
    def of(cls, items: Sequence[str]) -> Field:
        values, codes = np.unique(np.array(items, dtype=object), return_inverse=True)
        return cls(tuple(str(v) for v in values), codes.astype(np.int32))

    def where(self, predicate: Callable[[str], bool]) -> np.ndarray:
        allowed = np.fromiter((predicate(v) for v in self.values), bool, len(self.values))
        return allowed[self.codes]


@dataclass(frozen=True)
class Snapshot:
    ids: np.ndarray  # (n,) int64 entry ids
    hashes: tuple[str, ...]
    matrix: np.ndarray  # (n, dim) float32, L2-normalised rows (zeros where no vector)
    present: np.ndarray  # (n,) bool: the row has a vector of this model (not yet re-embedded after a switch)
    kinds: Field
    collections: Field
    audiences: Field  # " agent usager "
    publics: Field  # " RG AE " or "" (every public)

    @property
    def nbytes(self) -> int:
        return int(self.matrix.nbytes + self.ids.nbytes + sum(f.codes.nbytes for f in self._fields()))

    def _fields(self) -> tuple[Field, ...]:
        return (self.kinds, self.collections, self.audiences, self.publics)

    def allows(self, entry_ids: Sequence[int], mask: np.ndarray) -> list[bool]:
        """For each entry id: is it in this snapshot and allowed by `mask`?"""
        if not entry_ids or not len(self.ids):
            return [False] * len(entry_ids)
        wanted = np.asarray(entry_ids, dtype=np.int64)
        where = np.clip(np.searchsorted(self.ids, wanted), 0, len(self.ids) - 1)
        return list((self.ids[where] == wanted) & mask[where])

    def mask(self, filters: Filters) -> np.ndarray | None:
        """Rows allowed by the filters (None: every row)."""
        masks = []
        if filters.kinds:
            kinds = filters.kinds
            masks.append(self.kinds.where(lambda v: v in kinds))
        if filters.collection:
            collection = filters.collection
            masks.append(self.collections.where(lambda v: v == collection))
        if filters.audience:
            audience = f" {filters.audience} "
            masks.append(self.audiences.where(lambda v: audience in v))
        if filters.public:
            public = f" {filters.public} "
            masks.append(self.publics.where(lambda v: v == "" or public in v))
        if not masks:
            return None
        return np.logical_and.reduce(masks) if len(masks) > 1 else masks[0]


def _empty(dim: int) -> Snapshot:
    none = Field((), np.zeros(0, np.int32))
    empty = np.zeros(0, np.int64)
    return Snapshot(empty, (), np.zeros((0, dim), np.float32), empty.astype(bool), none, none, none, none)


def _load_vectors(session: Session, hashes: Sequence[str], embedder: Embedder) -> dict[str, np.ndarray]:
    found: dict[str, np.ndarray] = {}
    for start in range(0, len(hashes), 500):
        batch = list(hashes[start : start + 500])
        rows = session.execute(
            select(SearchVector.content_hash, SearchVector.vector).where(
                SearchVector.model == embedder.name, SearchVector.content_hash.in_(batch)
            )
        )
        found.update({h: from_bytes(v, embedder.dim) for h, v in rows})
    return found


def _refresh(session: Session, previous: Snapshot | None, embedder: Embedder) -> Snapshot:
    rows = session.execute(
        select(
            SearchEntry.id,
            SearchEntry.content_hash,
            SearchEntry.kind,
            SearchEntry.collection,
            SearchEntry.audiences,
            SearchEntry.publics,
        ).order_by(SearchEntry.id)
    ).all()
    if not rows:
        return _empty(embedder.dim)
    known: dict[str, int] = {}
    if previous is not None and previous.matrix.shape[1] == embedder.dim:
        known = {h: i for i, h in enumerate(previous.hashes)}
    missing = list(dict.fromkeys(r.content_hash for r in rows if r.content_hash not in known))
    loaded = _load_vectors(session, missing, embedder)
    matrix = np.zeros((len(rows), embedder.dim), dtype=np.float32)
    present = np.zeros(len(rows), dtype=bool)
    for i, row in enumerate(rows):
        if row.content_hash in known and previous is not None and previous.present[known[row.content_hash]]:
            matrix[i], present[i] = previous.matrix[known[row.content_hash]], True
        elif row.content_hash in loaded:
            matrix[i], present[i] = loaded[row.content_hash], True
    return Snapshot(
        ids=np.fromiter((r.id for r in rows), np.int64, len(rows)),
        hashes=tuple(r.content_hash for r in rows),
        matrix=matrix,
        present=present,
        kinds=Field.of([r.kind for r in rows]),
        collections=Field.of([r.collection or "" for r in rows]),
        audiences=Field.of([r.audiences for r in rows]),
        publics=Field.of([r.publics for r in rows]),
    )


_cache: state.TokenCache[Snapshot] = state.TokenCache(state.INDEX)


def snapshot(session: Session, embedder: Embedder, *, token: str | None = None) -> Snapshot:
    return _cache.get(session, lambda s, prev: _refresh(s, prev, embedder), extra=f"#{embedder.name}", token=token)


def nearest(
    snap: Snapshot, query: np.ndarray, filters: Filters, *, limit: int, min_score: float | None = None
) -> list[tuple[int, float]]:
    """Entry ids with their cosine similarity to `query`, best first."""
    if not len(snap.ids):
        return []
    scores = snap.matrix @ query.astype(np.float32)
    mask = snap.mask(filters)
    allowed = snap.present if mask is None else snap.present & mask
    scores = np.where(allowed, scores, -np.inf)
    limit = min(limit, len(scores))
    top = np.argpartition(-scores, limit - 1)[:limit]
    top = top[np.argsort(-scores[top], kind="stable")]
    floor = -np.inf if min_score is None else min_score
    return [(int(snap.ids[i]), float(scores[i])) for i in top if np.isfinite(scores[i]) and scores[i] >= floor]
