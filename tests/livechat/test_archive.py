"""Archive: retrievable by account (signed token or staff), retention and purge (logged, dry run), CLI."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from accueil.assistant.tokens import account_signature
from accueil.cli import app as cli_app
from accueil.core.clock import utcnow
from accueil.livechat.archive import FileArchive, purge
from accueil.livechat.runtime import runtime_of
from accueil.livechat.tokens import account_token
from tests.livechat.conftest import Agent, start_direct

pytestmark = pytest.mark.timeout(60)


def _closed_for_account(client: TestClient, secret: str, account: str) -> str:
    agent = Agent(client, "agent.idf@accueil.test")
    agent.presence()
    started = start_direct(
        client,
        "Ma question <script>alert(1)</script>",
        account=account,
        account_signature=account_signature(secret, account),
    )
    conversation_id = agent.call("GET", "/inbox").json()["incoming"][0]["conversation_id"]
    agent.call("POST", f"/conversations/{conversation_id}/accept")
    agent.call("POST", f"/conversations/{conversation_id}/notes", json={"text": "interne"})
    agent.call("POST", f"/conversations/{conversation_id}/close", json={"motif": "information", "resolved": True})
    return str(started["conversation"])


def test_account_api_with_signed_token_or_staff(lc_client: TestClient, live_app: FastAPI) -> None:
    secret = live_app.state.settings.secret_key
    public_id = _closed_for_account(lc_client, secret, "COMPTE-42")
    token = account_token(secret, "COMPTE-42")
    listed = lc_client.get("/api/v1/archive/conversations", params={"account": "COMPTE-42", "token": token})
    assert listed.status_code == 200, listed.text
    items = listed.json()["conversations"]
    assert [i["conversation"] for i in items] == [public_id]
    document = lc_client.get(items[0]["json"], headers={"X-Account-Token": token}).json()
    assert "internal_notes" not in document and document["qualification"]["resolved"] is True
    html = lc_client.get(items[0]["html"], params={"token": token})
    assert html.status_code == 200 and "&lt;script&gt;" in html.text and "<script>alert" not in html.text

    other = account_token(secret, "COMPTE-43")
    assert (
        lc_client.get("/api/v1/archive/conversations", params={"account": "COMPTE-42", "token": other}).status_code
        == 404
    )
    assert lc_client.get(items[0]["json"], params={"token": other}).status_code == 404
    assert lc_client.get(items[0]["json"], params={"token": "faux.jeton"}).status_code == 401
    assert lc_client.get("/api/v1/archive/conversations", params={"account": "COMPTE-42"}).status_code == 401
    expired = account_token(secret, "COMPTE-42", now=utcnow() - timedelta(hours=3))
    assert lc_client.get(items[0]["json"], params={"token": expired}).status_code == 401

    supervisor = Agent(lc_client, "superviseur.idf@accueil.test")
    staff = lc_client.get(items[0]["json"], headers=supervisor.headers).json()
    assert staff["internal_notes"][0]["text"] == "interne"
    paca = Agent(lc_client, "superviseur.paca@accueil.test")
    assert lc_client.get(items[0]["json"], headers=paca.headers).status_code == 404
    assert (
        lc_client.get("/api/v1/archive/conversations", params={"account": "COMPTE-42"}, headers=paca.headers).json()[
            "conversations"
        ]
        == []
    )


def test_purge_after_retention_logs_and_supports_dry_run(
    lc_client: TestClient, live_app: FastAPI, lc_archive: FileArchive, caplog: pytest.LogCaptureFixture
) -> None:
    public_id = _closed_for_account(lc_client, live_app.state.settings.secret_key, "COMPTE-7")
    rt = runtime_of(live_app)
    files = list(lc_archive.root.rglob("conversation.json"))
    assert len(files) == 1
    soon = utcnow() + timedelta(days=rt.policy.retention_days - 1)
    assert rt.tx(lambda s: purge(s, archive=lc_archive, now=soon)) == []
    later = utcnow() + timedelta(days=rt.policy.retention_days + 1)
    with caplog.at_level(logging.INFO, logger="accueil.livechat.archive"):
        planned = rt.tx(lambda s: purge(s, archive=lc_archive, now=later, dry_run=True))
        assert [p["public_id"] for p in planned] == [public_id] and files[0].exists()
        done = rt.tx(lambda s: purge(s, archive=lc_archive, now=later))
    assert [p["public_id"] for p in done] == [public_id] and not files[0].exists()
    assert any("purged" in r.getMessage() for r in caplog.records)
    assert rt.tx(lambda s: purge(s, archive=lc_archive, now=later)) == []  # once only


def test_cli_purge_dry_run(live_app: FastAPI, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    settings = live_app.state.settings
    monkeypatch.setenv("ACCUEIL_DATABASE_URL", settings.effective_database_url)
    monkeypatch.setenv("ACCUEIL_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("ACCUEIL_LOG_JSON", "false")
    result = CliRunner().invoke(cli_app, ["livechat", "purge", "--dry-run"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output.strip().splitlines()[-1])
    assert summary["simulation"] is True and summary["archives"] == 0
    token = CliRunner().invoke(cli_app, ["livechat", "account-token", "--account", "X"])
    assert token.exit_code == 0 and token.output.count(".") == 1
