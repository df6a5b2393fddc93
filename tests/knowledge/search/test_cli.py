"""`accueil kb search` and `accueil kb import-docs` on a fresh SQLite database (Typer CliRunner)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from accueil.cli import app


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ACCUEIL_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.setenv("ACCUEIL_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ACCUEIL_LOG_JSON", "false")
    monkeypatch.setenv("ACCUEIL_LOG_LEVEL", "WARNING")
    return tmp_path


def test_import_then_search(env: Path) -> None:
    folder = env / "docs"
    folder.mkdir()
    (folder / "vigilance.md").write_text(
        "---\ntitle: Attestation de vigilance\nurl: https://www.urssaf.fr\n---\n\n## Obtenir l'attestation\n\n"
        "L'attestation de vigilance se télécharge dans l'espace en ligne du cotisant à jour.\n",
        encoding="utf-8",
    )
    (folder / "notes.xyz").write_text("rien", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(app, ["kb", "import-docs", str(folder), "--collection", "faq"])
    assert result.exit_code == 1  # one file failed: the unsupported one
    assert "[1/2] notes.xyz : échec" in result.output and "[2/2] vigilance.md : importé" in result.output

    again = runner.invoke(app, ["kb", "import-docs", str(folder / "vigilance.md"), "--collection", "faq", "--json"])
    assert again.exit_code == 0 and json.loads(again.stdout)["inchanges"] == 1

    found = runner.invoke(app, ["kb", "search", "attestations vigilance", "--limit", "3", "--json"])
    assert found.exit_code == 0, found.output
    body = json.loads(found.stdout)
    first = body["results"][0]
    assert first["rank"] == 1 and first["kind"] == "document" and first["title"].startswith("Attestation de vigilance")
    assert "attestation" in first["snippet"].lower() and first["score"] > 0

    text = runner.invoke(app, ["kb", "search", "vigilance", "--mode", "lexical", "--public", "RG"])
    assert "1. [document] Attestation de vigilance" in text.output


def test_errors_are_french(env: Path) -> None:
    result = CliRunner().invoke(app, ["kb", "search", "dsn", "--mode", "magique"])
    assert result.exit_code == 2 and "Mode de recherche inconnu" in result.output
    bad = CliRunner().invoke(app, ["kb", "import-docs", str(env), "--collection", "romans"])
    assert bad.exit_code == 2 and "Collection inconnue" in bad.output
