"""The Broker seam: in-process by default; Redis pub/sub when ACCUEIL_TEST_REDIS_URL is set (CI)."""

from __future__ import annotations

import asyncio
import os
import threading
import uuid
from typing import Any

import pytest

from accueil.livechat.broker import Broker, InProcessBroker, RedisBroker
from accueil.livechat.hub import Hub

REDIS_URL = os.environ.get("ACCUEIL_TEST_REDIS_URL", "")


class Collector:
    def __init__(self) -> None:
        self.items: list[tuple[str, dict[str, Any]]] = []
        self.event = asyncio.Event()

    def push(self, channel: str, message: dict[str, Any]) -> None:
        self.items.append((channel, message))
        self.event.set()


async def _exercise(broker: Broker) -> None:
    hub = Hub(broker)
    await hub.start()
    a, b = Collector(), Collector()
    channel = f"conv:{uuid.uuid4().hex}"
    await hub.join(channel, a)
    await hub.join(channel, b)
    await asyncio.sleep(0.05)
    thread = threading.Thread(target=broker.publish, args=(channel, {"type": "message", "n": 1, "texte": "é"}))
    thread.start()  # published from a worker thread, as after a commit
    thread.join()
    await asyncio.wait_for(a.event.wait(), 5)
    await asyncio.wait_for(b.event.wait(), 5)
    assert a.items == b.items == [(channel, {"type": "message", "n": 1, "texte": "é"})]
    await hub.leave(channel, a)
    await broker.apublish(channel, {"type": "typing"})
    for _ in range(50):
        if len(b.items) == 2:
            break
        await asyncio.sleep(0.02)
    assert len(a.items) == 1 and b.items[-1][1] == {"type": "typing"}
    await hub.leave_all(b)
    assert hub.channel_count == 0
    await broker.close()


def test_in_process_broker() -> None:
    asyncio.run(_exercise(InProcessBroker()))


@pytest.mark.skipif(
    not REDIS_URL, reason="ACCUEIL_TEST_REDIS_URL absent : Redis non testé (CI : redis://127.0.0.1:6379/15)"
)
def test_redis_broker() -> None:
    asyncio.run(_exercise(RedisBroker(REDIS_URL, prefix=f"accueil-test-{uuid.uuid4().hex[:6]}:")))
