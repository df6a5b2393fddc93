"""A short-lived per-process cache of resolved login sessions.

Resolving a session costs several queries; under load the same token comes back many times a second.
Entries live `ttl_s` seconds: logout and user changes on this process drop them at once; on other
workers a revoked session stops working within `ttl_s` (ADR 0002).
"""

from __future__ import annotations

import threading
import time

from accueil.identity.access import Actor
from accueil.identity.security import token_digest


class ActorCache:
    def __init__(self, ttl_s: float = 2.0, max_entries: int = 10_000) -> None:
        self._ttl, self._max = ttl_s, max_entries
        self._entries: dict[str, tuple[float, Actor]] = {}
        self._lock = threading.Lock()

    def get(self, token: str) -> Actor | None:
        if self._ttl <= 0:
            return None
        key = token_digest(token)
        with self._lock:
            entry = self._entries.get(key)
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def put(self, token: str, actor: Actor) -> None:
        if self._ttl <= 0:
            return
        with self._lock:
            if len(self._entries) >= self._max:
                self._entries.clear()
            self._entries[token_digest(token)] = (time.monotonic() + self._ttl, actor)

    def drop(self, token: str | None) -> None:
        if token:
            with self._lock:
                self._entries.pop(token_digest(token), None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
