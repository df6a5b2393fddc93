"""Two server processes (uvicorn on loopback), one database, Redis pub/sub between them: an agent connected
to process A chats with a usager connected to process B; queue positions agree across processes; when B
restarts, the usager resumes from its last message id and gets every message exactly once.
Needs Redis at ACCUEIL_TEST_REDIS_URL (CI: redis://127.0.0.1:6379/15); runs on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets
from bench.livechat.servers import Server, always_open_routing, free_port, server_env
from tests.livechat.clone import live_settings  # noqa: F401  (fixture)

from accueil.core.config import Settings

REDIS_URL = os.environ.get("ACCUEIL_TEST_REDIS_URL", "")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(180),
    pytest.mark.skipif(
        not REDIS_URL, reason="ACCUEIL_TEST_REDIS_URL absent : test multi-processus sur Redis non exécuté"
    ),
]


@pytest.fixture
def servers(
    live_settings: Settings,  # noqa: F811
    tmp_path: Path,
    nlu_model_dir: Path,
) -> Iterator[tuple[Server, Server]]:
    env = server_env(
        database_url=live_settings.effective_database_url,
        data_dir=live_settings.data_dir,
        redis_url=REDIS_URL,
        routing_file=always_open_routing(tmp_path / "routing.yaml"),
        ACCUEIL_NLU_MODEL_DIR=str(nlu_model_dir),
    )
    a = Server(free_port(), env, log=tmp_path / "a.log").start()
    b = Server(free_port(), env, log=tmp_path / "b.log").start()
    yield a, b
    a.stop()
    b.stop()


class Client:
    """A WebSocket client that keeps every message once (by id), as the real widgets do."""

    def __init__(self, url: str, headers: dict[str, str] | None = None) -> None:
        self.url, self.headers = url, headers or {}
        self.messages: dict[int, dict[str, Any]] = {}
        self.received_ids: list[int] = []  # every id seen on the wire, duplicates included
        self.events: list[dict[str, Any]] = []
        self.ws: Any = None
        self.task: asyncio.Task[None] | None = None

    async def open(self, after: int = 0) -> Client:
        url = f"{self.url}&after={after}" if "?" in self.url else self.url
        self.ws = await websockets.connect(url, additional_headers=self.headers, open_timeout=10)
        self.task = asyncio.create_task(self._read())
        return self

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                data = json.loads(raw)
                self.events.append(data)
                batch = data.get("messages", []) if data["type"] == "state" else [data.get("message")]
                for message in batch:
                    if message and "id" in message:
                        self.received_ids.append(message["id"])
                        self.messages.setdefault(message["id"], message)
        except websockets.ConnectionClosed:
            pass

    async def wait(self, predicate: Any, timeout: float = 15.0) -> dict[str, Any]:
        deadline = asyncio.get_running_loop().time() + timeout
        while asyncio.get_running_loop().time() < deadline:
            for event in self.events:
                if predicate(event):
                    return event
            await asyncio.sleep(0.05)
        raise AssertionError(f"not received in {timeout}s; last events: {self.events[-5:]}")

    def texts(self, kind: str) -> list[str]:
        return [m["text"] for _, m in sorted(self.messages.items()) if m["author_kind"] == kind]

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self.task is not None:
            await self.task


async def _scenario(a: Server, b: Server) -> None:
    async with httpx.AsyncClient(trust_env=False, timeout=20) as http:
        token = (
            await http.post(f"{a.base}/api/v1/auth/token", json={"email": "agent.idf@accueil.test", "password": _pw()})
        ).json()["token"]
        agent_headers = {"Authorization": f"Bearer {token}"}
        agent_api = f"{a.base}/api/v1/livechat/agent"
        assert (await http.post(f"{agent_api}/presence", json={"presence": "pause"}, headers=agent_headers)).is_success

        usagers = []
        for n, server in enumerate((b, a, b)):  # three usagers, alternating processes
            body = {"public": "RG", "skill": "attestations", "organisation": "URS_IDF", "text": f"usager {n}"}
            started = (await http.post(f"{server.base}/api/v1/livechat/conversations", json=body)).json()
            assert started["outcome"]["position"] == n + 1, started
            usagers.append(started)
        for n, started in enumerate(usagers):  # both processes agree on every position
            for server in (a, b):
                state = (
                    await http.get(
                        f"{server.base}/api/v1/livechat/conversation",
                        headers={"X-Conversation-Token": started["token"]},
                    )
                ).json()
                assert state["position"] == n + 1

        agent = await Client(f"{a.ws_base}/api/v1/livechat/ws/agent", {"Cookie": f"accueil_session={token}"}).open()
        first = await Client(f"{b.ws_base}/api/v1/livechat/ws/usager?token={usagers[0]['token']}").open()
        third = await Client(f"{b.ws_base}/api/v1/livechat/ws/usager?token={usagers[2]['token']}").open()
        await first.wait(lambda e: e["type"] == "state" and e["status"] == "queued")
        await agent.wait(lambda e: e["type"] == "inbox" and len(e["incoming"]) == 3)
        assert (
            await http.post(f"{agent_api}/presence", json={"presence": "disponible"}, headers=agent_headers)
        ).is_success
        inbox = (await http.get(f"{agent_api}/inbox", headers=agent_headers)).json()
        conversation_id = inbox["incoming"][0]["conversation_id"]
        accepted = await http.post(f"{agent_api}/conversations/{conversation_id}/accept", headers=agent_headers)
        assert accepted.status_code == 200, accepted.text

        await first.wait(lambda e: e["type"] == "state" and e["status"] == "assigned")  # A's accept, seen on B
        await third.wait(lambda e: e["type"] == "queue" and e["position"] == 2)  # positions move on B too

        for n in range(10):
            await http.post(
                f"{agent_api}/conversations/{conversation_id}/messages",
                json={"text": f"agent {n}", "client_id": f"a{n}"},
                headers=agent_headers,
            )
            await first.ws.send(json.dumps({"type": "message", "text": f"usager {n}", "client_id": f"u{n}"}))
        await first.wait(lambda e: e["type"] == "message" and e["message"]["text"] == "agent 9")
        await agent.wait(lambda e: e["type"] == "message" and e["message"]["text"] == "usager 9")
        assert first.texts("agent") == [f"agent {n}" for n in range(10)]
        from_usager = [
            e["message"]["text"]
            for e in agent.events
            if e["type"] == "message" and e["message"]["author_kind"] == "usager"
        ]
        assert from_usager == [f"usager {n}" for n in range(10)]  # each once, in order

        # process B goes away; the agent keeps writing; B comes back; the usager resumes from its last id
        last_id = max(first.messages)
        await first.close()
        await third.close()
        b.stop()
        for n in range(10, 15):
            await http.post(
                f"{agent_api}/conversations/{conversation_id}/messages",
                json={"text": f"agent {n}", "client_id": f"a{n}"},
                headers=agent_headers,
            )
        await asyncio.to_thread(b.start)  # the event loop keeps serving the open sockets meanwhile
        resumed = await Client(f"{b.ws_base}/api/v1/livechat/ws/usager?token={usagers[0]['token']}").open(after=last_id)
        resumed.messages = dict(first.messages)  # the client keeps what it had
        await resumed.wait(lambda e: e["type"] == "state")
        await resumed.ws.send(json.dumps({"type": "message", "text": "de retour", "client_id": "u-back"}))
        await http.post(
            f"{agent_api}/conversations/{conversation_id}/messages",
            json={"text": "agent 15", "client_id": "a15"},
            headers=agent_headers,
        )
        await resumed.wait(lambda e: e["type"] == "message" and e["message"]["text"] == "agent 15")
        await agent.wait(lambda e: e["type"] == "message" and e["message"]["text"] == "de retour")
        assert resumed.texts("agent") == [f"agent {n}" for n in range(16)]  # nothing lost, nothing twice
        fresh = [i for i in resumed.received_ids if i > last_id]
        assert len(fresh) == len(set(fresh))  # the server itself sent every new message once
        await resumed.close()
        await agent.close()


def _pw() -> str:
    from accueil.bootstrap import DEFAULT_DEMO_PASSWORD

    return os.environ.get("ACCUEIL_DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD)


def test_two_processes_on_redis(servers: tuple[Server, Server]) -> None:
    asyncio.run(_scenario(*servers))
