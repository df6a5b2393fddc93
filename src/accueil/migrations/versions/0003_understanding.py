"""understanding: misunderstood inbox, added training examples, model versions

Revision ID: 0003_understanding
Revises: 0001_foundation
Create Date: 2026-11-27 01:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import accueil.core.database

revision: str = "0003_understanding"
down_revision: str | Sequence[str] | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = accueil.core.database.UTCDateTime(timezone=True)


def _json() -> sa.types.TypeEngine[object]:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "nlu_misunderstood",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("public_code", sa.String(length=8), nullable=True),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=True),
        sa.Column("predicted_intent", sa.String(length=80), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("nlu", _json(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("resolved_intent", sa.String(length=80), nullable=True),
        sa.Column("annotated_by_id", sa.Integer(), nullable=True),
        sa.Column("annotated_at", UTC, nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["annotated_by_id"], ["users.id"], name=op.f("fk_nlu_misunderstood_annotated_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            ondelete="SET NULL",
            name=op.f("fk_nlu_misunderstood_conversation_id_conversations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nlu_misunderstood")),
    )
    with op.batch_alter_table("nlu_misunderstood", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_nlu_misunderstood_conversation_id"), ["conversation_id"], unique=False)
        batch_op.create_index("ix_nlu_misunderstood_status_created", ["status", "created_at"], unique=False)

    op.create_table(
        "nlu_training_examples",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("text_key", sa.String(length=40), nullable=False),
        sa.Column("intent", sa.String(length=80), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("misunderstood_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_nlu_training_examples_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["misunderstood_id"],
            ["nlu_misunderstood.id"],
            ondelete="SET NULL",
            name=op.f("fk_nlu_training_examples_misunderstood_id_nlu_misunderstood"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nlu_training_examples")),
        sa.UniqueConstraint("text_key", name=op.f("uq_nlu_training_examples_text_key")),
    )
    with op.batch_alter_table("nlu_training_examples", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_nlu_training_examples_intent"), ["intent"], unique=False)

    op.create_table(
        "nlu_model_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("examples", sa.Integer(), nullable=False),
        sa.Column("accuracy", sa.Float(), nullable=False),
        sa.Column("macro_f1", sa.Float(), nullable=False),
        sa.Column("oos_recall", sa.Float(), nullable=True),
        sa.Column("ece", sa.Float(), nullable=False),
        sa.Column("metrics", _json(), nullable=False),
        sa.Column("baseline_version", sa.String(length=40), nullable=True),
        sa.Column("baseline_metrics", _json(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("activated_by_id", sa.Integer(), nullable=True),
        sa.Column("activated_at", UTC, nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["activated_by_id"], ["users.id"], name=op.f("fk_nlu_model_versions_activated_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_nlu_model_versions_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nlu_model_versions")),
        sa.UniqueConstraint("version", name=op.f("uq_nlu_model_versions_version")),
    )
    with op.batch_alter_table("nlu_model_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_nlu_model_versions_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("nlu_model_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_nlu_model_versions_status"))
    op.drop_table("nlu_model_versions")
    with op.batch_alter_table("nlu_training_examples", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_nlu_training_examples_intent"))
    op.drop_table("nlu_training_examples")
    with op.batch_alter_table("nlu_misunderstood", schema=None) as batch_op:
        batch_op.drop_index("ix_nlu_misunderstood_status_created")
        batch_op.drop_index(batch_op.f("ix_nlu_misunderstood_conversation_id"))
    op.drop_table("nlu_misunderstood")
