"""Moderation: queue items, reports, audit log.

Revision ID: moderation_0001
Revises: groups_0001
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.db import Snowflake, UTCDateTime

revision: str = "moderation_0001"
down_revision: str | Sequence[str] | None = "groups_0001"
branch_labels: str | Sequence[str] | None = ("moderation",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "mod_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", Snowflake, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("channel_id", Snowflake),
        sa.Column("message_id", Snowflake),
        sa.Column("post_id", sa.Integer()),
        sa.Column("author_id", Snowflake),
        sa.Column("excerpt", sa.String(300), nullable=False),
        sa.Column("report_count", sa.Integer(), nullable=False),
        sa.Column("card_channel_id", Snowflake),
        sa.Column("card_message_id", Snowflake),
        sa.Column("actions", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("closed_at", UTCDateTime()),
        sa.Column("closed_by", Snowflake),
        sa.Column("resolution", sa.String(100)),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mod_items")),
    )
    for column in ("guild_id", "status", "message_id", "post_id", "author_id"):
        op.create_index(op.f(f"ix_mod_items_{column}"), "mod_items", [column])
    op.create_table(
        "mod_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("reporter_key", sa.String(64)),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["mod_items.id"], name=op.f("fk_mod_reports_item_id_mod_items"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mod_reports")),
        sa.UniqueConstraint("reporter_key", name=op.f("uq_mod_reports_reporter_key")),
    )
    op.create_index(op.f("ix_mod_reports_item_id"), "mod_reports", ["item_id"])
    op.create_table(
        "audit_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", Snowflake, nullable=False),
        sa.Column("actor_id", Snowflake, nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("target", sa.String(200), nullable=False),
        sa.Column("item_id", sa.Integer()),
        sa.Column("detail", sa.String(500), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entries")),
    )
    for column in ("guild_id", "actor_id", "created_at"):
        op.create_index(op.f(f"ix_audit_entries_{column}"), "audit_entries", [column])


def downgrade() -> None:
    for table in ("audit_entries", "mod_reports", "mod_items"):
        op.drop_table(table)
