"""Moderation owns its settings: the moderator role and queue channel move out of groups' guild_configs.

Revision ID: moderation_0002
Revises: moderation_0001
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.db import Snowflake

revision: str = "moderation_0002"
down_revision: str | Sequence[str] | None = "moderation_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MOVED = ("moderator_role_id", "mod_queue_channel_id")


def upgrade() -> None:
    op.create_table(
        "moderation_configs",
        sa.Column("guild_id", Snowflake, autoincrement=False, nullable=False),
        sa.Column("moderator_role_id", Snowflake),
        sa.Column("mod_queue_channel_id", Snowflake),
        sa.PrimaryKeyConstraint("guild_id", name=op.f("pk_moderation_configs")),
    )
    op.execute(
        "INSERT INTO moderation_configs (guild_id, moderator_role_id, mod_queue_channel_id) "
        "SELECT guild_id, moderator_role_id, mod_queue_channel_id FROM guild_configs "
        "WHERE moderator_role_id IS NOT NULL OR mod_queue_channel_id IS NOT NULL"
    )
    # A plain DROP COLUMN (SQLite >= 3.35), not batch mode: rebuilding guild_configs is not needed, and
    # rebuilding groups the same way would cascade-delete its members with foreign keys on.
    for column in MOVED:
        op.drop_column("guild_configs", column)


def downgrade() -> None:
    for column in MOVED:
        op.add_column("guild_configs", sa.Column(column, Snowflake))
    op.execute(
        "UPDATE guild_configs SET "
        "moderator_role_id = (SELECT m.moderator_role_id FROM moderation_configs m "
        "WHERE m.guild_id = guild_configs.guild_id), "
        "mod_queue_channel_id = (SELECT m.mod_queue_channel_id FROM moderation_configs m "
        "WHERE m.guild_id = guild_configs.guild_id)"
    )
    op.drop_table("moderation_configs")
