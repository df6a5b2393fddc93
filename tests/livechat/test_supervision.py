"""Supervision: scoped live figures, service level, abandonment, reassignment; pages render."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.livechat.conftest import Agent, receive_until, start_direct, usager_headers

pytestmark = pytest.mark.timeout(60)


def test_snapshot_is_scoped_and_counts(lc_client: TestClient) -> None:
    agathe = Agent(lc_client, "agent.idf@accueil.test")
    agathe.presence()
    taken = start_direct(lc_client, "pris")
    conversation_id = agathe.call("GET", "/inbox").json()["incoming"][0]["conversation_id"]
    agathe.call("POST", f"/conversations/{conversation_id}/accept")
    agathe.presence("pause")
    abandoned = start_direct(lc_client, "abandon")
    lc_client.post("/api/v1/livechat/conversation/cancel", headers=usager_headers(abandoned["token"]))
    start_direct(lc_client, "en attente")
    Agent(lc_client, "agent.paca@accueil.test").presence("pause")
    start_direct(lc_client, "paca", organisation="URS_PAC", skill="declaration")

    idf = Agent(lc_client, "superviseur.idf@accueil.test")
    snapshot = lc_client.get("/api/v1/livechat/supervision", headers=idf.headers).json()
    assert [q["queue_id"] for q in snapshot["queues"]] == ["URS_IDF:attestations"]
    assert snapshot["waiting_total"] == 1
    level = snapshot["service_level"]
    assert level["taken"] == 1 and level["taken_in_time"] == 1 and level["abandoned"] == 1
    assert level["percent"] == 50.0 and level["abandonment_percent"] == 50.0
    names = {a["name"] for a in snapshot["agents"]}
    assert "Agathe Agent" in names and "Paul Agent" not in names
    assert next(a for a in snapshot["agents"] if a["name"] == "Agathe Agent")["load"] == 1
    assert taken["outcome"]["position"] == 1

    with lc_client.websocket_connect(
        "/api/v1/livechat/ws/supervision", headers={"cookie": f"accueil_session={idf.token}"}
    ) as ws:
        live = receive_until(ws, lambda m: m["type"] == "snapshot")
        assert live["waiting_total"] == 1
        moved = lc_client.post(
            f"/api/v1/livechat/supervision/conversations/{conversation_id}/reassign",
            json={"agent_id": None},
            headers=idf.headers,
        )
        assert moved.status_code == 200 and moved.json()["status"] == "queued"
        assert receive_until(ws, lambda m: m["type"] == "snapshot" and m["waiting_total"] == 2)


def test_pages_render_for_their_roles(lc_client: TestClient) -> None:
    from tests.conftest import login

    assert "Parler à un conseiller" in lc_client.get("/livechat").text
    login(lc_client, "agent.idf@accueil.test")
    console = lc_client.get("/console")
    assert console.status_code == 200 and 'aria-live="polite"' in console.text and "Information donnée" in console.text
    assert lc_client.get("/supervision").status_code == 403
    lc_client.post("/deconnexion", data={"csrf_token": lc_client.cookies.get("accueil_csrf", "")})
    lc_client.cookies.clear()
    login(lc_client, "superviseur.idf@accueil.test")
    page = lc_client.get("/supervision")
    assert page.status_code == 200 and "Niveau de service" in page.text
    assert "/supervision" in lc_client.get("/").text
