"""Full-text retrieval over text analysed in Python: SQLite FTS5 (BM25) or PostgreSQL (tsvector + GIN).

Both engines receive the same terms (analysis.py), so a query finds the same entries on both. SQLite ranks with
FTS5's bm25(); PostgreSQL has no BM25 (ts_rank_cd ignores how rare a word is), so it takes the best candidates by
ts_rank_cd and re-ranks them here with the same BM25 formula as FTS5 (k1 = 1.2, b = 0.75, weighted columns).
Titles weigh more than bodies.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from accueil.knowledge.search.synonyms import Clause
from accueil.knowledge.search.types import Filters

K1, B = 1.2, 0.75  # FTS5's bm25() constants
PG_CANDIDATES = 200  # PostgreSQL: candidates taken by ts_rank_cd, then re-ranked with BM25
TITLE_WEIGHT = 2.0  # BM25 column weight of titles (bodies: 1.0), tuned on the benchmark's tuning split
# A query may match this share of the index before only its rarest phrases drive it (bench/kb/tune.py and
# bench/kb/latency.py): ranking costs one step per matched entry, and far more on PostgreSQL (ts_rank_cd
# reads each matched tsvector), so PostgreSQL gets a smaller budget.
MATCH_BUDGET_SHARE = {"sqlite": 0.2, "postgresql": 0.01}
MATCH_BUDGET_MIN = 1_000
_PG_WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"  # D, C, B (body), A (title)


@dataclass(frozen=True, slots=True)
class Stats:
    """Index statistics for BM25 outside FTS5: document frequencies, entry count, mean length in terms."""

    df: Mapping[str, int]
    entries: int
    mean_length: float


@dataclass(frozen=True, slots=True)
class Row:
    entry_id: int
    title: str  # analysed
    body: str  # analysed


def dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def delete(session: Session, entry_ids: Sequence[int]) -> None:
    if not entry_ids:
        return
    if dialect(session) == "postgresql":
        session.execute(text("DELETE FROM kb_search_fts WHERE entry_id = ANY(:ids)"), {"ids": list(entry_ids)})
        return
    for start in range(0, len(entry_ids), 500):
        ids = ",".join(str(int(i)) for i in entry_ids[start : start + 500])
        session.execute(text(f"DELETE FROM kb_search_fts WHERE rowid IN ({ids})"))


def write(session: Session, rows: Sequence[Row]) -> None:
    """Insert the analysed text of entries (delete their previous rows first)."""
    if not rows:
        return
    params = [{"id": r.entry_id, "title": r.title, "body": r.body} for r in rows]
    if dialect(session) == "postgresql":
        for row, values in zip(rows, params, strict=True):
            values["terms"] = f"{row.title}\n{row.body}"
            values["length"] = len(row.title.split()) + len(row.body.split())
        session.execute(
            text(
                "INSERT INTO kb_search_fts (entry_id, tsv, terms, length) VALUES (:id,"
                " setweight(to_tsvector('simple', :title), 'A') || setweight(to_tsvector('simple', :body), 'B'),"
                " :terms, :length)"
            ),
            params,
        )
    else:
        session.execute(text("INSERT INTO kb_search_fts (rowid, title, body) VALUES (:id, :title, :body)"), params)


def _filter_sql(filters: Filters, params: dict[str, Any]) -> str:
    clauses = []
    if filters.kinds:
        names = []
        for i, kind in enumerate(sorted(filters.kinds)):
            params[f"kind{i}"] = kind
            names.append(f":kind{i}")
        clauses.append(f"e.kind IN ({', '.join(names)})")
    if filters.collection:
        params["collection"] = filters.collection
        clauses.append("e.collection = :collection")
    if filters.audience:
        params["audience"] = f"% {filters.audience} %"
        clauses.append("e.audiences LIKE :audience")
    if filters.public:
        params["public"] = f"% {filters.public} %"
        clauses.append("(e.publics = '' OR e.publics LIKE :public)")
    return "".join(f" AND {c}" for c in clauses)


Phrase = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Plan:
    """What a full-text query matches on and what it scores with.

    Every phrase scores; when the phrases together would match too many entries (a common word such as
    "demande" in a large index), only the rarest ones drive the matching, like MaxScore in search engines:
    an entry containing none of them could only rank on common words, far below the others.
    """

    match: tuple[Phrase, ...]
    score: tuple[Phrase, ...]

    @property
    def selective(self) -> bool:
        return self.match != self.score


def plan(clauses: Iterable[Clause], df: Mapping[str, int], *, entries: int, dialect: str = "sqlite") -> Plan:
    phrases = tuple(dict.fromkeys(p for c in clauses for p in c.phrases))
    cost = {p: min(df.get(t, 0) for t in p) for p in phrases}  # a phrase matches at most its rarest term
    budget = max(MATCH_BUDGET_MIN, int(MATCH_BUDGET_SHARE.get(dialect, 0.2) * entries))
    if sum(cost.values()) <= budget:
        return Plan(phrases, phrases)
    chosen: list[Phrase] = []
    total = 0
    for phrase in sorted(phrases, key=lambda p: cost[p]):
        if chosen and total + cost[phrase] > budget:
            break
        chosen.append(phrase)
        total += cost[phrase]
    return Plan(tuple(p for p in phrases if p in chosen), phrases)


def _fts5(phrases: Iterable[Phrase]) -> str:
    return " OR ".join('"' + " ".join(p) + '"' for p in phrases)


def _tsquery(phrases: Iterable[Phrase]) -> str:
    return " | ".join("(" + " <-> ".join(p) + ")" if len(p) > 1 else p[0] for p in phrases)


def bm25(terms: str, length: int, phrases: Sequence[Phrase], stats: Stats) -> float:
    """FTS5's bm25() on one entry: `terms` is its analysed title, a newline, its analysed body."""
    title, _, body = terms.partition("\n")
    title, body = f" {title} ", f" {body} "
    norm = K1 * (1 - B + B * length / max(stats.mean_length, 1.0))
    score = 0.0
    for phrase in phrases:
        needle = f" {' '.join(phrase)} "
        hits = TITLE_WEIGHT * title.count(needle) + body.count(needle)
        if hits:
            n = min(stats.df.get(t, 0) for t in phrase)
            idf = max(math.log((stats.entries - n + 0.5) / (n + 0.5)), 1e-6)
            score += idf * hits * (K1 + 1) / (hits + norm)
    return score


def query(
    session: Session, query_plan: Plan, filters: Filters, *, limit: int, stats: Stats | None = None
) -> list[tuple[int, float]]:
    """Entry ids with their score (higher is better), best first. Without filters no join is made."""
    if not query_plan.score:
        return []
    params: dict[str, Any] = {"limit": limit}
    where = _filter_sql(filters, params)
    join_pg = " JOIN kb_search_entries e ON e.id = f.entry_id" if where else ""
    join_lite = " JOIN kb_search_entries e ON e.id = kb_search_fts.rowid" if where else ""
    if dialect(session) == "postgresql":
        params["m"], params["s"] = _tsquery(query_plan.match), _tsquery(query_plan.score)
        params["limit"] = max(limit, PG_CANDIDATES) if stats is not None else limit
        sql = (
            f"SELECT f.entry_id, f.terms, f.length, ts_rank_cd('{_PG_WEIGHTS}', f.tsv, s, 1) AS score"
            f" FROM kb_search_fts f{join_pg}, to_tsquery('simple', :m) m, to_tsquery('simple', :s) s"
            f" WHERE f.tsv @@ m{where} ORDER BY score DESC, f.entry_id LIMIT :limit"
        )
        candidates = session.execute(text(sql), params).all()
        if stats is None:
            return [(int(i), float(s)) for i, _, _, s in candidates]
        scored = [(int(i), bm25(terms, length, query_plan.score, stats)) for i, terms, length, _ in candidates]
        scored.sort(key=lambda pair: -pair[1])  # stable: ts_rank_cd order breaks ties
        return scored[:limit]
    else:
        match = _fts5(query_plan.score)
        if query_plan.selective:  # the rare phrases are listed twice: they weigh a little more, which is fine
            match = f"({_fts5(query_plan.match)}) AND ({match})"
        params["q"] = match
        sql = (
            f"SELECT kb_search_fts.rowid, bm25(kb_search_fts, {TITLE_WEIGHT}, 1.0) AS score"
            f" FROM kb_search_fts{join_lite}"
            f" WHERE kb_search_fts MATCH :q{where} ORDER BY score LIMIT :limit"
        )
    return [(int(i), -float(s)) for i, s in session.execute(text(sql), params)]


def statistics(session: Session) -> Stats:
    """Every indexed term with the number of entries that contain it, the entry count and mean length."""
    if dialect(session) == "postgresql":
        df_sql = "SELECT word, ndoc FROM ts_stat('SELECT tsv FROM kb_search_fts')"
        size_sql = "SELECT count(*), coalesce(avg(length), 0) FROM kb_search_fts"
    else:
        df_sql = "SELECT term, doc FROM kb_search_vocab"
        size_sql = "SELECT count(*), 0 FROM kb_search_fts"
    df = {str(t): int(n) for t, n in session.execute(text(df_sql))}
    entries, mean_length = session.execute(text(size_sql)).one()
    return Stats(df=df, entries=int(entries), mean_length=float(mean_length or 0))
