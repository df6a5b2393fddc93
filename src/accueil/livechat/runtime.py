"""The live-chat runtime of one process: broker, hub, queue watchers, heartbeats and the periodic sweeper.

Built by the lifespan of the live-chat router (app.state.livechat); background loops run only when the
app's sessionmaker is bound to an engine (not in tests, where it is bound to one shared connection).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import anyio
from fastapi import FastAPI
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from accueil.core.clock import utcnow
from accueil.livechat.archive import Archive, FileArchive, archive_pending
from accueil.livechat.broker import Broker, make_broker
from accueil.livechat.hub import Hub
from accueil.livechat.tx import run_tx
from accueil.routing import (
    RoutingPolicy,
    load_policy,
    register_publisher,
    sweep,
    touch,
    touch_usagers,
    unregister_publisher,
)
from accueil.routing.notify import Notification

log = logging.getLogger("accueil.livechat")
T = TypeVar("T")


class LiveRuntime:
    def __init__(self, app: FastAPI, *, broker: Broker | None = None) -> None:
        self.app = app
        self.settings = app.state.settings
        self.policy: RoutingPolicy = getattr(app.state, "livechat_policy", None) or load_policy()
        self.archive: Archive = getattr(app.state, "livechat_archive", None) or FileArchive(
            self.settings.data_dir / "archive"
        )
        self.broker = broker or make_broker(self.settings.redis_url)
        self.hub = Hub(self.broker)
        self.agents: Counter[int] = Counter()  # connected agents of this process (heartbeat)
        self.usagers: Counter[int] = Counter()  # connected usagers' conversations (heartbeat)
        self.watchers: dict[tuple[int, str], Any] = {}
        self.sweep_interval_s = 2.0
        self.heartbeat_s = 15.0
        self._tasks: list[asyncio.Task[None]] = []
        self._limiter = anyio.CapacityLimiter(12)  # below the database pool (10 + 20 overflow): HTTP keeps room

    @property
    def factory(self) -> sessionmaker[Session]:
        return self.app.state.sessionmaker  # type: ignore[no-any-return]

    def publish_batch(self, items: list[Notification]) -> None:
        for channel, message in items:
            self.broker.publish(channel, message)

    def tx(self, fn: Callable[[Session], T]) -> T:
        return run_tx(self.factory, fn, publisher=self.publish_batch)

    async def run(self, fn: Callable[[Session], T]) -> T:
        """Run `fn(session)` in a worker thread, in one transaction committed (then published) at the end."""
        return await anyio.to_thread.run_sync(self.tx, fn, limiter=self._limiter)

    @property
    def background(self) -> bool:
        return isinstance(self.factory.kw.get("bind"), Engine) and getattr(self.app.state, "livechat_background", True)

    async def start(self) -> None:
        if self.background:  # a served process: what start-up allocated never needs collecting again
            gc.freeze()  # (shorter garbage-collection pauses, i.e. a shorter latency tail)
        await self.hub.start()
        register_publisher(self.publish_batch)
        if self.background:
            self._tasks = [
                asyncio.create_task(self._every(self.sweep_interval_s, self._sweep), name="livechat-sweeper"),
                asyncio.create_task(self._every(self.heartbeat_s, self._heartbeat), name="livechat-heartbeat"),
            ]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        unregister_publisher(self.publish_batch)
        await self.broker.close()

    async def _every(self, interval: float, action: Callable[[], Any]) -> None:
        while True:
            await asyncio.sleep(interval)
            try:
                await action()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("live-chat background task failed")

    async def _sweep(self) -> None:
        def work(session: Session) -> None:
            now = utcnow()
            sweep(session, policy=self.policy, now=now)
            archive_pending(session, archive=self.archive, retention_days=self.policy.retention_days, now=now)

        await self.run(work)

    async def _heartbeat(self) -> None:
        agents, usagers = list(self.agents), list(self.usagers)
        if not agents and not usagers:
            return

        def work(session: Session) -> None:
            now = utcnow()
            touch(session, agents, now=now)
            touch_usagers(session, usagers, now=now)

        await self.run(work)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    runtime = LiveRuntime(app)
    app.state.livechat = runtime
    await runtime.start()
    try:
        yield
    finally:
        await runtime.stop()


def runtime_of(app: FastAPI) -> LiveRuntime:
    runtime = getattr(app.state, "livechat", None)
    if runtime is None:  # an app served without its lifespan: works, but nothing is pushed live
        runtime = app.state.livechat = LiveRuntime(app)
    return runtime  # type: ignore[no-any-return]
