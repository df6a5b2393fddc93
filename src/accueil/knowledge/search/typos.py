"""Typo tolerance: a query term the index has never seen is replaced by the closest indexed term.

The vocabulary (term -> number of entries) comes from the full-text engine (fts5vocab on SQLite, ts_stat on
PostgreSQL) and is cached per process with the index token. Candidates share the first letter and lie within
one edit (terms of 5 to 7 letters) or two edits (8 and more); ties go to the more frequent term.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein
from sqlalchemy.orm import Session

from accueil.knowledge.search import lexical, state

MIN_LENGTH = 5
STALE_S = 60.0


@dataclass(frozen=True)
class Vocabulary:
    stats: lexical.Stats
    by_initial: dict[str, list[str]]

    @property
    def df(self) -> Mapping[str, int]:
        return self.stats.df

    @classmethod
    def of(cls, stats: lexical.Stats) -> Vocabulary:
        by_initial: dict[str, list[str]] = {}
        for term in stats.df:
            if len(term) >= MIN_LENGTH - 1 and not any(c.isdigit() for c in term):
                by_initial.setdefault(term[0], []).append(term)
        return cls(stats, by_initial)

    def __contains__(self, term: str) -> bool:
        return term in self.df

    def correction(self, term: str) -> str | None:
        """The indexed term closest to an unknown `term`, or None."""
        if term in self.df or len(term) < MIN_LENGTH or any(c.isdigit() for c in term):
            return None
        candidates = self.by_initial.get(term[0], [])
        edits = 1 if len(term) < 8 else 2
        matches = process.extract(term, candidates, scorer=Levenshtein.distance, score_cutoff=edits, limit=10)
        if not matches:
            return None
        best = min(matches, key=lambda m: (m[1], -self.df.get(m[0], 0)))
        return str(best[0])


_cache: state.TokenCache[Vocabulary] = state.TokenCache(state.INDEX)


def vocabulary(session: Session, *, token: str | None = None) -> Vocabulary:
    def build(s: Session, _previous: Vocabulary | None) -> Vocabulary:
        return Vocabulary.of(lexical.statistics(s))

    return _cache.get(session, build, extra="#vocab", stale_s=STALE_S, token=token)
