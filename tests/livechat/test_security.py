"""Agents see only their organisations' conversations (404 otherwise); usagers only their own (signed tokens);
WebSockets check the login and the origin; texts are escaped everywhere."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from accueil.livechat.tokens import usager_token
from tests.livechat.conftest import Agent, receive_until, start_direct, usager_headers

pytestmark = pytest.mark.timeout(60)
STATIC = Path(__file__).resolve().parents[2] / "src" / "accueil" / "web" / "static" / "livechat"


def test_other_region_agent_gets_404_everywhere(lc_client: TestClient) -> None:
    agathe = Agent(lc_client, "agent.idf@accueil.test")
    agathe.presence()
    started = start_direct(lc_client)
    paul = Agent(lc_client, "agent.paca@accueil.test")
    paul.presence()
    conversation_id = agathe.call("GET", "/inbox").json()["incoming"][0]["conversation_id"]
    assert all(i["conversation_id"] != conversation_id for i in paul.call("GET", "/inbox").json()["incoming"])
    for method, path, body in [
        ("GET", f"/conversations/{conversation_id}", None),
        ("POST", f"/conversations/{conversation_id}/accept", None),
        ("POST", f"/conversations/{conversation_id}/messages", {"text": "intrusion"}),
        ("POST", f"/conversations/{conversation_id}/notes", {"text": "intrusion"}),
        ("POST", f"/conversations/{conversation_id}/close", {"motif": "autre", "resolved": False}),
    ]:
        response = paul.call(method, path, json=body)
        assert response.status_code == 404, (path, response.text)
        assert response.json()["message"] == "Conversation introuvable."
    assert paul.call("GET", f"/kb?q=attestation&conversation_id={conversation_id}").status_code == 404
    supervisor = Agent(lc_client, "superviseur.paca@accueil.test")
    response = lc_client.post(
        f"/api/v1/livechat/supervision/conversations/{conversation_id}/reassign",
        json={"agent_id": paul.headers and None},
        headers=supervisor.headers,
    )
    assert response.status_code == 404
    assert started["outcome"]["status"] == "queued"


def test_usager_tokens_are_bound_to_one_conversation(lc_client: TestClient) -> None:
    Agent(lc_client, "agent.idf@accueil.test").presence()
    first, second = start_direct(lc_client, "premier"), start_direct(lc_client, "second")
    state = lc_client.get("/api/v1/livechat/conversation", headers=usager_headers(first["token"])).json()
    assert [m["text"] for m in state["messages"] if m["author_kind"] == "usager"] == ["premier"]
    assert second["conversation"] != first["conversation"]
    forged = first["token"][:-3] + ("AAA" if not first["token"].endswith("AAA") else "BBB")
    for token in (forged, "", "n'importe.quoi", usager_token("autre-secret", first["conversation"])):
        response = lc_client.get("/api/v1/livechat/conversation", headers=usager_headers(token))
        assert response.status_code == 401, token
        assert "conversation" in response.json()["message"]
    with (
        pytest.raises(WebSocketDisconnect) as refused,
        lc_client.websocket_connect(f"/api/v1/livechat/ws/usager?token={forged}") as ws,
    ):
        ws.receive_text()
    assert refused.value.code == 1008


def test_staff_websockets_need_login_role_and_same_origin(lc_client: TestClient) -> None:
    agent = Agent(lc_client, "agent.idf@accueil.test")
    lc_client.cookies.clear()
    with pytest.raises(WebSocketDisconnect), lc_client.websocket_connect("/api/v1/livechat/ws/agent") as ws:
        ws.receive_text()
    cookie = {"cookie": f"accueil_session={agent.token}"}
    with (
        pytest.raises(WebSocketDisconnect),
        lc_client.websocket_connect(
            "/api/v1/livechat/ws/agent", headers={**cookie, "origin": "https://evil.example"}
        ) as ws,
    ):
        ws.receive_text()
    with (
        pytest.raises(WebSocketDisconnect),
        lc_client.websocket_connect("/api/v1/livechat/ws/supervision", headers=cookie) as ws,
    ):  # an agent is not a supervisor
        ws.receive_text()
    with lc_client.websocket_connect(
        "/api/v1/livechat/ws/agent", headers={**cookie, "origin": "http://testserver"}
    ) as ws:
        assert receive_until(ws, lambda m: m["type"] == "inbox")["presence"] in {"hors_ligne", "disponible", "pause"}


def test_roles_on_pages_and_api(lc_client: TestClient) -> None:
    analyst = Agent(lc_client, "analyste@accueil.test")
    assert lc_client.get("/api/v1/livechat/agent/inbox", headers=analyst.headers).status_code == 403
    assert lc_client.get("/api/v1/livechat/supervision", headers=analyst.headers).status_code == 403
    assert lc_client.get("/api/v1/livechat/agent/inbox").status_code == 401
    assert lc_client.get("/console", follow_redirects=False).status_code == 303


def test_cookie_authenticated_writes_need_the_csrf_token(lc_client: TestClient) -> None:
    from tests.conftest import login

    login(lc_client, "agent.idf@accueil.test")
    assert lc_client.post("/api/v1/livechat/agent/presence", json={"presence": "pause"}).status_code == 403
    token = lc_client.cookies.get("accueil_csrf")
    page = lc_client.get("/console")
    assert page.status_code == 200 and 'data-csrf="' in page.text
    csrf = page.text.split('data-csrf="', 1)[1].split('"', 1)[0]
    ok = lc_client.post("/api/v1/livechat/agent/presence", json={"presence": "pause"}, headers={"X-CSRF-Token": csrf})
    assert ok.status_code == 200, (ok.text, token)


def test_scripts_never_inject_html() -> None:
    for script in STATIC.glob("*.js"):
        source = script.read_text(encoding="utf-8")
        assert "innerHTML" not in source, script
        assert "insertAdjacentHTML" not in source and "document.write" not in source, script
