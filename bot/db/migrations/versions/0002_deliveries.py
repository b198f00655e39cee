"""Deliveries: one durable record for every message Hearth sends on its own.

Revision ID: core_0002
Revises: core_0001
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.db.base import Snowflake, UTCDateTime

revision: str = "core_0002"
down_revision: str | Sequence[str] | None = "core_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("purpose", sa.String(40), nullable=False),
        sa.Column("ref", sa.String(60), nullable=True),
        sa.Column("guild_id", Snowflake, nullable=True),
        sa.Column("channel_id", Snowflake, nullable=True),
        sa.Column("user_id", Snowflake, nullable=True),
        sa.Column("message_id", Snowflake, nullable=True),
        sa.Column("content", sa.Text(), nullable=True),
        sa.Column("view", sa.String(100), nullable=True),
        sa.Column("ping_user_id", Snowflake, nullable=True),
        sa.Column("fallback_channel_id", Snowflake, nullable=True),
        sa.Column("fallback_content", sa.Text(), nullable=True),
        sa.Column("nonce", sa.String(25), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("done_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliveries")),
    )
    op.create_index("ix_deliveries_pending", "deliveries", ["state", "next_attempt_at"])
    op.create_index(op.f("ix_deliveries_user_id"), "deliveries", ["user_id"])


def downgrade() -> None:
    op.drop_table("deliveries")
