"""The connections of this process and the channels they listen to (one broker subscription per channel)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from accueil.livechat.broker import RESYNC, Broker


class Listener(Protocol):
    def push(self, channel: str, message: dict[str, Any]) -> None: ...


class Hub:
    def __init__(self, broker: Broker) -> None:
        self.broker = broker
        self._listeners: dict[str, set[Listener]] = {}
        self._lock = asyncio.Lock()

    async def start(self) -> None:
        await self.broker.start(self._deliver)

    async def join(self, channel: str, listener: Listener) -> None:
        async with self._lock:
            listeners = self._listeners.setdefault(channel, set())
            if not listeners:
                await self.broker.subscribe(channel)
            listeners.add(listener)

    async def leave(self, channel: str, listener: Listener) -> None:
        async with self._lock:
            listeners = self._listeners.get(channel)
            if listeners is None or listener not in listeners:
                return
            listeners.discard(listener)
            if not listeners:
                del self._listeners[channel]
                await self.broker.unsubscribe(channel)

    async def leave_all(self, listener: Listener) -> None:
        for channel in [c for c, ls in list(self._listeners.items()) if listener in ls]:
            await self.leave(channel, listener)

    def _deliver(self, channel: str, message: dict[str, Any]) -> None:
        if channel == RESYNC:
            targets = {listener for listeners in self._listeners.values() for listener in listeners}
        else:
            targets = set(self._listeners.get(channel, ()))
        for listener in targets:
            listener.push(channel, message)

    @property
    def channel_count(self) -> int:
        return len(self._listeners)


class Debouncer:
    """Run `action` once, `delay` seconds after the first of a burst of triggers."""

    def __init__(self, delay: float, action: Callable[[], Awaitable[None]]) -> None:
        self._delay, self._action = delay, action
        self._task: asyncio.Task[None] | None = None

    def trigger(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        await asyncio.sleep(self._delay)
        await self._action()

    def cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()

    async def wait(self) -> None:
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
