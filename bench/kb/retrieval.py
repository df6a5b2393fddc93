"""Retrieval quality of the knowledge search, side by side with plain BM25 baselines, in one run.

    .venv/bin/python -m bench.kb.retrieval                 # full run, writes bench/results/kb_retrieval.json
    .venv/bin/python -m bench.kb.retrieval --split tune    # what tuning looked at (prints, writes nothing)

Systems: `bm25-whitespace` (bm25s over lowercase whitespace tokens, as the brief asks), `bm25-words` (bm25s over
regex words: punctuation stripped, still no French analysis), and our search in its three modes through the real
service on a migrated database (SQLite FTS5; PostgreSQL too with --postgres), with each packaged embedder.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from accueil.knowledge.search import use_embedder
from bench.kb import datasets, harness
from bench.kb.embedders import CachedEmbedder, make

RESULTS = Path(__file__).resolve().parents[1] / "results" / "kb_retrieval.json"
MODES = ("lexical", "dense", "hybrid")


def _benchmarks(split: str) -> list[tuple[datasets.Benchmark, list[str]]]:
    """Each dataset with the splits reported on it (a dataset is indexed once per model and database)."""
    extended = datasets.spf(extended=True)
    if split == "tune":
        return [(extended, ["tune"])]
    return [(extended, ["test", "all"]), (datasets.spf(extended=False), ["all"]), (datasets.cnil(), ["all"])]


def _select(bench: datasets.Benchmark, split: str) -> list[datasets.Question]:
    return [q for q in bench.questions if split == "all" or q.split == split]


def run(models: list[str], backends: list[str], split: str) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    timings: dict[str, Any] = {}
    for bench, splits in _benchmarks(split):
        for which in splits:
            questions = _select(bench, which)
            for name, tokenize in (("bm25-whitespace", harness.whitespace_tokens), ("bm25-words", harness.word_tokens)):
                ranked = harness.run_bm25(bench.docs, questions, tokenize)
                label = {"dataset": bench.name, "split": which}
                rows.append({**label, "system": name, **harness.score(ranked, questions).as_dict()})
        group_of = {d.key: d.group for d in bench.docs}
        for model in models:
            embedder = CachedEmbedder(make(model))
            with use_embedder(embedder):
                for backend in backends:
                    with harness.database(backend) as (engine, _settings):
                        seconds = harness.index_docs(engine, bench.docs)
                        embedder.save()
                        timings[f"{bench.name}/{model}/{backend}"] = {
                            "index_s": round(seconds, 1),
                            "docs": len(bench.docs),
                        }
                        for which in splits:
                            questions = _select(bench, which)
                            for mode in MODES:
                                if backend != "sqlite" and mode == "dense":
                                    continue  # the dense side does not depend on the database
                                ranked, took = harness.run_service(engine, questions, group_of, mode=mode)
                                rows.append(
                                    {
                                        "dataset": bench.name,
                                        "split": which,
                                        "system": f"ours-{mode}",
                                        "model": embedder.name if mode != "lexical" else None,
                                        "backend": backend,
                                        **harness.score(ranked, questions).as_dict(),
                                        **harness.percentiles(took),
                                    }
                                )
            embedder.save()
    rows.sort(key=lambda r: (r["dataset"], r["split"] != "test", r["split"]))
    return {"rows": rows, "timings": timings}


def print_table(rows: list[dict[str, Any]]) -> None:
    header = (
        f"{'dataset':<26}{'split':<6}{'system':<17}{'model':<21}{'db':<9}{'n':>5}{'R@5':>8}{'R@20':>8}{'MRR@10':>8}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        print(
            f"{r['dataset']:<26}{r['split']:<6}{r['system']:<17}{(r.get('model') or '-'):<21}"
            f"{(r.get('backend') or '-'):<9}{r['n']:>5}{r['recall@5']:>8.3f}{r['recall@20']:>8.3f}{r['mrr@10']:>8.3f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--models",
        default="use,e5",
        help="embedders: use, e5 (e5 is cached under bench/.cache; a cold run embeds for ~25 min)",
    )
    parser.add_argument("--postgres", action="store_true", help="also run the lexical and hybrid modes on PostgreSQL")
    parser.add_argument("--split", default="test", choices=["tune", "test"])
    args = parser.parse_args()
    started = time.perf_counter()
    backends = ["sqlite"] + (["postgres"] if args.postgres else [])
    result = run(args.models.split(","), backends, args.split)
    print_table(result["rows"])
    elapsed = round(time.perf_counter() - started, 1)
    print(f"\n{elapsed} s")
    if args.split == "test":
        payload = {
            "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "command": ".venv/bin/python -m bench.kb.retrieval "
            + " ".join(f"--{k}={v}" if not isinstance(v, bool) else f"--{k}" for k, v in vars(args).items() if v),
            "machine": f"{platform.machine()}, {platform.system()}, Python {platform.python_version()}",
            "definitions": {
                "recall@k": "share of questions with at least one of the first k results from the gold fiche/entry",
                "mrr@10": "mean of 1/rank of the first result from the gold fiche/entry in the first 10 (0 if none)",
                "splits": "tune = md5(fiche_id) % 10 < 4 (used for every tuning decision), test = the rest, "
                "all = both; the strict and CNIL sets were never looked at while tuning",
            },
            "datasets": {
                "service_public_extended": "3,588 chunks of fiches_flat_txt_v2 + 1,591 chunks of the 470 other "
                "fiches of questions_spf.json (our chunker); 535 questions (title of a fiche -> fiche)",
                "service_public_strict": "the 3,588 chunks only; the 65 questions whose fiche is among them",
                "cnil_paraphrases": "523 CNIL FAQ entries (title + answer); 168 paraphrased questions -> entry",
            },
            "elapsed_s": elapsed,
            **result,
        }
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"écrit : {RESULTS}")


if __name__ == "__main__":
    main()
