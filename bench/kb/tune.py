"""The tuning we did, on the tuning split only (md5(fiche_id) % 10 < 4 of the extended Service-Public set).

    .venv/bin/python -m bench.kb.tune --model e5

Indexes once, prints where the best cosine of real and off-topic questions falls (the model's `weak_below`), then
varies the query-time knobs: BM25 title weight, the share of the index a query may match before only its rarest
phrases drive it, RRF weights (lexical, dense). Prints one line per setting.
"""

from __future__ import annotations

import argparse
import itertools

import numpy as np
from sqlalchemy.orm import Session

from accueil.knowledge.search import lexical, service, use_embedder, vectors
from accueil.knowledge.search.types import Filters
from bench.kb import datasets, harness
from bench.kb.embedders import CachedEmbedder, make

OFF_TOPIC = [
    "recette de la tarte aux pommes",
    "quel temps fera-t-il demain à Lyon",
    "résultats du match de football hier soir",
    "meilleur film de science-fiction",
    "comment réparer une fuite de robinet",
    "horaires de la piscine municipale",
    "prix du bitcoin aujourd'hui",
    "paroles de la chanson la vie en rose",
    "comment jouer aux échecs",
    "conseils pour faire pousser des tomates",
    "quelle est la capitale de l'Australie",
    "itinéraire de randonnée dans les Alpes",
]


def top_scores(engine: object, embedder: CachedEmbedder, texts: list[str]) -> np.ndarray:
    with Session(bind=engine) as session:  # type: ignore[arg-type]
        snap = vectors.snapshot(session, embedder)
        return np.array([vectors.nearest(snap, q, Filters(), limit=1)[0][1] for q in embedder.embed_queries(texts)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="e5")
    args = parser.parse_args()
    bench = datasets.spf(extended=True)
    questions = [q for q in bench.questions if q.split == "tune"]
    group_of = {d.key: d.group for d in bench.docs}
    embedder = CachedEmbedder(make(args.model))
    with use_embedder(embedder), harness.database("sqlite") as (engine, _):
        harness.index_docs(engine, bench.docs)
        embedder.save()
        on, off = top_scores(engine, embedder, [q.text for q in questions]), top_scores(engine, embedder, OFF_TOPIC)
        print("best cosine, tuning questions: p5/p50", np.percentile(on, [5, 50]).round(3))
        print("best cosine, off-topic queries: p50/p95/max", np.percentile(off, [50, 95, 100]).round(3))
        for title_weight in (1.0, 2.0, 4.0):
            lexical.TITLE_WEIGHT = title_weight
            ranked, _ = harness.run_service(engine, questions, group_of, mode="lexical")
            print(f"lexical title_weight={title_weight}", harness.score(ranked, questions).as_dict(), flush=True)
        lexical.TITLE_WEIGHT = 2.0
        shares = dict(lexical.MATCH_BUDGET_SHARE)
        for share in (100.0, 0.2, 0.1):  # 100: never selective
            lexical.MATCH_BUDGET_SHARE = {"sqlite": share}
            for mode in ("lexical", "hybrid"):
                ranked, took = harness.run_service(engine, questions, group_of, mode=mode)
                scores = harness.score(ranked, questions).as_dict()
                print(f"{mode} match_budget_share={share}", scores, harness.percentiles(took), flush=True)
        lexical.MATCH_BUDGET_SHARE = shares
        for lex_w, dense_w in itertools.product((1.0,), (0.5, 1.0, 1.5, 2.0)):
            service.LEXICAL_WEIGHT, service.DENSE_WEIGHT = lex_w, dense_w
            ranked, _ = harness.run_service(engine, questions, group_of, mode="hybrid")
            print(f"hybrid weights=({lex_w}, {dense_w})", harness.score(ranked, questions).as_dict(), flush=True)


if __name__ == "__main__":
    main()
