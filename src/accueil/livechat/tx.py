"""One unit of work per call: a transaction committed once (then its notifications are published),
retried when SQLite reports a busy database or PostgreSQL a serialization failure or deadlock."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from accueil.routing.notify import PUBLISHER, Publisher

T = TypeVar("T")
_TRANSIENT = ("database is locked", "database is busy", "could not serialize", "deadlock detected")


def is_transient(error: OperationalError) -> bool:
    text = str(error.orig if error.orig is not None else error).lower()
    return any(marker in text for marker in _TRANSIENT)


def run_tx(
    factory: sessionmaker[Session], fn: Callable[[Session], T], *, publisher: Publisher | None = None, attempts: int = 6
) -> T:
    for attempt in range(attempts):
        try:
            with factory.begin() as session:
                if publisher is not None:
                    session.info[PUBLISHER] = publisher
                return fn(session)
        except OperationalError as error:
            if attempt == attempts - 1 or not is_transient(error):
                raise
            time.sleep(0.02 * (2**attempt) * (0.5 + random.random()))
    raise AssertionError("unreachable")
