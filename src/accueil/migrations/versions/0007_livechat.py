"""livechat: queue entries, agent states, internal notes, archive index

Revision ID: 0007_livechat
Revises: 0001_foundation
Create Date: 2026-11-27 02:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import accueil.core.database

revision: str = "0007_livechat"
down_revision: str | Sequence[str] | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = accueil.core.database.UTCDateTime(timezone=True)
OPEN = sa.text("state IN ('waiting', 'taken')")


def upgrade() -> None:
    op.create_table(
        "routing_queue_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("home_organisation_id", sa.Integer(), nullable=False),
        sa.Column("skill", sa.String(length=40), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("entered_at", UTC, nullable=False),
        sa.Column("queued_since", UTC, nullable=False),
        sa.Column("offered_agent_id", sa.Integer(), nullable=True),
        sa.Column("offered_at", UTC, nullable=True),
        sa.Column("overflowed_at", UTC, nullable=True),
        sa.Column("usager_seen_at", UTC, nullable=True),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("taken_at", UTC, nullable=True),
        sa.Column("ended_at", UTC, nullable=True),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            ondelete="CASCADE",
            name=op.f("fk_routing_queue_entries_conversation_id_conversations"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_routing_queue_entries_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["home_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_routing_queue_entries_home_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["offered_agent_id"], ["users.id"], name=op.f("fk_routing_queue_entries_offered_agent_id_users")
        ),
        sa.ForeignKeyConstraint(["agent_id"], ["users.id"], name=op.f("fk_routing_queue_entries_agent_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_routing_queue_entries")),
    )
    with op.batch_alter_table("routing_queue_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_routing_queue_entries_conversation_id"), ["conversation_id"], unique=False)
        batch_op.create_index("ix_routing_entries_queue", ["organisation_id", "skill", "state"], unique=False)
        batch_op.create_index("ix_routing_entries_agent", ["agent_id", "state"], unique=False)
        batch_op.create_index("ix_routing_entries_skill_ended", ["skill", "ended_at"], unique=False)
        batch_op.create_index(
            "uq_routing_entries_one_open", ["conversation_id"], unique=True, sqlite_where=OPEN, postgresql_where=OPEN
        )

    op.create_table(
        "routing_agent_states",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("presence", sa.String(length=12), nullable=False),
        sa.Column("presence_since", UTC, nullable=False),
        sa.Column("idle_since", UTC, nullable=False),
        sa.Column("last_seen_at", UTC, nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], ondelete="CASCADE", name=op.f("fk_routing_agent_states_user_id_users")
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_routing_agent_states")),
    )

    op.create_table(
        "livechat_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            ondelete="CASCADE",
            name=op.f("fk_livechat_notes_conversation_id_conversations"),
        ),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_livechat_notes_author_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_livechat_notes")),
    )
    with op.batch_alter_table("livechat_notes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_livechat_notes_conversation_id"), ["conversation_id"], unique=False)

    op.create_table(
        "livechat_archives",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=True),
        sa.Column("public_id", sa.String(length=40), nullable=False),
        sa.Column("usager_ref", sa.String(length=100), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("closed_at", UTC, nullable=False),
        sa.Column("archived_at", UTC, nullable=False),
        sa.Column("purge_after", UTC, nullable=False),
        sa.Column("purged_at", UTC, nullable=True),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            ondelete="SET NULL",
            name=op.f("fk_livechat_archives_conversation_id_conversations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_livechat_archives")),
        sa.UniqueConstraint("public_id", name=op.f("uq_livechat_archives_public_id")),
    )
    with op.batch_alter_table("livechat_archives", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_livechat_archives_conversation_id"), ["conversation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_livechat_archives_usager_ref"), ["usager_ref"], unique=False)
        batch_op.create_index(batch_op.f("ix_livechat_archives_purge_after"), ["purge_after"], unique=False)


def downgrade() -> None:
    op.drop_table("livechat_archives")
    op.drop_table("livechat_notes")
    op.drop_table("routing_agent_states")
    op.drop_table("routing_queue_entries")
