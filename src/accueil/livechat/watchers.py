"""Queue watchers: one per queue and per process. A change in the queue recomputes, in one query, the
position and wait range of every usager of this process waiting in it, instead of one query per usager."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from accueil.core.clock import utcnow
from accueil.livechat.broker import RESYNC
from accueil.livechat.hub import Debouncer
from accueil.livechat.runtime import LiveRuntime
from accueil.routing import estimate_position, position_message, queue_channel, ranked, staffing_for

if TYPE_CHECKING:
    from accueil.livechat.connections import UsagerConnection

QUEUE_EVENT = "__queue__"


class QueueWatcher:
    """One per queue per process: a change in the queue recomputes every local usager's position at once."""

    def __init__(self, runtime: LiveRuntime, key: tuple[int, str]) -> None:
        self.rt, self.key = runtime, key
        self.members: dict[int, set[UsagerConnection]] = {}
        self.debouncer = Debouncer(0.25, self.recompute)

    def push(self, channel: str, message: dict[str, Any]) -> None:
        self.debouncer.trigger()

    def _positions(self, session: Session) -> dict[int, dict[str, Any]]:
        entries = ranked(session, *self.key)
        if not entries:
            return {}
        staffing = staffing_for(session, entries[0], policy=self.rt.policy, now=utcnow())
        result = {}
        for rank, entry in enumerate(entries, start=1):
            if entry.conversation_id in self.members:
                estimate = estimate_position(rank, staffing, self.rt.policy)
                result[entry.conversation_id] = {
                    "type": "queue",
                    "position": rank,
                    "wait_estimate": estimate.as_dict() if estimate else None,
                    "message": position_message(rank, estimate),
                }
        return result

    async def recompute(self) -> None:
        if not self.members:
            return
        positions = await self.rt.run(self._positions)
        for conversation_id, connections in list(self.members.items()):
            update = positions.get(conversation_id)
            for connection in list(connections):
                if update is None:
                    connection.push(RESYNC, {"type": "resync"})  # taken, moved or gone: reload its state
                else:
                    connection.push(QUEUE_EVENT, update)


async def watcher_join(runtime: LiveRuntime, key: tuple[int, str], connection: UsagerConnection) -> None:
    watcher = runtime.watchers.get(key)
    if watcher is None:
        watcher = runtime.watchers[key] = QueueWatcher(runtime, key)
        await runtime.hub.join(queue_channel(*key), watcher)
    watcher.members.setdefault(connection.conversation_id, set()).add(connection)


async def watcher_leave(runtime: LiveRuntime, key: tuple[int, str], connection: UsagerConnection) -> None:
    watcher = runtime.watchers.get(key)
    if watcher is None:
        return
    members = watcher.members.get(connection.conversation_id, set())
    members.discard(connection)
    if not members:
        watcher.members.pop(connection.conversation_id, None)
    if not watcher.members:
        runtime.watchers.pop(key, None)
        watcher.debouncer.cancel()
        await runtime.hub.leave(queue_channel(*key), watcher)
