"""Pub/sub behind one Protocol: in-process by default, Redis pub/sub when settings.redis_url is set.

Publishing is synchronous and thread-safe (it runs right after a database commit, in a worker thread);
delivery calls `handler(channel, message)` in the event loop of the subscribing process.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable
from typing import Any, Protocol

log = logging.getLogger(__name__)
Handler = Callable[[str, dict[str, Any]], None]
RESYNC = "__resync__"  # delivered locally after a broker reconnection: clients reload from the database


class Broker(Protocol):
    async def start(self, handler: Handler) -> None: ...

    async def subscribe(self, channel: str) -> None: ...

    async def unsubscribe(self, channel: str) -> None: ...

    def publish(self, channel: str, message: dict[str, Any]) -> None: ...

    async def apublish(self, channel: str, message: dict[str, Any]) -> None: ...

    async def close(self) -> None: ...


class InProcessBroker:
    """Every publisher and subscriber live in this process (one server, tests, `make run`)."""

    def __init__(self) -> None:
        self._handler: Handler | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._channels: set[str] = set()

    async def start(self, handler: Handler) -> None:
        self._handler, self._loop = handler, asyncio.get_running_loop()

    async def subscribe(self, channel: str) -> None:
        self._channels.add(channel)

    async def unsubscribe(self, channel: str) -> None:
        self._channels.discard(channel)

    def publish(self, channel: str, message: dict[str, Any]) -> None:
        if self._loop is None or self._handler is None or channel not in self._channels or self._loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):  # the loop is shutting down
            self._loop.call_soon_threadsafe(self._handler, channel, message)

    async def apublish(self, channel: str, message: dict[str, Any]) -> None:
        if self._handler is not None and channel in self._channels:
            self._handler(channel, message)

    async def close(self) -> None:
        self._handler = None


class RedisBroker:
    """Redis pub/sub: every process subscribes to the channels its own connections need."""

    def __init__(self, url: str, *, prefix: str = "accueil:") -> None:
        import redis
        import redis.asyncio as aioredis

        self._url, self._prefix = url, prefix
        self._sync = redis.Redis.from_url(url)
        self._async = aioredis.Redis.from_url(url)
        self._pubsub: Any = None
        self._handler: Handler | None = None
        self._channels: set[str] = set()
        self._task: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()

    def _encode(self, message: dict[str, Any]) -> str:
        return json.dumps(message, ensure_ascii=False, separators=(",", ":"))

    async def start(self, handler: Handler) -> None:
        self._handler = handler
        self._pubsub = self._async.pubsub(ignore_subscribe_messages=True)
        self._task = asyncio.create_task(self._read(), name="redis-broker")

    async def subscribe(self, channel: str) -> None:
        async with self._lock:
            if channel not in self._channels:
                self._channels.add(channel)
                await self._pubsub.subscribe(self._prefix + channel)

    async def unsubscribe(self, channel: str) -> None:
        async with self._lock:
            if channel in self._channels:
                self._channels.discard(channel)
                await self._pubsub.unsubscribe(self._prefix + channel)

    def publish(self, channel: str, message: dict[str, Any]) -> None:
        self._sync.publish(self._prefix + channel, self._encode(message))

    async def apublish(self, channel: str, message: dict[str, Any]) -> None:
        await self._async.publish(self._prefix + channel, self._encode(message))

    async def _read(self) -> None:
        delay = 0.2
        while True:
            try:
                if not self._pubsub.subscribed:
                    await asyncio.sleep(0.05)
                    continue
                item = await self._pubsub.get_message(timeout=1.0)
                delay = 0.2
                if item is None or item.get("type") != "message" or self._handler is None:
                    continue
                channel = item["channel"].decode() if isinstance(item["channel"], bytes) else item["channel"]
                self._handler(channel.removeprefix(self._prefix), json.loads(item["data"]))
            except asyncio.CancelledError:
                raise
            except Exception:  # connection lost: resubscribe, then tell local clients to resync from the database
                log.warning("redis pub/sub connection lost, reconnecting", exc_info=True)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
                with contextlib.suppress(Exception):
                    async with self._lock:
                        self._pubsub = self._async.pubsub(ignore_subscribe_messages=True)
                        if self._channels:
                            await self._pubsub.subscribe(*(self._prefix + c for c in self._channels))
                    if self._handler is not None:
                        self._handler(RESYNC, {"type": "resync"})

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        with contextlib.suppress(Exception):
            await self._pubsub.aclose()
        with contextlib.suppress(Exception):
            await self._async.aclose()
        self._sync.close()


def make_broker(redis_url: str) -> Broker:
    return RedisBroker(redis_url) if redis_url else InProcessBroker()
