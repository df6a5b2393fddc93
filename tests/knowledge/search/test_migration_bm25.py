"""Migration 0008 on a PostgreSQL database that already holds indexed entries: their terms are filled."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from accueil.core.database import make_engine
from accueil.core.migrate import alembic_config
from accueil.knowledge.search.analysis import analysed_text


def test_existing_rows_get_their_terms(empty_postgres_url: str) -> None:
    pg_url = empty_postgres_url
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
