"""Rounds: talking-stick rounds, their entries (queue places and speaking time), and mutes Hearth set.

Revision ID: rounds_0001
Revises: groups_0001
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.db import Snowflake, UTCDateTime

revision: str = "rounds_0001"
down_revision: str | Sequence[str] | None = "groups_0001"
branch_labels: str | Sequence[str] | None = ("rounds",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", Snowflake, nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", Snowflake, nullable=False),
        sa.Column("live_channel_id", Snowflake),
        sa.Column("message_id", Snowflake),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("turn_seconds", sa.Integer(), nullable=False),
        sa.Column("order", sa.String(16), nullable=False),
        sa.Column("voice_channel_id", Snowflake),
        sa.Column("voice_mode", sa.Boolean(), nullable=False),
        sa.Column("voice_note", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("holder_id", Snowflake),
        sa.Column("turn", sa.Integer(), nullable=False),
        sa.Column("stretch_started_at", UTCDateTime()),
        sa.Column("due_at", UTCDateTime()),
        sa.Column("remaining", sa.Float()),
        sa.Column("spoken", sa.Float(), nullable=False),
        sa.Column("warned", sa.Boolean(), nullable=False),
        sa.Column("started_by", Snowflake),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("ended_at", UTCDateTime()),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name=op.f("fk_rounds_group_id_groups"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rounds")),
        sa.UniqueConstraint("live_channel_id", name=op.f("uq_rounds_live_channel_id")),
    )
    op.create_index(op.f("ix_rounds_guild_id"), "rounds", ["guild_id"])
    op.create_index(op.f("ix_rounds_group_id"), "rounds", ["group_id"])
    op.create_index(op.f("ix_rounds_ended_at"), "rounds", ["ended_at"])
    op.create_table(
        "round_entries",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("user_id", Snowflake, nullable=False),
        sa.Column("place", sa.String(8), nullable=False),
        sa.Column("seat", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("shared", sa.Integer(), nullable=False),
        sa.Column("passed", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("left", sa.Boolean(), nullable=False),
        sa.Column("came_back", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"], name=op.f("fk_round_entries_round_id_rounds"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("round_id", "user_id", name=op.f("pk_round_entries")),
    )
    op.create_index(op.f("ix_round_entries_user_id"), "round_entries", ["user_id"])
    op.create_table(
        "round_mutes",
        sa.Column("guild_id", Snowflake, autoincrement=False, nullable=False),
        sa.Column("user_id", Snowflake, autoincrement=False, nullable=False),
        sa.Column("round_id", sa.Integer()),
        sa.Column("muted_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"], name=op.f("fk_round_mutes_round_id_rounds"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("guild_id", "user_id", name=op.f("pk_round_mutes")),
    )
    op.create_index(op.f("ix_round_mutes_user_id"), "round_mutes", ["user_id"])
    op.create_index(op.f("ix_round_mutes_round_id"), "round_mutes", ["round_id"])


def downgrade() -> None:
    for table in ("round_mutes", "round_entries", "rounds"):
        op.drop_table(table)
