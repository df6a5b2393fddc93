"""The whole live chat through its public surfaces: usager API + WebSocket, agent API + WebSocket, archive."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from accueil.livechat.archive import FileArchive
from tests.livechat.conftest import Agent, receive_until, start_direct, usager_headers

pytestmark = pytest.mark.timeout(60)


def test_direct_chat_from_queue_to_archive(lc_client: TestClient, lc_archive: FileArchive) -> None:
    agent = Agent(lc_client, "agent.idf@accueil.test")
    agent.presence("disponible")
    with agent.socket() as agent_ws:
        first = receive_until(agent_ws, lambda m: m["type"] == "inbox")
        assert first["presence"] == "disponible"
        started = start_direct(lc_client, "Je n'arrive pas à obtenir mon attestation <b>vigilance</b>.")
        outcome = started["outcome"]
        assert outcome["status"] == "queued" and outcome["position"] == 1
        assert outcome["queue_id"] == "URS_IDF:attestations"
        token = started["token"]
        inbox = receive_until(agent_ws, lambda m: m["type"] == "inbox" and m["incoming"])
        conversation_id = inbox["incoming"][0]["conversation_id"]
        assert inbox["incoming"][0]["offered_to_me"] is True

        with lc_client.websocket_connect(f"/api/v1/livechat/ws/usager?token={token}") as usager_ws:
            state = receive_until(usager_ws, lambda m: m["type"] == "state")
            assert state["status"] == "queued" and state["position"] == 1
            assert [m["author_kind"] for m in state["messages"]][:1] == ["usager"]

            accepted = agent.call("POST", f"/conversations/{conversation_id}/accept")
            assert accepted.status_code == 200, accepted.text
            assert accepted.json()["mine"] is True
            assert agent.call("POST", f"/conversations/{conversation_id}/accept").status_code == 200  # double click
            status = receive_until(usager_ws, lambda m: m["type"] == "state" and m["status"] == "assigned")
            assert status["agent_name"] == "Agathe"

            sent = agent.call(
                "POST",
                f"/conversations/{conversation_id}/messages",
                json={"text": "Bonjour, je regarde.", "client_id": "a1"},
            )
            assert sent.status_code == 201
            again = agent.call(
                "POST",
                f"/conversations/{conversation_id}/messages",
                json={"text": "Bonjour, je regarde.", "client_id": "a1"},
            )
            assert again.json()["id"] == sent.json()["id"]  # retried send: stored once
            got = receive_until(usager_ws, lambda m: m["type"] == "message" and m["message"]["author_kind"] == "agent")
            assert got["message"]["text"] == "Bonjour, je regarde." and got["message"]["author_name"] == "Agathe"

            usager_ws.send_json({"type": "typing"})
            receive_until(agent_ws, lambda m: m["type"] == "typing" and m["conversation_id"] == conversation_id)
            agent_ws.send_json({"type": "typing", "conversation_id": conversation_id})
            receive_until(usager_ws, lambda m: m["type"] == "typing" and m["who"] == "agent")

            usager_ws.send_json({"type": "message", "text": "Merci !", "client_id": "u1"})
            ack = receive_until(usager_ws, lambda m: m["type"] == "ack")
            echoed = receive_until(
                agent_ws, lambda m: m["type"] == "message" and m["message"]["author_kind"] == "usager"
            )
            assert echoed["message"]["id"] == ack["id"] and echoed["message"]["text"] == "Merci !"

            agent_ws.send_json(
                {"type": "message", "conversation_id": conversation_id, "text": "Par le socket", "client_id": "w1"}
            )
            acked = receive_until(agent_ws, lambda m: m["type"] == "ack" and m["client_id"] == "w1")
            over_ws = receive_until(
                usager_ws, lambda m: m["type"] == "message" and m["message"]["text"] == "Par le socket"
            )
            assert over_ws["message"]["id"] == acked["id"]
            agent_ws.send_json({"type": "message", "conversation_id": 999999, "text": "x", "client_id": "w2"})
            assert "introuvable" in receive_until(agent_ws, lambda m: m["type"] == "error")["message"]

            note = agent.call("POST", f"/conversations/{conversation_id}/notes", json={"text": "Note interne secrète"})
            assert note.status_code == 201
            closed = agent.call(
                "POST", f"/conversations/{conversation_id}/close", json={"motif": "information", "resolved": True}
            )
            assert closed.status_code == 200, closed.text
            receive_until(usager_ws, lambda m: m["type"] == "state" and m["status"] == "closed")

    state = lc_client.get("/api/v1/livechat/conversation", headers=usager_headers(token)).json()
    assert all("secrète" not in m["text"] for m in state["messages"])  # internal notes never reach the usager
    rated = lc_client.post(
        "/api/v1/livechat/conversation/rating", headers=usager_headers(token), json={"value": 5, "comment": "Parfait"}
    )
    assert rated.status_code == 200 and rated.json()["rating"] == 5

    public_id = started["conversation"]
    archived = list(lc_archive.root.rglob("conversation.json"))
    assert len(archived) == 1
    document = json.loads(archived[0].read_text(encoding="utf-8"))
    assert document["rating"]["value"] == 5
    assert document["qualification"]["motif"] == "information"
    assert {m["author_kind"] for m in document["messages"]} >= {"usager", "agent", "system"}
    assert document["internal_notes"][0]["text"] == "Note interne secrète"
    html = (archived[0].parent / "transcript.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;vigilance&lt;/b&gt;" in html and "<b>vigilance" not in html and "secrète" not in html

    staff = lc_client.get(f"/api/v1/archive/conversations/{public_id}", headers=agent.headers)
    assert staff.status_code == 200 and staff.json()["internal_notes"]
