"""Disconnections: the usager resumes from the last message id (nothing lost, nothing twice); an agent who
vanishes gets their conversations put back at the head of the queue after the grace period."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from accueil.core.clock import utcnow
from accueil.livechat.runtime import runtime_of
from accueil.routing import sweep
from tests.livechat.conftest import Agent, receive_until, start_direct, usager_headers

pytestmark = pytest.mark.timeout(60)


def test_usager_resumes_without_loss_or_duplicates(lc_client: TestClient) -> None:
    agent = Agent(lc_client, "agent.idf@accueil.test")
    agent.presence()
    started = start_direct(lc_client, "Première question")
    conversation_id = agent.call("GET", "/inbox").json()["incoming"][0]["conversation_id"]
    agent.call("POST", f"/conversations/{conversation_id}/accept")
    url = f"/api/v1/livechat/ws/usager?token={started['token']}"
    with lc_client.websocket_connect(url) as ws:
        state = receive_until(ws, lambda m: m["type"] == "state")
        seen = {m["id"] for m in state["messages"]}
    last = max(seen)
    for n in range(3):  # the agent writes while the usager is away
        agent.call("POST", f"/conversations/{conversation_id}/messages", json={"text": f"pendant l'absence {n}"})
    with lc_client.websocket_connect(f"{url}&after={last}") as ws:
        resumed = receive_until(ws, lambda m: m["type"] == "state")
        texts = [m["text"] for m in resumed["messages"] if m["id"] > last]
        assert texts == ["pendant l'absence 0", "pendant l'absence 1", "pendant l'absence 2"]
        ids = [m["id"] for m in resumed["messages"]]
        assert len(ids) == len(set(ids))  # a resend window may repeat old ids: the client drops them by id
        agent.call("POST", f"/conversations/{conversation_id}/messages", json={"text": "en direct"})
        live = receive_until(ws, lambda m: m["type"] == "message")
        assert live["message"]["text"] == "en direct" and live["message"]["id"] > max(ids)
        ws.send_json({"type": "resume", "after": live["message"]["id"]})
        again = receive_until(ws, lambda m: m["type"] == "state")
        assert all(m["id"] != live["message"]["id"] for m in again["messages"])  # already sent on this socket
    polled = lc_client.get(
        "/api/v1/livechat/conversation",
        params={"after": live["message"]["id"]},
        headers=usager_headers(started["token"]),
    ).json()
    assert all(m["id"] <= live["message"]["id"] for m in polled["messages"])  # nothing new, only the resend window


def test_positions_update_live_for_waiting_usagers(lc_client: TestClient) -> None:
    agent = Agent(lc_client, "agent.idf@accueil.test")
    agent.presence("pause")
    first, second = start_direct(lc_client, "un"), start_direct(lc_client, "deux")
    assert second["outcome"]["position"] == 2
    with lc_client.websocket_connect(f"/api/v1/livechat/ws/usager?token={second['token']}") as ws:
        assert receive_until(ws, lambda m: m["type"] == "state")["position"] == 2
        assert (
            lc_client.post("/api/v1/livechat/conversation/cancel", headers=usager_headers(first["token"])).status_code
            == 200
        )
        update = receive_until(ws, lambda m: m["type"] == "queue")
        assert update["position"] == 1 and "position 1" in update["message"]


def test_agent_gone_conversation_back_in_queue(lc_client: TestClient, live_app: FastAPI) -> None:
    agent = Agent(lc_client, "agent.idf@accueil.test")
    agent.presence()
    started = start_direct(lc_client)
    conversation_id = agent.call("GET", "/inbox").json()["incoming"][0]["conversation_id"]
    agent.call("POST", f"/conversations/{conversation_id}/accept")
    with lc_client.websocket_connect(f"/api/v1/livechat/ws/usager?token={started['token']}") as ws:
        assert receive_until(ws, lambda m: m["type"] == "state")["status"] == "assigned"
        rt = runtime_of(live_app)
        later = utcnow() + timedelta(seconds=rt.policy.agent_grace_s + 5)
        report = rt.tx(lambda s: sweep(s, policy=rt.policy, now=later))
        assert report.requeued == 1
        back = receive_until(ws, lambda m: m["type"] == "state" and m["status"] == "queued")
        assert back["position"] == 1
    state = lc_client.get("/api/v1/livechat/conversation", headers=usager_headers(started["token"])).json()
    assert "déconnecté" in state["messages"][-1]["text"] and state["status"] == "queued"
