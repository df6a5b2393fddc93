"""A committed copy of the session's migrated test database, one per test: real transactions and real
concurrency (threads, WebSockets, several processes) without touching the rolled-back shared connection.
SQLite: the online backup API. PostgreSQL: CREATE DATABASE ... TEMPLATE (the session pool is disposed first)."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from accueil.core.config import Settings


def _pg_admin(url: str) -> Engine:
    base = url.rsplit("/", 1)[0] + "/postgres"
    return create_engine(base.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")


def clone_database(settings: Settings, engine: Engine, target_dir: Path) -> tuple[str, str | None]:
    """Return (url, postgres database name to drop or None)."""
    url = settings.effective_database_url
    if url.startswith("sqlite"):
        source = url.removeprefix("sqlite:///")
        target = target_dir / "live.sqlite3"
        with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        return f"sqlite:///{target}", None
    engine.dispose()
    name = f"accueil_live_{uuid.uuid4().hex[:10]}"
    source_name = url.rsplit("/", 1)[1]
    admin = _pg_admin(url)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{source_name}"'))
    admin.dispose()
    return url.rsplit("/", 1)[0] + f"/{name}", name


def drop_clone(url: str, name: str | None) -> None:
    if name is None:
        return
    admin = _pg_admin(url)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def live_settings(settings: Settings, engine: Engine, tmp_path: Path) -> Iterator[Settings]:
    data_dir = tmp_path / "live"
    data_dir.mkdir()
    url, name = clone_database(settings, engine, data_dir)
    # a new Settings, not model_copy: effective_database_url is a cached property that would be copied too
    yield Settings(**{**settings.model_dump(), "database_url": url, "data_dir": data_dir})
    drop_clone(url, name)
