"""`accueil chat --jsonl` and `accueil test conversations`, on a temporary data folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from accueil.assistant.ports import RegistryUnderstanding
from accueil.cli import app

CONVERSATIONS = Path(__file__).parent / "conversations"


@pytest.fixture
def env(tmp_path: Path, nlu: RegistryUnderstanding) -> dict[str, str]:
    return {"ACCUEIL_DATA_DIR": str(tmp_path), "ACCUEIL_NLU_MODEL_DIR": str(nlu._registry.root),
            "ACCUEIL_LOG_LEVEL": "ERROR", "ACCUEIL_DEMO_DATA": "false", "ACCUEIL_LLM_BASE_URL": ""}


def test_chat_jsonl(env: dict[str, str]) -> None:
    lines = "\n".join([
        json.dumps({"text": "comment déclarer mon chiffre d'affaires"}),
        json.dumps({"choice": "Non"}),
        "pas du json",
        json.dumps({"text": "je veux parler à un conseiller"}),
    ]) + "\n"
    result = CliRunner().invoke(app, ["chat", "--public", "AE", "--jsonl"], input=lines, env=env)
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.output.splitlines()]
    assert len(out) == 4
    assert out[0]["intent"] == "declaration_ca_ae_comment" and out[0]["replies"][0]["choices"]
    assert set(out[0]) == {"replies", "intent", "handoff", "satisfaction_asked", "ended"}
    assert set(out[0]["replies"][0]) == {"text", "choices", "sources"}
    assert "encaissé" in out[1]["replies"][0]["text"]
    assert "error" in out[2]
    assert out[3]["handoff"] is True


def test_test_conversations_command(env: dict[str, str]) -> None:
    result = CliRunner().invoke(app, ["test", "conversations", str(CONVERSATIONS / "05_contact_branches.yaml"),
                                      "--json"], env=env)
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["total"] == 1 and report["failed"] == 0


def test_test_conversations_reports_failures(env: dict[str, str], tmp_path: Path) -> None:
    script = tmp_path / "faux.yaml"
    script.write_text("name: faux\npublic: AE\nturns:\n  - say: bonjour\n    expect: {replies: [introuvable]}\n",
                      encoding="utf-8")
    result = CliRunner().invoke(app, ["test", "conversations", str(script)], env=env)
    assert result.exit_code == 1 and "ÉCHEC faux" in result.output and "introuvable" in result.output
