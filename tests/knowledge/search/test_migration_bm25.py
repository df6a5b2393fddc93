"""Migration 0008 on a PostgreSQL database that already holds indexed entries: their terms are filled."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from alembic import command
from sqlalchemy import create_engine, text

from accueil.core.database import make_engine
from accueil.core.migrate import alembic_config
from accueil.knowledge.search.analysis import analysed_text

PG_ENV = "ACCUEIL_TEST_POSTGRES_URL"


@pytest.fixture()
def pg_url() -> Iterator[str]:
    admin_url = os.environ.get(PG_ENV)
    if not admin_url:
        pytest.skip(f"PostgreSQL absent : définir {PG_ENV} pour ce test")
    name = f"accueil_mig_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{admin_url.rsplit('/', 1)[0]}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_existing_rows_get_their_terms(pg_url: str) -> None:
    engine = make_engine(pg_url)
    try:
        with engine.begin() as connection:
            config = alembic_config(pg_url)
            config.attributes["connection"] = connection
            command.upgrade(config, "0005_search")
            connection.execute(
                text(
                    "INSERT INTO kb_search_entries (id, key, kind, title, text, publics, audiences, intents, meta,"
                    " status, content_hash, revision, indexed_at) VALUES (1, 'k', 'faq', 'L''échéancier',"
                    " 'Demander un délai de paiement', '', '', '[]', '{}', 'published', 'h', 'r', now())"
                )
            )
            connection.execute(
                text("INSERT INTO kb_search_fts (entry_id, tsv) VALUES (1, to_tsvector('simple', 'echeanci'))")
            )
            command.upgrade(config, "heads")
            terms, length = connection.execute(text("SELECT terms, length FROM kb_search_fts")).one()
        expected = f"{analysed_text('L’échéancier')}\n{analysed_text('Demander un délai de paiement')}"
        assert terms == expected
        assert length == len(expected.split())
    finally:
        engine.dispose()
