"""knowledge search: analysed terms and lengths beside the PostgreSQL tsvector, for BM25 re-ranking

Revision ID: 0008_search_bm25
Revises: 0005_search
Create Date: 2026-11-27 04:10:00

PostgreSQL has no BM25: the full-text query takes candidates by ts_rank_cd and re-ranks them in Python with the
same BM25 formula as SQLite's FTS5, which needs each entry's analysed terms and length. Existing rows are filled
here from the stored title and text with the same analysis as the indexer. SQLite's FTS5 table is unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from accueil.knowledge.search.analysis import analysed_text

revision: str = "0008_search_bm25"
down_revision: str | Sequence[str] | None = "0005_search"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE kb_search_fts ADD COLUMN terms text NOT NULL DEFAULT ''")
    op.execute("ALTER TABLE kb_search_fts ADD COLUMN length integer NOT NULL DEFAULT 0")
    rows = bind.execute(sa.text("SELECT id, title, text FROM kb_search_entries")).all()
    update = sa.text("UPDATE kb_search_fts SET terms = :terms, length = :length WHERE entry_id = :id")
    batch: list[dict[str, object]] = []
    for entry_id, title, body in rows:
        title_terms, body_terms = analysed_text(title), analysed_text(body)
        batch.append(
            {
                "id": entry_id,
                "terms": f"{title_terms}\n{body_terms}",
                "length": len(title_terms.split()) + len(body_terms.split()),
            }
        )
        if len(batch) >= 500:
            bind.execute(update, batch)
            batch = []
    if batch:
        bind.execute(update, batch)
    op.execute("ALTER TABLE kb_search_fts ALTER COLUMN terms DROP DEFAULT")
    op.execute("ALTER TABLE kb_search_fts ALTER COLUMN length DROP DEFAULT")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE kb_search_fts DROP COLUMN length")
    op.execute("ALTER TABLE kb_search_fts DROP COLUMN terms")
