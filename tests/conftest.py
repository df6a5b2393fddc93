"""Shared fixtures: a real migrated database (SQLite always, PostgreSQL when configured), each test in a
transaction that is rolled back, the app built by its factory, and a guard against outbound network."""

from __future__ import annotations

import ipaddress
import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from accueil.bootstrap import DEFAULT_DEMO_PASSWORD, prepare_database
from accueil.core.config import Settings
from accueil.core.database import make_engine
from accueil.understanding.registry import ModelRegistry
from accueil.web.app import create_app

PG_ENV = "ACCUEIL_TEST_POSTGRES_URL"
BACKENDS = ["sqlite"] + (["postgres"] if os.environ.get(PG_ENV) else [])
DEMO_PASSWORD = DEFAULT_DEMO_PASSWORD

_real_connect = socket.socket.connect


def _guarded_connect(self: socket.socket, address: Any) -> Any:
    host = address[0] if isinstance(address, tuple) else None
    if host is not None:
        try:
            ip = ipaddress.ip_address(socket.gethostbyname(host) if not host.replace(".", "").isdigit() else host)
        except (OSError, ValueError):
            ip = None
        if ip is not None and not ip.is_loopback:
            raise RuntimeError(f"outbound network blocked in tests: {address}")
    return _real_connect(self, address)


@pytest.fixture(autouse=True, scope="session")
def _block_network() -> Iterator[None]:
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    yield
    socket.socket.connect = _real_connect  # type: ignore[method-assign]


def _postgres_database() -> tuple[str, str]:
    """Create a throw-away database on the configured server; return (url, admin_url)."""
    admin_url = os.environ[PG_ENV]
    name = f"accueil_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    base, _, _ = admin_url.rpartition("/")
    return f"{base}/{name}", admin_url


def _drop_postgres_database(url: str, admin_url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = create_engine(admin_url.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def empty_postgres_url() -> Iterator[str]:
    """An empty throw-away PostgreSQL database (no migration), dropped afterwards; skipped without PostgreSQL."""
    if not os.environ.get(PG_ENV):
        pytest.skip(f"PostgreSQL absent : définir {PG_ENV} pour ce test")
    url, admin_url = _postgres_database()
    try:
        yield url
    finally:
        _drop_postgres_database(url, admin_url)


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def settings(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    data_dir = tmp_path_factory.mktemp(f"data-{backend}")
    admin_url = None
    if backend == "sqlite":
        url = f"sqlite:///{data_dir / 'test.sqlite3'}"
    else:
        url, admin_url = _postgres_database()
    yield Settings(
        environment="test",
        data_dir=data_dir,
        database_url=url,
        log_json=False,
        log_level="WARNING",
        rate_limit_per_minute=10_000,
        redis_url="",
    )
    if admin_url:
        _drop_postgres_database(url, admin_url)


@pytest.fixture(scope="session")
def engine(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings.effective_database_url)
    prepare_database(settings, engine, demo=True)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    connection = engine.connect()
    transaction = connection.begin()
    yield connection
    transaction.rollback()
    connection.close()


@pytest.fixture
def session(connection: Connection) -> Iterator[Session]:
    session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    yield session
    session.close()


@pytest.fixture
def app(settings: Settings, engine: Engine, connection: Connection) -> FastAPI:
    app = create_app(settings, prepare=False)
    app.state.sessionmaker = sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    return app


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://testserver") as client:
        yield client


def csrf_of(client: TestClient) -> str:
    if "accueil_csrf" not in client.cookies:
        client.get("/connexion")
    return str(client.cookies["accueil_csrf"])


def login(client: TestClient, email: str, password: str = DEMO_PASSWORD) -> TestClient:
    response = client.post(
        "/connexion", data={"email": email, "password": password, "csrf_token": csrf_of(client)}, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    return client


def bearer(client: TestClient, email: str, password: str = DEMO_PASSWORD) -> dict[str, str]:
    response = client.post("/api/v1/auth/token", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


@pytest.fixture
def tmp_data(tmp_path: Path) -> Path:
    return tmp_path


@pytest.fixture(scope="session")
def nlu_model_dir(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A models folder with a trained NLU model, kept in pytest's cache between runs (trained once per machine).
    Servers started by tests point ACCUEIL_NLU_MODEL_DIR at it, so none of them trains at start-up."""
    cache = getattr(request.config, "cache", None)
    root = cache.mkdir("accueil-assistant-nlu") if cache is not None else tmp_path_factory.mktemp("nlu")
    ModelRegistry(root, poll_seconds=3600).engine()
    return root
