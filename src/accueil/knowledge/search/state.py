"""Change tokens shared through the database, and per-process caches keyed by them.

Every write to the index (or to the synonyms) stores a fresh random token. A process keeps derived data
(the vector matrix, the vocabulary, the thesaurus) with the token it was built from and rebuilds it when the
token in the database differs, so several workers stay consistent. Random tokens, not counters: a rolled-back
transaction can never make an old cache look current.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from typing import Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from accueil.core.clock import utcnow
from accueil.knowledge.search.models import SearchState

INDEX = "index"
SYNONYMS = "synonyms"
T = TypeVar("T")


def current_token(session: Session, name: str) -> str:
    return session.scalar(select(SearchState.token).where(SearchState.name == name)) or ""


def all_tokens(session: Session) -> dict[str, str]:
    """Every token in one query (a search reads them once)."""
    return dict(session.execute(select(SearchState.name, SearchState.token)).tuples().all())


def bump(session: Session, name: str) -> str:
    """Store a fresh token (an upsert: two first writers at once cannot collide)."""
    token = uuid.uuid4().hex
    values = {"name": name, "token": token, "changed_at": utcnow()}
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(SearchState).values(**values)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[SearchState.name], set_={"token": token, "changed_at": values["changed_at"]}
        )
    )
    return token


def database_key(session: Session) -> str:
    """Which database a session talks to (tests use several in one process)."""
    bind = session.get_bind()
    return bind.engine.url.render_as_string(hide_password=True)


class TokenCache(Generic[T]):
    """One value per (database, token); `build(session, previous)` may reuse the previous value."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._values: dict[str, tuple[str, float, float, T]] = {}  # token, built at, build seconds, value
        self._lock = threading.Lock()

    def get(
        self,
        session: Session,
        build: Callable[[Session, T | None], T],
        *,
        extra: str = "",
        stale_s: float = 0.0,
        token: str | None = None,
    ) -> T:
        """The value for the current token. With `stale_s`, a value that was slow to build (over a quarter of a
        second) and is younger than `stale_s` is good enough: the typo vocabulary need not follow every write."""
        token = current_token(session, self._name) if token is None else token
        slot = database_key(session) + extra
        cached = self._values.get(slot)
        if cached is not None:
            fresh_enough = cached[2] > 0.25 and time.monotonic() - cached[1] < stale_s
            if cached[0] == token or fresh_enough:
                return cached[3]
        with self._lock:
            cached = self._values.get(slot)
            if cached is not None and cached[0] == token:
                return cached[3]
            started = time.monotonic()
            value = build(session, cached[3] if cached else None)
            self._values[slot] = (token, time.monotonic(), time.monotonic() - started, value)
            return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
