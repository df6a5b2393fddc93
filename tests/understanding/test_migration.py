"""The hand-written migration 0003 creates exactly the tables the ORM models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine

from accueil.models import metadata

TABLES = {"nlu_misunderstood", "nlu_training_examples", "nlu_model_versions"}


def test_models_and_migration_agree(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = [
            diff for diff in compare_metadata(context, metadata) if any(table in repr(diff) for table in TABLES)
        ]
    assert differences == []
