"""Run the understanding benchmarks and write bench/results/nlu_*.json.

python -m bench.nlu.run                 # everything (about 10-20 minutes on 2 cores)
python -m bench.nlu.run speed own       # only some parts: public, own, speed
python -m bench.nlu.run --no-embeddings # skip the sentence-embedding variants
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent.parent / "results"
ANCHORS = {  # published figures (Larson et al. 2019 for CLINC150 "full"; Casanueva et al. 2020 for Banking77)
    "clinc150": {"BERT": (96.9, 40.3), "SVM": (91.0, 14.5), "Rasa": (91.5, 45.3)},
    "banking77": {"BERT": (93.7, None)},
}
GOALS = {"clinc150": "in-scope >= 93 and out-of-scope recall >= 66 on CPU"}
# How the options of bench/nlu/public_sets.py were chosen: never on a test set (bench/nlu/tune_clinc.py).
TUNING = {
    "protocol": (
        "CLINC150 TF-IDF variants trained on train, compared on the validation split only (best in-scope accuracy"
        " at a validation out-of-scope recall of 0.66 / 0.70 / 0.75); the test split is read once per final"
        " variant. The threshold of each reported run is chosen on validation (CLINC150) or on a hash slice of"
        " train (Banking77, French subset) for the target out-of-scope recall below."
    ),
    "target_oos_recall": 0.75,
    "tfidf_validation_in_scope_at_oos_0.66": {
        "C=0.5 (kept)": 92.3,
        "C=1": 92.2,
        "C=0.25": 91.7,
        "word 1-3-grams": 92.3,
        "char 1-5-grams": 92.1,
        "char 2-5-grams": 92.1,
        "word block weight 1.3": 92.2,
    },
    "conclusion": (
        "no TF-IDF variant reaches 93 in-scope even at 66 out-of-scope recall on validation: the goal needs the"
        " sentence embeddings, which are the product default"
    ),
}


def _environment() -> dict[str, Any]:
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "load_average": list(os.getloadavg()),
    }


def _write(name: str, payload: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(
        json.dumps(payload | {"environment": _environment()}, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    print(f"-> {path}", flush=True)
    return path


def public_sets(embeddings: bool) -> dict[str, Any]:
    from accueil.understanding.embeddings import default_encoder
    from bench.nlu.datasets import banking77, clinc150, fr_clinc_subset
    from bench.nlu.public_sets import options_for, run

    results: dict[str, Any] = {}
    for loader in (clinc150, banking77, fr_clinc_subset):
        benchmark = loader()
        results[benchmark.name] = {"tfidf": run(benchmark, options_for(benchmark, embeddings=False), None)}
        print(benchmark.name, "tfidf", _short(results[benchmark.name]["tfidf"]), flush=True)
        if embeddings:
            results[benchmark.name]["tfidf+use"] = run(
                benchmark, options_for(benchmark, embeddings=True), default_encoder()
            )
            print(benchmark.name, "tfidf+use", _short(results[benchmark.name]["tfidf+use"]), flush=True)
    _write("nlu_public_sets", {"anchors": ANCHORS, "goals": GOALS, "tuning": TUNING, "results": results})
    return results


def own_data(embeddings: bool) -> dict[str, Any]:
    from accueil.understanding.embeddings import default_encoder
    from bench.nlu.own import cross_validation, fixed_split, with_embeddings

    results: dict[str, Any] = {"fixed_split": {"tfidf": fixed_split()}}
    print("own fixed split tfidf", _short(results["fixed_split"]["tfidf"]), flush=True)
    if embeddings:
        results["fixed_split"]["tfidf+use"] = fixed_split(with_embeddings(), default_encoder())
        print("own fixed split tfidf+use", _short(results["fixed_split"]["tfidf+use"]), flush=True)
    results["cross_validation_5_folds"] = {"tfidf": cross_validation()}
    print("own 5-fold tfidf", results["cross_validation_5_folds"]["tfidf"]["summary"]["accuracy"], flush=True)
    if embeddings:
        results["cross_validation_5_folds"]["tfidf+use"] = cross_validation(with_embeddings(), default_encoder())
        summary = results["cross_validation_5_folds"]["tfidf+use"]["summary"]
        print("own 5-fold tfidf+use", summary["accuracy"], flush=True)
    results["default"] = "tfidf+use (DEFAULT_OPTIONS); tfidf = accueil nlu train --sans-embeddings"
    results["note"] = (
        "The packaged examples were improved by reading the errors of the fixed split: the 5-fold figure is the"
        " honest one. Other social-protection bodies and taxes (CPAM, Caf, MSA, impôts, retraite, France Travail)"
        " are labelled reorientation_autre_organisme as the taxonomy says, no longer hors_sujet."
    )
    _write("nlu_own_data", results)
    return results


def speed(embeddings: bool) -> dict[str, Any]:
    from bench.nlu.speed import measure

    results = {"tfidf": measure(embeddings=False)}
    print("speed tfidf", results["tfidf"], flush=True)
    if embeddings:
        results["tfidf+use"] = measure(embeddings=True)
        print("speed tfidf+use", results["tfidf+use"], flush=True)
    _write("nlu_speed", results)
    return results


def _short(result: dict[str, Any]) -> str:
    oos = result.get("oos_recall")
    return (
        f"accuracy {100 * result['accuracy']:.1f} in-scope {100 * result['in_scope_accuracy']:.1f} "
        f"oos-recall {'—' if oos is None else f'{100 * oos:.1f}'} ece {result['ece']:.3f} "
        f"train {result['train_seconds']} s"
    )


def table() -> str:
    """Side-by-side table of the stored results and the published anchors."""
    lines = []
    public = RESULTS / "nlu_public_sets.json"
    if public.exists():
        data = json.loads(public.read_text(encoding="utf-8"))["results"]
        lines.append(f"{'set':<22}{'system':<22}{'in-scope acc.':>14}{'oos recall':>12}{'accuracy':>10}")
        for name, runs in data.items():
            for system, (acc, oos) in ANCHORS.get(name, {}).items():
                lines.append(
                    f"{name:<22}{system + ' (published)':<22}{acc:>14.1f}{'—' if oos is None else oos:>12}{'':>10}"
                )
            for system, result in runs.items():
                oos = result.get("oos_recall")
                lines.append(
                    f"{name:<22}{'accueil ' + system:<22}{100 * result['in_scope_accuracy']:>14.1f}"
                    f"{'—' if oos is None else f'{100 * oos:.1f}':>12}{100 * result['accuracy']:>10.1f}"
                )
    own = RESULTS / "nlu_own_data.json"
    if own.exists():
        data = json.loads(own.read_text(encoding="utf-8"))
        for system, result in data["fixed_split"].items():
            lines.append(
                f"{'own data (test split)':<22}{'accueil ' + system:<22}{100 * result['in_scope_accuracy']:>14.1f}"
                f"{100 * result['oos_recall']:>12.1f}{100 * result['accuracy']:>10.1f}"
            )
        for system, result in data["cross_validation_5_folds"].items():
            cv = result["summary"]
            lines.append(
                f"{'own data (5-fold CV)':<22}{'accueil ' + system:<22}{100 * cv['in_scope_accuracy']['mean']:>14.1f}"
                f"{100 * cv['oos_recall']['mean']:>12.1f}{100 * cv['accuracy']['mean']:>10.1f}"
            )
    speed_file = RESULTS / "nlu_speed.json"
    if speed_file.exists():
        data = json.loads(speed_file.read_text(encoding="utf-8"))
        lines.append("")
        lines.append(f"{'speed':<22}{'train s':>9}{'p50 ms':>9}{'p99 ms':>9}{'parses/s':>10}{'model MB':>10}")
        for system, result in data.items():
            if isinstance(result, dict) and "p50_ms" in result:
                lines.append(
                    f"{system:<22}{result['training_seconds']:>9}{result['p50_ms']:>9}{result['p99_ms']:>9}"
                    f"{result['throughput_per_s']:>10}{result['model_bytes'] / 1e6:>10.1f}"
                )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("parts", nargs="*", default=["public", "own", "speed"], help="public, own, speed, table")
    parser.add_argument("--no-embeddings", action="store_true", help="skip the TF-IDF + USE variants")
    args = parser.parse_args(argv)
    embeddings = not args.no_embeddings
    for part in args.parts:
        {"public": public_sets, "own": own_data, "speed": speed, "table": lambda _: None}[part](embeddings)
    print(table())


if __name__ == "__main__":
    main(sys.argv[1:])
