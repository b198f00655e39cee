"""Groups: server settings, groups, members, facilitators, guidelines, join requests, member profiles.

Revision ID: groups_0001
Revises: core_0001
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.db import Snowflake, UTCDateTime

revision: str = "groups_0001"
down_revision: str | Sequence[str] | None = "core_0001"
branch_labels: str | Sequence[str] | None = ("groups",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "guild_configs",
        sa.Column("guild_id", Snowflake, autoincrement=False, nullable=False),
        sa.Column("facilitator_role_id", Snowflake),
        sa.Column("moderator_role_id", Snowflake),
        sa.Column("mod_queue_channel_id", Snowflake),
        sa.Column("timezone", sa.String(64)),
        sa.Column("anonymous_sharing", sa.Boolean(), nullable=False),
        sa.Column("anonymous_requires_approval", sa.Boolean(), nullable=False),
        sa.Column("break_glass", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("guild_id", name=op.f("pk_guild_configs")),
    )
    op.create_table(
        "groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", Snowflake, nullable=False),
        sa.Column("name", sa.String(50), nullable=False),
        sa.Column("name_key", sa.String(50), nullable=False),
        sa.Column("description", sa.String(300), nullable=False),
        sa.Column("private", sa.Boolean(), nullable=False),
        sa.Column("role_id", Snowflake),
        sa.Column("channel_id", Snowflake),
        sa.Column("owns_channel", sa.Boolean(), nullable=False),
        sa.Column("neutral_role", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("guidelines", sa.Text(), nullable=False),
        sa.Column("guidelines_version", sa.Integer(), nullable=False),
        sa.Column("timezone", sa.String(64)),
        sa.Column("shares_need_approval", sa.Boolean()),
        sa.Column("public_events", sa.Boolean(), nullable=False),
        sa.Column("created_by", Snowflake, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("archived_at", UTCDateTime()),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_groups")),
        sa.UniqueConstraint("guild_id", "name_key", name=op.f("uq_groups_guild_id_name_key")),
    )
    op.create_index(op.f("ix_groups_guild_id"), "groups", ["guild_id"])
    op.create_index(op.f("ix_groups_channel_id"), "groups", ["channel_id"])
    for table, stamp in (
        ("group_members", "joined_at"),
        ("group_facilitators", "added_at"),
    ):
        op.create_table(
            table,
            sa.Column("group_id", sa.Integer(), nullable=False),
            sa.Column("user_id", Snowflake, nullable=False),
            sa.Column(stamp, UTCDateTime(), nullable=False),
            sa.ForeignKeyConstraint(
                ["group_id"], ["groups.id"], name=op.f(f"fk_{table}_group_id_groups"), ondelete="CASCADE"
            ),
            sa.PrimaryKeyConstraint("group_id", "user_id", name=op.f(f"pk_{table}")),
        )
        op.create_index(op.f(f"ix_{table}_user_id"), table, ["user_id"])
    op.create_table(
        "guidelines_acceptances",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("user_id", Snowflake, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("accepted_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name=op.f("fk_guidelines_acceptances_group_id_groups"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("group_id", "user_id", name=op.f("pk_guidelines_acceptances")),
    )
    op.create_index(op.f("ix_guidelines_acceptances_user_id"), "guidelines_acceptances", ["user_id"])
    op.create_table(
        "join_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("user_id", Snowflake, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("message_channel_id", Snowflake),
        sa.Column("message_id", Snowflake),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name=op.f("fk_join_requests_group_id_groups"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_join_requests")),
        sa.UniqueConstraint("group_id", "user_id", name=op.f("uq_join_requests_group_id_user_id")),
    )
    op.create_index(op.f("ix_join_requests_group_id"), "join_requests", ["group_id"])
    op.create_index(op.f("ix_join_requests_user_id"), "join_requests", ["user_id"])
    op.create_table(
        "member_profiles",
        sa.Column("user_id", Snowflake, autoincrement=False, nullable=False),
        sa.Column("timezone", sa.String(64)),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_member_profiles")),
    )


def downgrade() -> None:
    for table in (
        "member_profiles",
        "join_requests",
        "guidelines_acceptances",
        "group_facilitators",
        "group_members",
        "groups",
        "guild_configs",
    ):
        op.drop_table(table)
