"""`accueil kb` content commands: offline check, demo loading, stats, export and import on a fresh database."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from accueil.core.config import Settings
from accueil.core.database import make_engine, make_sessionmaker
from accueil.identity.service import UserInput, create_user
from accueil.knowledge.cli import kb_app
from accueil.knowledge.loader import ARTICLES_DIR
from accueil.knowledge.search.embedder import HashingEmbedder, use_embedder

runner = CliRunner()


def test_check_reports_each_faulty_file(tmp_path: Path) -> None:
    shutil.copy(ARTICLES_DIR / "delais-traiter-demande.yaml", tmp_path)
    broken = yaml.safe_load((ARTICLES_DIR / "delais-traiter-demande.yaml").read_text(encoding="utf-8"))
    broken["slug"] = "article-casse"
    broken["tree"]["nodes"][0]["branches"][0]["next"] = "nulle_part"
    (tmp_path / "article-casse.yaml").write_text(yaml.safe_dump(broken, allow_unicode=True), encoding="utf-8")
    (tmp_path / "mal-forme.yaml").write_text("slug: [", encoding="utf-8")
    result = runner.invoke(kb_app, ["check", str(tmp_path)])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert set(report["erreurs"]) == {"article-casse.yaml", "mal-forme.yaml"}
    assert "nulle_part" in report["erreurs"]["article-casse.yaml"][0]["probleme"]
    assert report["articles"] == 1 and report["arbres_valides"] == 1


def test_seed_stats_export_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    for key, value in {
        "DATABASE_URL": url,
        "DATA_DIR": str(tmp_path),
        "ENVIRONMENT": "test",
        "LOG_JSON": "false",
        "LOG_LEVEL": "WARNING",
    }.items():
        monkeypatch.setenv(f"ACCUEIL_{key}", value)
    with use_embedder(HashingEmbedder()):
        seeded = runner.invoke(kb_app, ["seed-demo"])
        assert seeded.exit_code == 0, seeded.output
        assert json.loads(seeded.output)["articles_ajoutes_ou_mis_a_jour"] >= 90
        stats = json.loads(runner.invoke(kb_app, ["stats"]).output)
        assert stats["intentions_n1_non_couvertes"] == [] and stats["reponses_types"] >= 120
        exported = tmp_path / "delais.md"
        assert (
            runner.invoke(
                kb_app, ["export", "delais-traiter-demande", "--markdown", "--sortie", str(exported)]
            ).exit_code
            == 0
        )
        assert exported.read_text(encoding="utf-8").startswith("---\n")
        settings = Settings()
        with make_sessionmaker(make_engine(settings.effective_database_url)).begin() as session:
            create_user(
                session,
                UserInput(
                    email="r@test.fr",
                    full_name="R",
                    roles=("redacteur",),
                    organisation_codes=("UCN",),
                    password="Motdepasse-test-123",
                ),
                actor=None,
            )
        imported = runner.invoke(kb_app, ["import", str(exported), "--auteur", "r@test.fr"])
        assert imported.exit_code == 0, imported.output
        assert json.loads(imported.output)[0]["version"] == 2
        unknown = runner.invoke(kb_app, ["export", "inexistant"])
        assert unknown.exit_code == 2 and "introuvable" in unknown.output
