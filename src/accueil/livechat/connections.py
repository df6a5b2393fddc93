"""WebSocket connections of this process: usager, agent and supervisor (queue positions: watchers.py).

Every connection listens to broker channels through the hub; what it receives goes through its own
bounded queue to the socket (a client too slow to read is disconnected and resumes from the database).
Messages carry their database id: clients drop the ids they already have.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from typing import Any

from fastapi import WebSocket
from sqlalchemy.orm import Session

from accueil.conversations.models import Conversation
from accueil.core.clock import utcnow
from accueil.core.errors import DomainError
from accueil.identity.access import Actor
from accueil.livechat import desk, supervision, usager
from accueil.livechat.broker import RESYNC
from accueil.livechat.hub import Debouncer
from accueil.livechat.runtime import LiveRuntime
from accueil.livechat.watchers import QUEUE_EVENT, watcher_join, watcher_leave
from accueil.routing import EntryState, agent_channel, conversation_channel, open_entry, organisation_channel, touch

MAX_PENDING = 2000


class Connection:
    def __init__(self, websocket: WebSocket, runtime: LiveRuntime) -> None:
        self.ws, self.rt = websocket, runtime
        self.pending: asyncio.Queue[tuple[str, dict[str, Any]]] = asyncio.Queue(maxsize=MAX_PENDING)
        self.too_slow = False

    def push(self, channel: str, message: dict[str, Any]) -> None:
        try:
            self.pending.put_nowait((channel, message))
        except asyncio.QueueFull:
            self.too_slow = True

    async def send(self, data: dict[str, Any]) -> None:
        await self.ws.send_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")))

    async def join(self, channel: str) -> None:
        await self.rt.hub.join(channel, self)

    async def leave(self, channel: str) -> None:
        await self.rt.hub.leave(channel, self)

    async def _pump(self) -> None:
        while True:
            channel, message = await self.pending.get()
            if self.too_slow:
                await self.ws.close(code=1013, reason="trop lent : reconnectez-vous")
                return
            await self.on_event(channel, message)

    async def serve(self) -> None:
        pump = asyncio.create_task(self._pump())
        try:
            await self.open()
            while True:
                raw = await self.ws.receive_text()
                try:
                    data = json.loads(raw)
                except ValueError:
                    await self.send({"type": "error", "message": "Message illisible (JSON attendu)."})
                    continue
                if not isinstance(data, dict):
                    continue
                if data.get("type") == "ping":
                    await self.send({"type": "pong"})
                    continue
                await self.on_client(data)
        finally:
            pump.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await pump
            await self.rt.hub.leave_all(self)
            await self.close()

    async def open(self) -> None: ...

    async def close(self) -> None: ...

    async def on_event(self, channel: str, message: dict[str, Any]) -> None: ...

    async def on_client(self, data: dict[str, Any]) -> None: ...


class Throttle:
    def __init__(self, every_s: float) -> None:
        self.every_s, self.last = every_s, 0.0

    def ready(self) -> bool:
        now = time.monotonic()
        if now - self.last < self.every_s:
            return False
        self.last = now
        return True


class UsagerConnection(Connection):
    def __init__(self, websocket: WebSocket, runtime: LiveRuntime, *, conversation_id: int, after_id: int) -> None:
        super().__init__(websocket, runtime)
        self.conversation_id, self.last_id = conversation_id, after_id
        self.sent: set[int] = set()
        self.queue_key: tuple[int, str] | None = None
        self.typing = Throttle(2.0)

    def _snapshot(self, session: Session) -> tuple[dict[str, Any], tuple[int, str] | None]:
        conversation = session.get(Conversation, self.conversation_id)
        assert conversation is not None
        now = utcnow()
        state = usager.state(session, conversation, policy=self.rt.policy, now=now, after_id=self.last_id)
        entry = open_entry(session, conversation.id)
        if entry is not None and entry.state == EntryState.WAITING.value:
            entry.usager_seen_at = now
            return state, (entry.organisation_id, entry.skill)
        return state, None

    async def refresh(self) -> None:
        state, key = await self.rt.run(self._snapshot)
        messages = [m for m in state.pop("messages") if m["id"] not in self.sent]
        await self.send({"type": "state", **state, "messages": messages})
        self._remember(messages)
        if key != self.queue_key:
            if self.queue_key is not None:
                await watcher_leave(self.rt, self.queue_key, self)
            if key is not None:
                await watcher_join(self.rt, key, self)
            self.queue_key = key

    def _remember(self, messages: list[dict[str, Any]]) -> None:
        for m in messages:
            self.sent.add(m["id"])
            self.last_id = max(self.last_id, m["id"])

    async def open(self) -> None:
        self.rt.usagers[self.conversation_id] += 1
        await self.join(conversation_channel(self.conversation_id))
        await self.refresh()

    async def close(self) -> None:
        self.rt.usagers[self.conversation_id] -= 1
        if self.rt.usagers[self.conversation_id] <= 0:
            del self.rt.usagers[self.conversation_id]
        if self.queue_key is not None:
            await watcher_leave(self.rt, self.queue_key, self)

    async def on_event(self, channel: str, message: dict[str, Any]) -> None:
        kind = message.get("type")
        if kind == "message":
            item = message["message"]
            if item["id"] not in self.sent:
                self._remember([item])
                await self.send(message)
        elif kind == "typing" and message.get("who") == "agent":
            await self.send(message)
        elif kind == "status" or channel == RESYNC:
            await self.refresh()
        elif channel == QUEUE_EVENT:
            await self.send(message)

    async def on_client(self, data: dict[str, Any]) -> None:
        kind = data.get("type")
        try:
            if kind == "message":
                text, client_id = str(data.get("text", "")), str(data.get("client_id", ""))[:64]

                def post(session: Session) -> int:
                    conversation = session.get(Conversation, self.conversation_id)
                    assert conversation is not None
                    return usager.usager_message(session, conversation, text=text, client_id=client_id).id

                message_id = await self.rt.run(post)
                await self.send({"type": "ack", "client_id": client_id, "id": message_id})
            elif kind == "typing" and self.typing.ready():
                await self.rt.broker.apublish(
                    conversation_channel(self.conversation_id), {"type": "typing", "who": "usager"}
                )
            elif kind == "resume":
                self.last_id = int(data.get("after", self.last_id) or 0)
                await self.refresh()
        except DomainError as error:  # shown to the usager; the connection stays open
            await self.send({"type": "error", "message": error.message})


class AgentConnection(Connection):
    def __init__(self, websocket: WebSocket, runtime: LiveRuntime, *, actor: Actor) -> None:
        super().__init__(websocket, runtime)
        self.actor = actor
        self.conversations: set[int] = set()
        self.inbox = Debouncer(0.3, self.send_inbox)
        self.typing = Throttle(2.0)

    async def send_inbox(self) -> None:
        snapshot = await self.rt.run(lambda s: desk.inbox(s, self.actor, now=utcnow()))
        for item in snapshot["mine"]:
            if item["conversation_id"] not in self.conversations:
                self.conversations.add(item["conversation_id"])
                await self.join(conversation_channel(item["conversation_id"]))
        await self.send({"type": "inbox", **snapshot})

    async def open(self) -> None:
        self.rt.agents[self.actor.user_id] += 1
        await self.rt.run(lambda s: touch(s, [self.actor.user_id], now=utcnow()))  # alive now, not at next beat
        await self.join(agent_channel(self.actor.user_id))
        for organisation_id in self.actor.organisation_ids:
            await self.join(organisation_channel(organisation_id))
        await self.send_inbox()

    async def close(self) -> None:
        self.inbox.cancel()
        self.rt.agents[self.actor.user_id] -= 1
        if self.rt.agents[self.actor.user_id] <= 0:
            del self.rt.agents[self.actor.user_id]

    async def on_event(self, channel: str, message: dict[str, Any]) -> None:
        kind = message.get("type")
        if channel.startswith("conv:"):
            conversation_id = int(channel.split(":", 1)[1])
            if kind == "typing" and message.get("who") != "usager":
                return
            await self.send({**message, "conversation_id": conversation_id})
            if kind == "status":
                self.inbox.trigger()
            return
        if kind == "assigned":
            conversation_id = int(message["conversation_id"])
            if conversation_id not in self.conversations:
                self.conversations.add(conversation_id)
                await self.join(conversation_channel(conversation_id))
        elif kind == "released":
            conversation_id = int(message["conversation_id"])
            self.conversations.discard(conversation_id)
            await self.leave(conversation_channel(conversation_id))
        if kind != "inbox_changed":
            await self.send(message)
        self.inbox.trigger()

    async def on_client(self, data: dict[str, Any]) -> None:
        if data.get("type") == "message":  # the console's fast path (HTTP POST .../messages does the same)
            conversation_id = int(data.get("conversation_id") or 0)
            text, client_id = str(data.get("text", "")), str(data.get("client_id", ""))[:64]
            try:
                message_id = await self.rt.run(
                    lambda s: desk.send(s, self.actor, conversation_id, text=text, client_id=client_id).id
                )
            except DomainError as error:
                await self.send({"type": "error", "client_id": client_id, "message": error.message})
                return
            await self.send(
                {"type": "ack", "client_id": client_id, "id": message_id, "conversation_id": conversation_id}
            )
        elif data.get("type") == "typing" and self.typing.ready():
            conversation_id = int(data.get("conversation_id") or 0)
            if conversation_id in self.conversations:
                name = usager.first_name(self.actor.full_name)
                await self.rt.broker.apublish(
                    conversation_channel(conversation_id), {"type": "typing", "who": "agent", "name": name}
                )


class SupervisorConnection(Connection):
    def __init__(
        self, websocket: WebSocket, runtime: LiveRuntime, *, actor: Actor, organisation_ids: list[int]
    ) -> None:
        super().__init__(websocket, runtime)
        self.actor, self.organisation_ids = actor, organisation_ids
        self.refresher = Debouncer(1.0, self.send_snapshot)
        self.ticker: asyncio.Task[None] | None = None

    async def send_snapshot(self) -> None:
        data = await self.rt.run(lambda s: supervision.snapshot(s, self.actor, policy=self.rt.policy, now=utcnow()))
        await self.send({"type": "snapshot", **data})

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(5.0)
            self.refresher.trigger()

    async def open(self) -> None:
        for organisation_id in self.organisation_ids:
            await self.join(organisation_channel(organisation_id))
        await self.send_snapshot()
        self.ticker = asyncio.create_task(self._tick())

    async def close(self) -> None:
        self.refresher.cancel()
        if self.ticker is not None:
            self.ticker.cancel()

    async def on_event(self, channel: str, message: dict[str, Any]) -> None:
        self.refresher.trigger()
