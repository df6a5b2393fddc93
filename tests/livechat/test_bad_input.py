"""Bad input: invalid transfers, unknown motifs, double clicks, closed conversations — a clear French message,
and no conversation lost or duplicated."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accueil.routing.models import QueueEntry
from tests.livechat.conftest import Agent, start_direct, usager_headers

pytestmark = pytest.mark.timeout(60)


def _assigned(client: TestClient, agent: Agent, **kw: str) -> tuple[int, str]:
    started = start_direct(client, **kw)
    conversation_id = agent.call("GET", "/inbox").json()["incoming"][0]["conversation_id"]
    assert agent.call("POST", f"/conversations/{conversation_id}/accept").status_code == 200
    return conversation_id, started["token"]


def test_invalid_transfers_keep_the_conversation(lc_client: TestClient, live_session: Session) -> None:
    agent = Agent(lc_client, "agent.idf@accueil.test")
    agent.presence()
    conversation_id, _ = _assigned(lc_client, agent)
    cases = [
        ({}, 422, "Choisissez un agent"),
        ({"agent_id": 999999}, 422, "pas un agent actif"),
        ({"skill": "astrologie"}, 422, "Compétence inconnue"),
        ({"organisation": "NOPE"}, 422, "Organisation inconnue"),
        ({"skill": "attestations"}, 422, "déjà dans cette file"),
        ({"skill": "controle"}, 409, "Aucun conseiller"),
        ({"organisation": "URS_PAC", "skill": "dsn_fiabilisation"}, 409, "Aucun conseiller"),
        ({"agent_id": 1, "skill": "controle"}, 422, "pas les deux"),
    ]
    for body, status, text in cases:
        response = agent.call("POST", f"/conversations/{conversation_id}/transfer", json=body)
        assert response.status_code == status, (body, response.text)
        assert text in response.json()["message"], (body, response.text)
    bruno = Agent(lc_client, "agent2.idf@accueil.test")  # offline: cannot receive a transfer
    response = agent.call("POST", f"/conversations/{conversation_id}/transfer", json={"agent_id": _id(bruno)})
    assert response.status_code == 409 and "hors ligne" in response.json()["message"]
    detail = agent.call("GET", f"/conversations/{conversation_id}").json()
    assert detail["status"] == "assigned" and detail["mine"] is True
    open_entries = live_session.scalar(
        select(func.count())
        .select_from(QueueEntry)
        .where(QueueEntry.conversation_id == conversation_id, QueueEntry.state.in_(["waiting", "taken"]))
    )
    assert open_entries == 1


def _id(agent: Agent) -> int:
    return int(agent.client.get("/api/v1/me", headers=agent.headers).json()["id"])


def test_transfer_to_an_agent_then_to_a_queue(lc_client: TestClient) -> None:
    agathe, bruno = Agent(lc_client, "agent.idf@accueil.test"), Agent(lc_client, "agent2.idf@accueil.test")
    agathe.presence()
    bruno.presence("pause")
    conversation_id, token = _assigned(lc_client, agathe, skill="recouvrement_amiable")
    moved = agathe.call(
        "POST",
        f"/conversations/{conversation_id}/transfer",
        json={"agent_id": _id(bruno), "note": "Échéancier en cours"},
    )
    assert moved.status_code == 200, moved.text
    assert agathe.call("POST", f"/conversations/{conversation_id}/messages", json={"text": "x"}).status_code == 409
    detail = bruno.call("GET", f"/conversations/{conversation_id}").json()
    assert detail["mine"] and "Échéancier en cours" in detail["notes"][0]["text"]
    requeued = bruno.call(
        "POST", f"/conversations/{conversation_id}/transfer", json={"skill": "gestion_compte_cotisant"}
    )
    assert requeued.status_code == 200, requeued.text
    state = lc_client.get("/api/v1/livechat/conversation", headers=usager_headers(token)).json()
    assert state["status"] == "queued" and state["position"] == 1
    assert all("Échéancier" not in m["text"] for m in state["messages"])


def test_close_and_usager_side_errors(lc_client: TestClient) -> None:
    agent = Agent(lc_client, "agent.idf@accueil.test")
    agent.presence()
    conversation_id, token = _assigned(lc_client, agent)
    headers = usager_headers(token)
    early = lc_client.post("/api/v1/livechat/conversation/rating", headers=headers, json={"value": 4})
    assert early.status_code == 409 and "pas encore terminée" in early.json()["message"]
    bad = agent.call("POST", f"/conversations/{conversation_id}/close", json={"motif": "inconnu", "resolved": True})
    assert bad.status_code == 422 and "Motif de clôture inconnu" in bad.json()["message"]
    body = {"motif": "demarche", "resolved": False}
    assert agent.call("POST", f"/conversations/{conversation_id}/close", json=body).status_code == 200
    assert agent.call("POST", f"/conversations/{conversation_id}/close", json=body).status_code == 200  # twice
    late = lc_client.post("/api/v1/livechat/conversation/messages", headers=headers, json={"text": "encore ?"})
    assert late.status_code == 409 and "plus" in late.json()["message"]
    assert lc_client.post("/api/v1/livechat/conversation/rating", headers=headers, json={"value": 2}).json() == {
        "rating": 2
    }
    assert lc_client.post("/api/v1/livechat/conversation/rating", headers=headers, json={"value": 5}).json() == {
        "rating": 2
    }
    out_of_range = lc_client.post("/api/v1/livechat/conversation/rating", headers=headers, json={"value": 9})
    assert out_of_range.status_code == 422 and out_of_range.json()["message"].startswith("Certaines données")


def test_cancel_while_waiting_returns_to_the_bot(lc_client: TestClient) -> None:
    Agent(lc_client, "agent.idf@accueil.test").presence("pause")
    started = start_direct(lc_client)
    headers = usager_headers(started["token"])
    assert lc_client.post("/api/v1/livechat/conversation/cancel", headers=headers).json() == {"status": "bot"}
    assert lc_client.post("/api/v1/livechat/conversation/cancel", headers=headers).json() == {"status": "bot"}
    bad = lc_client.post(
        "/api/v1/livechat/conversation/leave-message", headers=headers, json={"text": "Rappelez-moi", "email": "nope"}
    )
    assert bad.status_code == 422 and bad.json()["details"][0]["champ"] == "email"
    left = lc_client.post(
        "/api/v1/livechat/conversation/leave-message",
        headers=headers,
        json={"text": "Rappelez-moi", "email": "jean@example.org"},
    )
    assert left.status_code == 201 and len(left.json()["reference"]) == 8


def test_unstaffed_direct_start_says_so(lc_client: TestClient) -> None:
    started = start_direct(lc_client, organisation="URS_COR")
    assert started["outcome"]["status"] == "unstaffed"
    assert "laisser un message" in started["outcome"]["message"]
    refused = lc_client.post("/api/v1/livechat/conversations", json={"public": "XX", "text": "a", "skill": "x"})
    assert refused.status_code == 422 and "Public inconnu" in refused.json()["message"]
