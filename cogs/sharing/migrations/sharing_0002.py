"""Sharing owns its settings: anonymous sharing, approval and break-glass leave groups' tables.

The server-wide choices move from guild_configs to sharing_configs; a group's own approval choice
moves from groups.shares_need_approval to group_sharing.

Revision ID: sharing_0002
Revises: sharing_0001
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.db import Snowflake

revision: str = "sharing_0002"
down_revision: str | Sequence[str] | None = "sharing_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SERVER = ("anonymous_sharing", "anonymous_requires_approval", "break_glass")


def upgrade() -> None:
    op.create_table(
        "sharing_configs",
        sa.Column("guild_id", Snowflake, autoincrement=False, nullable=False),
        sa.Column("anonymous_sharing", sa.Boolean(), nullable=False),
        sa.Column("approval_required", sa.Boolean(), nullable=False),
        sa.Column("break_glass", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("guild_id", name=op.f("pk_sharing_configs")),
    )
    op.create_table(
        "group_sharing",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("shares_need_approval", sa.Boolean()),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name=op.f("fk_group_sharing_group_id_groups"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("group_id", name=op.f("pk_group_sharing")),
    )
    op.execute(
        "INSERT INTO sharing_configs (guild_id, anonymous_sharing, approval_required, break_glass) "
        "SELECT guild_id, anonymous_sharing, anonymous_requires_approval, break_glass "
        "FROM guild_configs"
    )
    op.execute(
        "INSERT INTO group_sharing (group_id, shares_need_approval) "
        "SELECT id, shares_need_approval FROM groups WHERE shares_need_approval IS NOT NULL"
    )
    # Plain DROP COLUMN (SQLite >= 3.35): batch mode would rebuild groups, and dropping the old table
    # with foreign keys on would cascade-delete every membership.
    for column in SERVER:
        op.drop_column("guild_configs", column)
    op.drop_column("groups", "shares_need_approval")


def downgrade() -> None:
    op.add_column("groups", sa.Column("shares_need_approval", sa.Boolean()))
    op.add_column(
        "guild_configs", sa.Column("anonymous_sharing", sa.Boolean(), nullable=False, server_default=sa.true())
    )
    op.add_column(
        "guild_configs",
        sa.Column("anonymous_requires_approval", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("guild_configs", sa.Column("break_glass", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute(
        "UPDATE guild_configs SET "
        "anonymous_sharing = COALESCE((SELECT s.anonymous_sharing FROM sharing_configs s "
        "WHERE s.guild_id = guild_configs.guild_id), anonymous_sharing), "
        "anonymous_requires_approval = COALESCE((SELECT s.approval_required FROM sharing_configs s "
        "WHERE s.guild_id = guild_configs.guild_id), anonymous_requires_approval), "
        "break_glass = COALESCE((SELECT s.break_glass FROM sharing_configs s "
        "WHERE s.guild_id = guild_configs.guild_id), break_glass)"
    )
    op.execute(
        "UPDATE groups SET shares_need_approval = "
        "(SELECT g.shares_need_approval FROM group_sharing g WHERE g.group_id = groups.id)"
    )
    op.drop_table("group_sharing")
    op.drop_table("sharing_configs")
