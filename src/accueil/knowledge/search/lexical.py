"""Full-text retrieval over text analysed in Python: SQLite FTS5 (BM25) or PostgreSQL (tsvector, ts_rank_cd).

Both engines receive the same terms (analysis.py), so a query finds the same entries on both; only the
ranking function differs (BM25 on SQLite, cover density on PostgreSQL). Titles weigh more than bodies.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from accueil.knowledge.search.synonyms import Clause
from accueil.knowledge.search.types import Filters

TITLE_WEIGHT = 2.0  # BM25 column weight of titles (bodies: 1.0), tuned on the benchmark's tuning split
_PG_WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"  # D, C, B (body), A (title)


@dataclass(frozen=True, slots=True)
class Row:
    entry_id: int
    title: str  # analysed
    body: str  # analysed


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def delete(session: Session, entry_ids: Sequence[int]) -> None:
    if not entry_ids:
        return
    if _dialect(session) == "postgresql":
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
    if _dialect(session) == "postgresql":
        session.execute(
            text(
                "INSERT INTO kb_search_fts (entry_id, tsv) VALUES (:id,"
                " setweight(to_tsvector('simple', :title), 'A') || setweight(to_tsvector('simple', :body), 'B'))"
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


def _fts5_expression(clauses: Iterable[Clause]) -> str:
    phrases = dict.fromkeys(p for c in clauses for p in c.phrases)
    return " OR ".join('"' + " ".join(p) + '"' for p in phrases)


def _tsquery(clauses: Iterable[Clause]) -> str:
    phrases = dict.fromkeys(p for c in clauses for p in c.phrases)
    return " | ".join("(" + " <-> ".join(p) + ")" if len(p) > 1 else p[0] for p in phrases)


def query(session: Session, clauses: Sequence[Clause], filters: Filters, *, limit: int) -> list[tuple[int, float]]:
    """Entry ids with their score (higher is better), best first."""
    if not clauses:
        return []
    params: dict[str, Any] = {"limit": limit}
    where = _filter_sql(filters, params)
    if _dialect(session) == "postgresql":
        params["q"] = _tsquery(clauses)
        sql = (
            f"SELECT f.entry_id, ts_rank_cd('{_PG_WEIGHTS}', f.tsv, q, 1) AS score"
            " FROM kb_search_fts f JOIN kb_search_entries e ON e.id = f.entry_id,"
            " to_tsquery('simple', :q) q"
            f" WHERE f.tsv @@ q{where} ORDER BY score DESC, f.entry_id LIMIT :limit"
        )
    else:
        params["q"] = _fts5_expression(clauses)
        sql = (
            f"SELECT kb_search_fts.rowid, -bm25(kb_search_fts, {TITLE_WEIGHT}, 1.0) AS score"
            " FROM kb_search_fts JOIN kb_search_entries e ON e.id = kb_search_fts.rowid"
            f" WHERE kb_search_fts MATCH :q{where} ORDER BY score DESC LIMIT :limit"
        )
    return [(int(i), float(s)) for i, s in session.execute(text(sql), params)]


def vocabulary(session: Session) -> dict[str, int]:
    """Every indexed term with the number of entries that contain it."""
    if _dialect(session) == "postgresql":
        sql = "SELECT word, ndoc FROM ts_stat('SELECT tsv FROM kb_search_fts')"
    else:
        sql = "SELECT term, doc FROM kb_search_vocab"
    return {str(t): int(n) for t, n in session.execute(text(sql))}
