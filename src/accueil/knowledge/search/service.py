"""Index and search: upsert entries (re-embedding only new content), remove them, search (lexical, dense or
hybrid with RRF), highlight, log content gaps, and find near-duplicates before an article is created."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from accueil.core.errors import InvalidInput
from accueil.knowledge.search import gaps, lexical, state, vectors
from accueil.knowledge.search.analysis import analyse, analysed_text
from accueil.knowledge.search.embedder import Embedder, get_embedder, passage_text, to_bytes
from accueil.knowledge.search.fusion import rrf
from accueil.knowledge.search.models import SearchEntry, SearchVector
from accueil.knowledge.search.snippets import snippet_html
from accueil.knowledge.search.synonyms import Clause, thesaurus
from accueil.knowledge.search.types import AUDIENCES, KINDS, MODES, Filters, IndexEntry, SearchHit, SearchResponse
from accueil.knowledge.search.typos import vocabulary

MAX_QUERY_LENGTH = 500
MAX_LIMIT = 100
POOL = 60  # candidates taken from each ranking before fusion
LEXICAL_WEIGHT = 1.0
DENSE_WEIGHT = 1.0
WEAK_COVERAGE = 0.5  # a lexical hit matching under half of the query's concepts is weak
EMBED_BATCH = 64
FILTER_IN_MEMORY_SHARE = 0.2  # filters keeping at least this share of the index are applied after the full-text query


# ---------------------------------------------------------------- indexing


def _space_list(values: Sequence[str]) -> str:
    cleaned = [v.strip() for v in values if v and v.strip()]
    return f" {' '.join(dict.fromkeys(cleaned))} " if cleaned else ""


def _check(entry: IndexEntry) -> None:
    problems = []
    if not entry.key or len(entry.key) > 300:
        problems.append("clé absente ou trop longue (300 caractères au plus)")
    if entry.kind not in KINDS:
        problems.append(f"type « {entry.kind} » inconnu")
    if not entry.title.strip():
        problems.append("titre vide")
    if unknown := set(entry.audiences) - AUDIENCES:
        problems.append(f"audiences inconnues : {', '.join(sorted(unknown))}")
    if any(" " in p for p in entry.publics):
        problems.append("code de public invalide")
    if problems:
        raise InvalidInput(f"Entrée d'index invalide ({entry.key[:80]}).", details=problems)


def _columns(entry: IndexEntry) -> dict[str, Any]:
    return {
        "kind": entry.kind,
        "title": entry.title.strip()[:500],
        "text": entry.text,
        "url": entry.url,
        "publics": _space_list(entry.publics),
        "audiences": _space_list(entry.audiences),
        "intents": list(entry.intents),
        "collection": entry.collection,
        "meta": dict(entry.meta),
        "content_hash": hashlib.sha256(passage_text(entry.title, entry.text).encode()).hexdigest(),
    }


def _ensure_vectors(session: Session, embedder: Embedder, passages: dict[str, str]) -> None:
    """Embed the passages whose content hash has no vector yet for this model."""
    hashes = list(passages)
    have: set[str] = set()
    for start in range(0, len(hashes), 500):
        have.update(
            session.scalars(
                select(SearchVector.content_hash).where(
                    SearchVector.model == embedder.name, SearchVector.content_hash.in_(hashes[start : start + 500])
                )
            )
        )
    todo = [h for h in hashes if h not in have]
    for start in range(0, len(todo), EMBED_BATCH):
        batch = todo[start : start + EMBED_BATCH]
        matrix = embedder.embed_passages([passages[h] for h in batch])
        session.add_all(
            SearchVector(content_hash=h, model=embedder.name, dim=embedder.dim, vector=to_bytes(v))
            for h, v in zip(batch, matrix, strict=True)
        )
    session.flush()


def index_entries(session: Session, entries: Sequence[IndexEntry]) -> int:
    """Insert or update entries by key; returns how many changed (unchanged ones cost one comparison)."""
    latest: dict[str, IndexEntry] = {}
    for entry in entries:
        _check(entry)
        latest[entry.key] = entry
    if not latest:
        return 0
    keys = list(latest)
    existing: dict[str, SearchEntry] = {}
    for start in range(0, len(keys), 500):
        found = session.scalars(select(SearchEntry).where(SearchEntry.key.in_(keys[start : start + 500])))
        existing.update({row.key: row for row in found})
    changed: list[tuple[IndexEntry, dict[str, Any]]] = []
    for key, entry in latest.items():
        columns = _columns(entry)
        row = existing.get(key)
        if row is None or any(getattr(row, name) != value for name, value in columns.items()):
            changed.append((entry, columns))
    if not changed:
        return 0
    passages = {c["content_hash"]: passage_text(e.title, e.text) for e, c in changed}
    _ensure_vectors(session, get_embedder(), passages)
    token = state.bump(session, state.INDEX)
    rows: list[SearchEntry] = []
    for entry, columns in changed:
        row = existing.get(entry.key)
        if row is None:
            row = SearchEntry(key=entry.key, status="published", **columns)
            session.add(row)
        else:
            for name, value in columns.items():
                setattr(row, name, value)
        row.revision = token
        rows.append(row)
    session.flush()
    lexical.delete(session, [r.id for r in rows if r.key in existing])
    lexical.write(session, [lexical.Row(r.id, analysed_text(r.title), analysed_text(r.text)) for r in rows])
    return len(changed)


def remove_entries(session: Session, *, key_prefix: str) -> int:
    """Remove every entry whose key starts with `key_prefix`; returns how many."""
    if not key_prefix:
        raise InvalidInput("Un préfixe de clé est obligatoire.")
    ids = list(session.scalars(select(SearchEntry.id).where(SearchEntry.key.startswith(key_prefix, autoescape=True))))
    if not ids:
        return 0
    lexical.delete(session, ids)
    for start in range(0, len(ids), 500):
        session.execute(delete(SearchEntry).where(SearchEntry.id.in_(ids[start : start + 500])))
    state.bump(session, state.INDEX)
    return len(ids)


def prune_vectors(session: Session) -> int:
    """Delete stored vectors no entry uses any more (after re-imports and model changes)."""
    used = select(SearchEntry.content_hash)
    result = session.execute(delete(SearchVector).where(SearchVector.content_hash.not_in(used)))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


# ---------------------------------------------------------------- searching


def query_clauses(session: Session, query: str, *, tokens: dict[str, str] | None = None) -> list[Clause]:
    """Analyse a query: terms, typo corrections for terms the index never saw, then synonyms."""
    terms = analyse(query)
    if not terms:
        return []
    tokens = state.all_tokens(session) if tokens is None else tokens
    thes = thesaurus(session, token=tokens.get(state.SYNONYMS, ""))
    vocab = vocabulary(session, token=tokens.get(state.INDEX, ""))
    known = {t for phrase in thes.by_phrase for t in phrase}
    fixed = [t if t in known else (vocab.correction(t) or t) for t in terms]
    return thes.clauses(fixed)


def _filters(
    public: str | None, audience: str | None, kinds: Collection[str] | None, collection: str | None
) -> Filters:
    if audience is not None and audience not in AUDIENCES:
        raise InvalidInput(f"Audience inconnue : « {audience} ».")
    if kinds is not None and (unknown := set(kinds) - KINDS):
        raise InvalidInput(f"Type inconnu : {', '.join(sorted(unknown))}.")
    if public is not None and (not public.strip() or " " in public.strip()):
        raise InvalidInput("Code de public invalide.")
    return Filters(
        public=public.strip() if public else None,
        audience=audience,
        kinds=frozenset(kinds) if kinds else None,
        collection=collection or None,
    )


def _coverage(row: SearchEntry, clauses: Sequence[Clause]) -> float:
    """Share of the query's concepts found in an entry (a synonym counts for its concept)."""
    if not clauses:
        return 0.0
    terms = analyse(f"{row.title}\n{row.text}")
    text = f" {' '.join(terms)} "
    found = sum(1 for c in clauses if any(f" {' '.join(p)} " in text for p in c.phrases))
    return found / len(clauses)


def _lexical(
    session: Session,
    query_plan: lexical.Plan,
    filters: Filters,
    snap: vectors.Snapshot,
    pool: int,
    stats: lexical.Stats,
) -> list[tuple[int, float]]:
    """Full-text hits. With filters, over-fetch without a join and filter in memory (the catalogue of the
    vector snapshot); fall back to filtering in SQL when the filter is too selective for that to work."""
    mask = snap.mask(filters)
    if mask is None:
        return lexical.query(session, query_plan, filters, limit=pool, stats=stats)
    fraction = float(mask.mean()) if len(mask) else 0.0
    if fraction >= FILTER_IN_MEMORY_SHARE:
        fetch = min(int(pool / fraction * 1.5) + 10, 3000)
        rows = lexical.query(session, query_plan, Filters(), limit=fetch, stats=stats)
        kept = [row for row, ok in zip(rows, snap.allows([i for i, _ in rows], mask), strict=True) if ok]
        if len(kept) >= pool or len(rows) < fetch:
            return kept[:pool]
    return lexical.query(session, query_plan, filters, limit=pool, stats=stats)


def _hit(row: SearchEntry, score: float, terms: set[str]) -> SearchHit:
    return SearchHit(
        key=row.key,
        kind=row.kind,
        title=row.title,
        score=round(score, 6),
        snippet_html=snippet_html(row.text, terms),
        url=row.url,
        meta=dict(row.meta or {}),
        intents=tuple(row.intents or ()),
        publics=tuple(row.publics.split()),
        collection=row.collection,
    )


def search(
    session: Session,
    query: str,
    *,
    public: str | None = None,
    audience: str | None = None,
    kinds: Collection[str] | None = None,
    collection: str | None = None,
    limit: int = 10,
    mode: str = "hybrid",
    log_gap: bool = True,
) -> SearchResponse:
    started = time.perf_counter()
    text = " ".join(query.split())
    if not text:
        raise InvalidInput("La recherche est vide.")
    if len(text) > MAX_QUERY_LENGTH:
        raise InvalidInput(f"La recherche est trop longue ({MAX_QUERY_LENGTH} caractères au plus).")
    if mode not in MODES:
        raise InvalidInput("Mode de recherche inconnu : hybrid, lexical ou dense.")
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"Le nombre de résultats va de 1 à {MAX_LIMIT}.")
    filters = _filters(public, audience, kinds, collection)
    tokens = state.all_tokens(session)
    clauses = query_clauses(session, text, tokens=tokens)
    pool = max(POOL, limit)
    embedder = get_embedder()
    snap = vectors.snapshot(session, embedder, token=tokens.get(state.INDEX, ""))

    lexical_hits: list[tuple[int, float]] = []
    if mode != "dense" and clauses:
        vocab = vocabulary(session, token=tokens.get(state.INDEX, ""))
        query_plan = lexical.plan(clauses, vocab.df, entries=len(snap.ids), dialect=lexical.dialect(session))
        lexical_hits = _lexical(session, query_plan, filters, snap, pool, vocab.stats)
    dense_hits: list[tuple[int, float]] = []
    weak_below = 1.0
    if mode != "lexical":
        weak_below = embedder.weak_below
        floor = embedder.noise_below if mode == "hybrid" else None
        dense_hits = vectors.nearest(snap, embedder.embed_queries([text])[0], filters, limit=pool, min_score=floor)

    if mode == "hybrid":
        ranked = rrf([[i for i, _ in lexical_hits], [i for i, _ in dense_hits]], weights=[LEXICAL_WEIGHT, DENSE_WEIGHT])
    else:
        ranked = lexical_hits or dense_hits
    top = ranked[:limit]
    wanted = {i for i, _ in top} | ({lexical_hits[0][0]} if lexical_hits else set())
    rows = {r.id: r for r in session.scalars(select(SearchEntry).where(SearchEntry.id.in_(wanted)))}

    best_dense = dense_hits[0][1] if dense_hits else None
    coverage = _coverage(rows[lexical_hits[0][0]], clauses) if lexical_hits else 0.0
    dense_weak = best_dense is None or best_dense < weak_below
    if mode == "dense":
        weak = dense_weak
    elif mode == "lexical":
        weak = coverage < WEAK_COVERAGE
    else:
        weak = coverage < WEAK_COVERAGE and dense_weak
    weak = weak or not top
    if weak and log_gap:
        gaps.log_gap(session, text, filters, results=len(ranked), best_score=best_dense)

    terms = {t for c in clauses for p in c.phrases for t in p}
    hits = [_hit(rows[i], score, terms) for i, score in top if i in rows]
    took = (time.perf_counter() - started) * 1000
    return SearchResponse(query=text, results=hits, total=len(ranked), took_ms=round(took, 2), weak=weak)


def find_similar(
    session: Session,
    text: str,
    *,
    threshold: float | None = None,
    limit: int = 5,
    kinds: Collection[str] | None = None,
    exclude_key_prefix: str | None = None,
) -> list[SearchHit]:
    """Entries whose vector is close to `text` (cosine >= threshold, by default the model's `duplicate_above`):
    near-duplicates of a new article. `exclude_key_prefix` leaves out the article being edited."""
    if not text.strip():
        return []
    embedder = get_embedder()
    threshold = embedder.duplicate_above if threshold is None else threshold
    snap = vectors.snapshot(session, embedder)
    query = embedder.embed_passages([passage_text("", text).strip()])[0]
    filters = _filters(None, None, kinds, None)
    found = vectors.nearest(snap, query, filters, limit=limit + 20, min_score=threshold)
    rows = {r.id: r for r in session.scalars(select(SearchEntry).where(SearchEntry.id.in_([i for i, _ in found])))}
    hits = []
    for entry_id, score in found:
        row = rows.get(entry_id)
        if row is None or (exclude_key_prefix and row.key.startswith(exclude_key_prefix)):
            continue
        hits.append(_hit(row, score, set()))
    return hits[:limit]


def index_size(session: Session) -> dict[str, Any]:
    """How many entries per kind, and the memory of this process's vector matrix."""
    from sqlalchemy import func

    counts = dict(session.execute(select(SearchEntry.kind, func.count()).group_by(SearchEntry.kind)).tuples().all())
    snap = vectors.snapshot(session, get_embedder())
    return {"entries": sum(counts.values()), "by_kind": counts, "vector_bytes": snap.nbytes}
