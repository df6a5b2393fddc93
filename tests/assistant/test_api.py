"""The chat API as the widget uses it: REST, WebSocket, tokens, limits, CORS, the widget files and the demo page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from accueil.assistant import tokens
from accueil.assistant.tokens import account_signature
from accueil.core.clock import utcnow
from accueil.core.config import Settings


def _start(chat: TestClient, **body: object) -> tuple[str, dict[str, str]]:
    response = chat.post("/api/v1/chat/conversations", json={"public": "AE", **body})
    assert response.status_code == 201, response.text
    data = response.json()
    return data["conversation_id"], {"X-Chat-Token": data["token"]}


def test_start_turn_resume(chat: TestClient) -> None:
    response = chat.post("/api/v1/chat/conversations", json={"public": "ae", "page": "https://partenaire.test/"})
    data = response.json()
    assert data["public"] == "AE" and data["replies"][0]["text"].startswith("Bonjour")
    assert response.headers["access-control-allow-origin"] == "*"
    cid, headers = data["conversation_id"], {"X-Chat-Token": data["token"]}
    turn = chat.post(f"/api/v1/chat/conversations/{cid}/turns", headers=headers,
                     json={"text": "comment déclarer mon chiffre d'affaires"}).json()
    assert turn["intent"] == "declaration_ca_ae_comment" and turn["handoff"] is False
    choice = turn["replies"][0]["choices"][1]
    turn = chat.post(f"/api/v1/chat/conversations/{cid}/turns", headers=headers,
                     json={"choice": choice["id"], "label": choice["label"]}).json()
    assert "encaissé" in turn["replies"][0]["text"]
    history = chat.get(f"/api/v1/chat/conversations/{cid}/messages?after=0", headers=headers).json()
    assert [m["author"] for m in history["messages"]] == ["bot", "usager", "bot", "usager", "bot"]
    assert history["messages"][3]["text"] == "Non" and history["status"] == "bot"
    later = chat.get(f"/api/v1/chat/conversations/{cid}/messages?after={turn['last_message_id']}", headers=headers)
    assert later.json()["messages"] == []


def test_generative_answer_with_sources_over_http(chat: TestClient) -> None:
    cid, headers = _start(chat, public="RG")
    turn = chat.post(f"/api/v1/chat/conversations/{cid}/turns", headers=headers,
                     json={"text": "Qu'est-ce que le Tese à usage partiel pour les extras ?"}).json()
    answer = turn["replies"][0]
    assert answer["sources"] and all(s["title"] for s in answer["sources"])
    assert turn["satisfaction_asked"] is True


@pytest.mark.parametrize("case", ["forged", "expired", "other", "missing"])
def test_bad_tokens_are_refused_in_french(chat: TestClient, settings: Settings, case: str) -> None:
    cid, headers = _start(chat)
    other, _ = _start(chat)
    token = headers["X-Chat-Token"]
    sent = {
        "forged": {"X-Chat-Token": token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")},
        "expired": {"X-Chat-Token": tokens.issue(settings.secret_key, cid, hours=1,
                                                 now=utcnow() - timedelta(hours=3))[0]},
        "other": {"X-Chat-Token": tokens.issue(settings.secret_key, other, hours=1)[0]},
        "missing": {},
    }[case]
    response = chat.post(f"/api/v1/chat/conversations/{cid}/turns", headers=sent, json={"text": "bonjour"})
    assert response.status_code == 401
    assert response.json()["erreur"] == "non_authentifie"
    assert "conversation" in response.json()["message"]
    assert response.headers["access-control-allow-origin"] == "*"


def test_token_helpers() -> None:
    token, _ = tokens.issue("secret", "conv-1", hours=1)
    assert tokens.verify("secret", token) == "conv-1"
    for bad in ("", "a.b.c", "x" * 500, "Zm9v.YmFy", token.replace(".", "")):
        with pytest.raises(Exception, match=r"invalide|absente"):
            tokens.verify("secret", bad)
    with pytest.raises(Exception, match="invalide"):
        tokens.verify("autre-secret", token)
    assert tokens.is_verified_account("s", "AE-1", account_signature("s", "AE-1"))
    assert not tokens.is_verified_account("s", "AE-2", account_signature("s", "AE-1"))


@pytest.mark.parametrize(("body", "status"), [
    ({}, 422), ({"text": "a", "choice": "b"}, 422), ({"text": "x" * 20_001}, 422), ({"dtmf": "abc"}, 422),
    ({"text": "bonjour", "evil": 1}, 422),
])
def test_malformed_turns(chat: TestClient, body: dict, status: int) -> None:
    cid, headers = _start(chat)
    response = chat.post(f"/api/v1/chat/conversations/{cid}/turns", headers=headers, json=body)
    assert response.status_code == status and response.json()["message"]


def test_empty_and_huge_messages_keep_the_conversation_going(chat: TestClient) -> None:
    cid, headers = _start(chat)
    url = f"/api/v1/chat/conversations/{cid}/turns"
    assert "vide" in chat.post(url, headers=headers, json={"text": "  "}).json()["replies"][0]["text"]
    assert "trop long" in chat.post(url, headers=headers, json={"text": "a " * 5000}).json()["replies"][0]["text"]
    xss = chat.post(url, headers=headers, json={"text": "<script>alert(1)</script>"})
    assert xss.status_code == 200
    ok = chat.post(url, headers=headers, json={"text": "comment déclarer mon chiffre d'affaires"}).json()
    assert ok["intent"] == "declaration_ca_ae_comment"


def test_flooding_one_conversation_is_limited(chat_app: FastAPI, chat: TestClient) -> None:
    cid, headers = _start(chat)
    limit = chat_app.state.assistant.kit.policies.limits.turns_per_minute_per_conversation
    codes = [chat.post(f"/api/v1/chat/conversations/{cid}/turns", headers=headers, json={"text": "bonjour"}).status_code
             for _ in range(limit + 2)]
    assert codes[:limit] == [200] * limit and codes[-1] == 429
    response = chat.post(f"/api/v1/chat/conversations/{cid}/turns", headers=headers, json={"text": "bonjour"})
    assert "patientez" in response.json()["message"]


def test_verified_account_from_the_host_page(chat: TestClient, settings: Settings) -> None:
    cid, headers = _start(chat, account={"ref": "AE-42", "signature": account_signature(settings.secret_key, "AE-42")})
    turn = chat.post(f"/api/v1/chat/conversations/{cid}/turns", headers=headers,
                     json={"text": "je veux parler à un conseiller"}).json()
    assert turn["handoff"] is True


def test_websocket_turns_typing_and_resume(chat: TestClient) -> None:
    _, headers = _start(chat)
    with chat.websocket_connect(f"/api/v1/chat/ws?token={headers['X-Chat-Token']}") as ws:
        ws.send_json({"type": "turn", "text": "comment déclarer mon chiffre d'affaires", "client_id": "t1"})
        assert ws.receive_json() == {"type": "typing"}
        replies = ws.receive_json()
        assert replies["type"] == "replies" and replies["intent"] == "declaration_ca_ae_comment"
        ws.send_json({"type": "turn", "text": "comment déclarer mon chiffre d'affaires", "client_id": "t1"})
        ws.receive_json()
        assert ws.receive_json()["replies"] == replies["replies"]  # a retried turn is answered once
        ws.send_json({"type": "resume", "after": 0})
        history = ws.receive_json()
        assert history["type"] == "messages" and len(history["messages"]) == 3
        ws.send_json({"type": "ping"})
        assert ws.receive_json() == {"type": "pong"}
        ws.send_text("pas du json")
        assert ws.receive_json()["status"] == 422
        ws.send_json({"type": "turn", "text": "a", "choice": "b"})
        assert ws.receive_json()["status"] == 422


def test_websocket_refuses_a_bad_token(chat: TestClient) -> None:
    with chat.websocket_connect("/api/v1/chat/ws?token=faux.jeton") as ws:
        error = ws.receive_json()
        assert error["type"] == "error" and error["status"] == 401 and "invalide" in error["message"]


def test_cors_preflight_and_openapi(chat: TestClient) -> None:
    response = chat.options("/api/v1/chat/conversations", headers={"Origin": "https://partenaire.test",
                                                                   "Access-Control-Request-Method": "POST"})
    assert response.status_code == 204 and "x-chat-token" in response.headers["access-control-allow-headers"]
    paths = chat.get("/openapi.json").json()["paths"]
    assert {"/api/v1/chat/conversations", "/api/v1/chat/conversations/{conversation_id}/turns",
            "/api/v1/chat/conversations/{conversation_id}/messages"} <= set(paths)


def test_widget_files_and_demo_page(chat: TestClient) -> None:
    script = chat.get("/widget/accueil-widget.js")
    assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
    assert chat.get("/widget/accueil-widget.css").status_code == 200
    page = chat.get("/demo?public=rg")
    assert page.status_code == 200
    assert 'src="/widget/accueil-widget.js" data-public="RG"' in page.text
    assert "chatbot non ouvert" in page.text  # MAR and others are marked
    assert 'data-public=""' in chat.get("/demo?public=<script>").text


def test_after_a_queued_handoff_the_live_chat_takes_over(chat_app: FastAPI, chat: TestClient) -> None:
    from tests.assistant.conftest import FakeRouter, with_router

    chat_app.state.assistant = with_router(chat_app.state.assistant, FakeRouter(queued=True, position=1))
    cid, headers = _start(chat)
    turn = chat.post(f"/api/v1/chat/conversations/{cid}/turns", headers=headers,
                     json={"choice": "handoff", "label": "Parler à un conseiller"}).json()
    assert turn["handoff"] is True and turn["status"] == "queued"
    quiet = chat.post(f"/api/v1/chat/conversations/{cid}/turns", headers=headers, json={"text": "allô ?"}).json()
    assert quiet["replies"] == [] and quiet["status"] == "queued"
    history = chat.get(f"/api/v1/chat/conversations/{cid}/messages", headers=headers).json()
    assert history["status"] == "queued" and history["messages"][-1]["text"] == "allô ?"
    token = headers["X-Chat-Token"]  # the same token opens the usager side of the live chat
    state = chat.get("/api/v1/livechat/conversation", headers={"X-Conversation-Token": token})
    assert state.status_code == 200 and state.json()["status"] == "queued"
