"""Live-chat fixtures: an always-open routing policy, an archive in tmp_path, agents with bearer tokens,
and WebSocket helpers that never wait forever."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from accueil.core.config import Settings
from accueil.livechat.archive import FileArchive
from accueil.routing import RoutingPolicy, load_policy
from accueil.web.app import create_app
from tests.conftest import bearer
from tests.livechat.clone import live_settings  # noqa: F401  (fixture)


@pytest.fixture
def lc_policy() -> RoutingPolicy:
    return replace(load_policy().always_open(), min_samples=1)


@pytest.fixture
def lc_archive(tmp_path: Path) -> FileArchive:
    return FileArchive(tmp_path / "archive")


@pytest.fixture
def live_app(
    live_settings: Settings,  # noqa: F811
    lc_policy: RoutingPolicy,
    lc_archive: FileArchive,
) -> Iterator[FastAPI]:
    """The app on its own committed database (WebSockets and HTTP run concurrently, as in production)."""
    app = create_app(live_settings, prepare=False)
    app.state.livechat_policy = lc_policy
    app.state.livechat_archive = lc_archive
    app.state.livechat_background = False  # tests drive the timers themselves
    yield app
    app.state.engine.dispose()


@pytest.fixture
def lc_client(live_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(live_app, base_url="http://testserver") as client:
        yield client


@pytest.fixture
def live_session(live_app: FastAPI) -> Iterator[Session]:
    """A session on the live database, to look behind the API (committed data)."""
    with live_app.state.sessionmaker() as session:
        yield session


class Agent:
    """An agent seen through the API: bearer token for HTTP, the same token as session cookie for WS."""

    def __init__(self, client: TestClient, email: str) -> None:
        self.client, self.email = client, email
        self.headers = bearer(client, email)
        self.token = self.headers["Authorization"].removeprefix("Bearer ")
        client.cookies.clear()

    def call(self, method: str, path: str, **kw: Any) -> Any:
        return self.client.request(method, f"/api/v1/livechat/agent{path}", headers=self.headers, **kw)

    def presence(self, value: str = "disponible") -> Any:
        response = self.call("POST", "/presence", json={"presence": value})
        assert response.status_code == 200, response.text
        return response.json()

    def socket(self) -> Any:
        self.client.cookies.clear()
        return self.client.websocket_connect(
            "/api/v1/livechat/ws/agent", headers={"cookie": f"accueil_session={self.token}"}
        )


def start_direct(client: TestClient, text: str = "Bonjour, j'ai besoin d'aide.", **body: Any) -> dict[str, Any]:
    payload = {"public": "RG", "skill": "attestations", "organisation": "URS_IDF", "text": text, **body}
    response = client.post("/api/v1/livechat/conversations", json=payload)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def usager_headers(token: str) -> dict[str, str]:
    return {"X-Conversation-Token": token}


def receive_until(
    ws: Any, predicate: Callable[[dict[str, Any]], bool], *, limit: int = 50, timeout: float = 10.0
) -> dict[str, Any]:
    """Read messages until one matches; fail (instead of hanging) after `limit` messages or `timeout` seconds."""
    seen: list[dict[str, Any]] = []
    for _ in range(limit):
        data = receive(ws, timeout)
        seen.append(data)
        if predicate(data):
            return data
    raise AssertionError(f"nothing matched in {limit} messages: {seen}")


def receive(ws: Any, timeout: float = 10.0) -> dict[str, Any]:
    box: list[str] = []
    reader = threading.Thread(target=lambda: box.append(ws.receive_text()), daemon=True)
    reader.start()
    reader.join(timeout)
    if not box:
        raise AssertionError(f"no message within {timeout}s")
    return json.loads(box[0])  # type: ignore[no-any-return]
