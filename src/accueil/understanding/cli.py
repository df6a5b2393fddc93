"""`accueil nlu …`: train, parse, evaluate, list and activate models."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from accueil.core.config import Settings

nlu_app = typer.Typer(help="Compréhension : entraîner, analyser, évaluer, activer les modèles.", no_args_is_help=True)


def _fail(message: str, code: int = 2) -> None:
    typer.echo(f"Erreur : {message}", err=True)
    raise typer.Exit(code)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f} %"


@nlu_app.command("train")
def train_command(
    activate: Annotated[bool, typer.Option(help="Activer le modèle s'il ne régresse pas")] = True,
    without_db: Annotated[bool, typer.Option("--sans-base", help="Données fournies seulement (pas la base)")] = False,
    embeddings: Annotated[
        bool,
        typer.Option(
            "--embeddings/--sans-embeddings",
            help="Plongements de phrases USE (par défaut) ; --sans-embeddings : TF-IDF seul, plus rapide, moins précis",
        ),
    ] = True,
    tolerance: Annotated[float | None, typer.Option(help="Baisse d'exactitude tolérée (0.01 = 1 point)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON")] = False,
) -> None:
    """Entraîne un modèle (données fournies + exemples annotés), l'évalue et l'active s'il ne régresse pas."""
    from accueil.core.errors import DomainError
    from accueil.understanding import artifact
    from accueil.understanding.artifact import ModelFileError
    from accueil.understanding.embeddings import EncoderUnavailable
    from accueil.understanding.registry import ModelRegistry, models_root
    from accueil.understanding.service import DEFAULT_MAX_ACCURACY_DROP
    from accueil.understanding.training import DEFAULT_OPTIONS, build_model, with_features

    settings = Settings()
    registry = ModelRegistry(models_root(settings))
    limit = (
        tolerance
        if tolerance is not None
        else float(getattr(settings, "nlu_max_accuracy_drop", DEFAULT_MAX_ACCURACY_DROP))
    )
    options = with_features(DEFAULT_OPTIONS, embeddings=embeddings)
    try:
        if without_db:
            model, evaluation = build_model(source="cli", options=options)
            folder = artifact.save(model, registry.root)
            if activate:
                registry.activate(model.version)
            result: dict[str, Any] = {
                "version": model.version,
                "path": str(folder),
                "status": "actif" if activate else "candidat",
                "seconds": model.metadata["training"]["seconds"],
                "metrics": evaluation.as_dict() | {"per_intent": None},
            }
        else:
            result = _train_with_db(settings, registry, activate=activate, tolerance=limit, options=options)
    except (EncoderUnavailable, ModelFileError) as exc:  # nothing activated: the previous model stays active
        _fail(f"{exc} Le modèle actif n'a pas changé.")
        return
    except DomainError as exc:
        _fail(f"{exc.message} Le modèle actif n'a pas changé.")
        return
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        metrics = result["metrics"]
        typer.echo(f"Modèle {result['version']} ({result['status']}) en {result['seconds']} s : {result['path']}")
        typer.echo(
            f"  exactitude {_pct(metrics['accuracy'])}, F1 macro {_pct(metrics['macro_f1'])}, rappel hors"
            f" périmètre {_pct(metrics['oos_recall'])}, ECE {metrics['ece']:.3f}"
        )
        if result.get("before"):
            typer.echo(f"  avant : exactitude {_pct(result['before']['accuracy'])} ({result.get('baseline')})")
        if result.get("note"):
            typer.echo(f"  {result['note']}")
    if result["status"] == "refuse":
        raise typer.Exit(1)


def _train_with_db(
    settings: Settings, registry: Any, *, activate: bool, tolerance: float, options: Any
) -> dict[str, Any]:
    from accueil.bootstrap import prepare_database
    from accueil.core.database import make_engine, make_sessionmaker
    from accueil.understanding import service

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.effective_database_url)
    prepare_database(settings, engine, demo=False)
    with make_sessionmaker(engine).begin() as session:
        row = service.train_candidate(session, registry, actor=None, source="cli", options=options)
        if activate:
            row = service.activate_version(session, registry, row.version, actor=None, max_accuracy_drop=tolerance)
        return {
            "version": row.version,
            "path": str(registry.root / row.version),
            "status": row.status,
            "seconds": row.metrics.get("seconds"),
            "metrics": row.metrics,
            "before": row.baseline_metrics,
            "baseline": row.baseline_version,
            "note": row.note,
        }


def _inputs(text: str | None) -> list[str]:
    if text is not None:
        return [text]
    lines = []
    for line in sys.stdin.buffer.read().decode("utf-8", errors="replace").splitlines():
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError:
            item = line
        lines.append(item.get("text", "") if isinstance(item, dict) else item if isinstance(item, str) else str(item))
    return lines


@nlu_app.command("parse")
def parse_command(
    text: Annotated[str | None, typer.Option("--text", help='Un message ; sinon des lignes JSON {"text": …}')] = None,
    public: Annotated[str | None, typer.Option(help="Code du public (filtre les intentions)")] = None,
    reference_date: Annotated[str | None, typer.Option("--date", help="Jour de référence AAAA-MM-JJ")] = None,
) -> None:
    """Analyse des messages : une ligne JSON par message."""
    from accueil.understanding.registry import ModelRegistry, ModelUnavailable, models_root

    today = None
    if reference_date:
        try:
            today = date.fromisoformat(reference_date)
        except ValueError:
            _fail("date invalide (format attendu : AAAA-MM-JJ).")
    try:
        engine = ModelRegistry(models_root(Settings())).engine()
    except ModelUnavailable as exc:
        _fail(exc.message)
        return
    for item in _inputs(text):
        typer.echo(json.dumps(engine.parse(item, public=public, today=today).as_dict(), ensure_ascii=False))


@nlu_app.command("eval")
def eval_command(
    data: Annotated[Path | None, typer.Option(help='JSONL {"text", "intent"} ; défaut : jeu de test fixe')] = None,
    version: Annotated[str | None, typer.Option(help="Version à évaluer (défaut : l'active)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON")] = False,
) -> None:
    """Évalue un modèle : exactitude, F1 macro, précision/rappel par intention, confusions, hors périmètre, ECE."""
    from accueil.understanding.artifact import ModelFileError
    from accueil.understanding.dataset import Example
    from accueil.understanding.embeddings import EncoderUnavailable
    from accueil.understanding.evaluation import format_report
    from accueil.understanding.registry import ModelRegistry, models_root
    from accueil.understanding.training import evaluate_model, test_split

    registry = ModelRegistry(models_root(Settings()))
    try:
        model = registry.load(version) if version else registry.engine().model
    except ModelFileError as exc:
        _fail(str(exc))
        return
    if data is None:
        examples, title = test_split(), "Jeu de test fixe"
    else:
        try:
            rows = [json.loads(line) for line in data.read_text(encoding="utf-8").splitlines() if line.strip()]
            examples = [Example(text=str(r["text"]), intent=str(r.get("intent") or "")) for r in rows]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            _fail(f'fichier illisible ({data}) : lignes JSON {{"text", "intent"}} attendues ({type(exc).__name__}).')
            return
        title = str(data)
    try:
        evaluation = evaluate_model(model, examples)
    except EncoderUnavailable as exc:
        _fail(str(exc))
        return
    if as_json:
        typer.echo(json.dumps({"version": model.version, **evaluation.as_dict()}, ensure_ascii=False, indent=2))
    else:
        typer.echo(format_report(evaluation, title=f"{title} — modèle {model.version}"))


@nlu_app.command("versions")
def versions_command() -> None:
    """Liste les versions de modèle présentes sur disque."""
    from accueil.understanding.registry import ModelRegistry, models_root

    registry = ModelRegistry(models_root(Settings()))
    active = registry.active_version()
    for manifest in registry.versions():
        split_metrics = (manifest.get("metadata") or {}).get("test_split") or {}
        mark = "*" if manifest["version"] == active else " "
        typer.echo(
            f"{mark} {manifest['version']}  {manifest['created_at']}  exactitude "
            f"{_pct(split_metrics.get('accuracy'))}  ({(manifest.get('metadata') or {}).get('source', '?')})"
        )


@nlu_app.command("activate")
def activate_command(
    version: str,
    tolerance: Annotated[float | None, typer.Option(help="Baisse d'exactitude tolérée (0.01 = 1 point)")] = None,
) -> None:
    """Active une version (refusée si son exactitude baisse au-delà de la tolérance)."""
    from accueil.bootstrap import prepare_database
    from accueil.core.database import make_engine, make_sessionmaker
    from accueil.core.errors import DomainError
    from accueil.understanding import service
    from accueil.understanding.registry import ModelRegistry, models_root

    settings = Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.effective_database_url)
    prepare_database(settings, engine, demo=False)
    limit = (
        tolerance
        if tolerance is not None
        else float(getattr(settings, "nlu_max_accuracy_drop", service.DEFAULT_MAX_ACCURACY_DROP))
    )
    try:
        with make_sessionmaker(engine).begin() as session:
            row = service.activate_version(
                session, ModelRegistry(models_root(settings)), version, actor=None, max_accuracy_drop=limit
            )
            status, note = row.status, row.note
    except DomainError as exc:
        _fail(exc.message)
        return
    if status == "refuse":
        _fail(f"activation refusée : {note}", code=1)
    typer.echo(f"Modèle {version} activé.")
