"""knowledge search: index entries, vectors, full-text table, synonyms, content gaps, indexed documents

Revision ID: 0005_search
Revises: 0001_foundation
Create Date: 2026-11-27 12:00:00

Hand-written. The full-text table is backend-specific: an FTS5 virtual table on SQLite (unicode61 tokenizer,
diacritics removed, over text already analysed in Python), a table with a GIN-indexed `tsvector` ('simple'
configuration) on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import accueil.core.database

revision: str = "0005_search"
down_revision: str | Sequence[str] | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = accueil.core.database.UTCDateTime(timezone=True)


def _json() -> sa.types.TypeEngine[object]:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "kb_search_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("url", sa.String(length=1000), nullable=True),
        sa.Column("publics", sa.String(length=400), nullable=False),
        sa.Column("audiences", sa.String(length=100), nullable=False),
        sa.Column("intents", _json(), nullable=False),
        sa.Column("collection", sa.String(length=60), nullable=True),
        sa.Column("meta", _json(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("revision", sa.String(length=32), nullable=False),
        sa.Column("indexed_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_search_entries")),
        sa.UniqueConstraint("key", name=op.f("uq_kb_search_entries_key")),
    )
    with op.batch_alter_table("kb_search_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kb_search_entries_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_kb_search_entries_collection"), ["collection"], unique=False)
        batch_op.create_index(batch_op.f("ix_kb_search_entries_content_hash"), ["content_hash"], unique=False)

    op.create_table(
        "kb_search_vectors",
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("model", sa.String(length=60), nullable=False),
        sa.Column("dim", sa.Integer(), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("content_hash", "model", name=op.f("pk_kb_search_vectors")),
    )
    op.create_table(
        "kb_search_state",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("changed_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_kb_search_state")),
    )
    op.create_table(
        "kb_synonym_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("terms", _json(), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"], name=op.f("fk_kb_synonym_groups_updated_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_synonym_groups")),
    )
    op.create_table(
        "kb_content_gaps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("query_norm", sa.String(length=300), nullable=False),
        sa.Column("filters_key", sa.String(length=200), nullable=False),
        sa.Column("query", sa.String(length=500), nullable=False),
        sa.Column("filters", _json(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("results", sa.Integer(), nullable=False),
        sa.Column("best_score", sa.Float(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("first_seen", UTC, nullable=False),
        sa.Column("last_seen", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_content_gaps")),
        sa.UniqueConstraint("query_norm", "filters_key", name=op.f("uq_kb_content_gaps_query_norm")),
    )
    with op.batch_alter_table("kb_content_gaps", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kb_content_gaps_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_kb_content_gaps_last_seen"), ["last_seen"], unique=False)

    op.create_table(
        "kb_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("collection", sa.String(length=60), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("url", sa.String(length=1000), nullable=True),
        sa.Column("checked", sa.Date(), nullable=True),
        sa.Column("publics", _json(), nullable=False),
        sa.Column("file_format", sa.String(length=10), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("warnings", _json(), nullable=False),
        sa.Column("imported_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_documents")),
        sa.UniqueConstraint("collection", "source", name=op.f("uq_kb_documents_collection")),
    )
    with op.batch_alter_table("kb_documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kb_documents_collection"), ["collection"], unique=False)
    op.create_table(
        "kb_document_chunks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("heading", sa.String(length=500), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("word_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["kb_documents.id"],
            name=op.f("fk_kb_document_chunks_document_id_kb_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_document_chunks")),
        sa.UniqueConstraint("document_id", "position", name=op.f("uq_kb_document_chunks_document_id")),
    )
    with op.batch_alter_table("kb_document_chunks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kb_document_chunks_document_id"), ["document_id"], unique=False)
    op.create_table(
        "kb_import_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("collection", sa.String(length=60), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("processed", sa.Integer(), nullable=False),
        sa.Column("imported", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("files", _json(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("finished_at", UTC, nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_kb_import_jobs_created_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_import_jobs")),
    )

    if op.get_context().dialect.name == "postgresql":
        op.execute(
            "CREATE TABLE kb_search_fts ("
            " entry_id INTEGER PRIMARY KEY REFERENCES kb_search_entries (id) ON DELETE CASCADE,"
            " tsv tsvector NOT NULL)"
        )
        op.execute("CREATE INDEX ix_kb_search_fts_tsv ON kb_search_fts USING GIN (tsv)")
    else:
        op.execute(
            "CREATE VIRTUAL TABLE kb_search_fts USING fts5("
            " title, body, tokenize = 'unicode61 remove_diacritics 2', detail = 'full')"
        )
        op.execute("CREATE VIRTUAL TABLE kb_search_vocab USING fts5vocab(kb_search_fts, 'row')")


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP TABLE IF EXISTS kb_search_fts")
    else:
        op.execute("DROP TABLE IF EXISTS kb_search_vocab")
        op.execute("DROP TABLE IF EXISTS kb_search_fts")
    for table in (
        "kb_import_jobs",
        "kb_document_chunks",
        "kb_documents",
        "kb_content_gaps",
        "kb_synonym_groups",
        "kb_search_state",
        "kb_search_vectors",
        "kb_search_entries",
    ):
        op.drop_table(table)
