"""Run the product's search (the real service, migrations and full-text tables) on a throw-away database,
and the plain BM25 baselines on the same chunks, then score the rankings."""

from __future__ import annotations

import os
import re
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import bm25s
import numpy as np
from sqlalchemy import Engine, create_engine, text

from accueil.bootstrap import prepare_database
from accueil.core.config import Settings
from accueil.core.database import make_engine, make_sessionmaker
from accueil.knowledge.search import IndexEntry, index_entries, search
from bench.kb.datasets import Doc, Question

PG_ENV = "ACCUEIL_TEST_POSTGRES_URL"


@contextmanager
def database(backend: str) -> Iterator[tuple[Engine, Settings]]:
    """A migrated empty database (SQLite file in a temp dir, or a throw-away PostgreSQL database)."""
    tmp = Path(tempfile.mkdtemp(prefix="kb-bench-"))
    admin = None
    if backend == "postgres":
        admin_url = os.environ.get(PG_ENV, "postgresql://postgres@127.0.0.1:5432/postgres")
        name = f"kb_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(
            admin_url.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
        )
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = f"{admin_url.rsplit('/', 1)[0]}/{name}"
    else:
        url = f"sqlite:///{tmp / 'bench.sqlite3'}"
    settings = Settings(data_dir=tmp, database_url=url, log_json=False, log_level="WARNING")
    engine = make_engine(url)
    prepare_database(settings, engine, demo=False)
    try:
        yield engine, settings
    finally:
        engine.dispose()
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def entries_of(docs: Sequence[Doc], kind: str = "document") -> list[IndexEntry]:
    return [IndexEntry(key=d.key, kind=kind, title=d.title, text=d.text, collection="bench") for d in docs]


def index_docs(engine: Engine, docs: Sequence[Doc], *, batch: int = 500, kind: str = "document") -> float:
    """Index through the service, one transaction per batch; returns the seconds spent."""
    started = time.perf_counter()
    entries = entries_of(docs, kind)
    factory = make_sessionmaker(engine)
    for start in range(0, len(entries), batch):
        with factory.begin() as session:
            index_entries(session, entries[start : start + batch])
    return time.perf_counter() - started


def run_service(
    engine: Engine, questions: Sequence[Question], group_of: dict[str, str], *, mode: str, k: int = 20
) -> tuple[list[list[str]], list[float]]:
    """Ranked groups (fiche ids) of the top-k results of each question, and each search's duration (ms)."""
    factory = make_sessionmaker(engine)
    ranked, took = [], []
    with factory() as session:
        for question in questions:
            started = time.perf_counter()
            response = search(session, question.text, limit=k, mode=mode, log_gap=False)
            took.append((time.perf_counter() - started) * 1000)
            ranked.append([group_of[hit.key] for hit in response.results])
        session.rollback()
    return ranked, took


_WORDS = re.compile(r"(?u)\b\w\w+\b")


def whitespace_tokens(text: str) -> list[str]:
    return text.lower().split()


def word_tokens(text: str) -> list[str]:
    return _WORDS.findall(text.lower())


def run_bm25(
    docs: Sequence[Doc], questions: Sequence[Question], tokenize: Callable[[str], list[str]], *, k: int = 20
) -> list[list[str]]:
    """Plain BM25 (bm25s, Lucene variant, k1=1.5, b=0.75) over title + text, no French analysis."""
    retriever = bm25s.BM25()
    retriever.index([tokenize(f"{d.title}\n{d.text}") for d in docs], show_progress=False)
    vocab = set(retriever.vocab_dict)
    ranked: list[list[str]] = []
    for question in questions:
        tokens = [t for t in tokenize(question.text) if t in vocab]
        if not tokens:
            ranked.append([])
            continue
        ids, _ = retriever.retrieve([tokens], k=min(k, len(docs)), show_progress=False, n_threads=1)
        ranked.append([docs[int(i)].group for i in ids[0]])
    return ranked


@dataclass(frozen=True, slots=True)
class Scores:
    n: int
    recall_at_5: float
    recall_at_20: float
    mrr_at_10: float

    def as_dict(self) -> dict[str, float]:
        return {
            "n": self.n,
            "recall@5": round(self.recall_at_5, 4),
            "recall@20": round(self.recall_at_20, 4),
            "mrr@10": round(self.mrr_at_10, 4),
        }


def score(ranked: Sequence[Sequence[str]], questions: Sequence[Question]) -> Scores:
    """A question is answered at k when one of the first k results belongs to its gold group."""
    r5 = r20 = mrr = 0.0
    for groups, question in zip(ranked, questions, strict=True):
        r5 += question.gold in groups[:5]
        r20 += question.gold in groups[:20]
        mrr += next((1 / (i + 1) for i, g in enumerate(groups[:10]) if g == question.gold), 0.0)
    n = max(len(questions), 1)
    return Scores(len(questions), r5 / n, r20 / n, mrr / n)


def percentiles(values: Sequence[float]) -> dict[str, float]:
    array = np.asarray(values, dtype=float)
    return {"p50_ms": round(float(np.percentile(array, 50)), 2), "p95_ms": round(float(np.percentile(array, 95)), 2)}
