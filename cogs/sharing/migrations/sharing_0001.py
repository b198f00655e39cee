"""Anonymous sharing: posts (shares and replies) and blocks.

Revision ID: sharing_0001
Revises: groups_0001
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.db import Snowflake, UTCDateTime

revision: str = "sharing_0001"
down_revision: str | Sequence[str] | None = "groups_0001"
branch_labels: str | Sequence[str] | None = ("sharing",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "anonymous_posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("guild_id", Snowflake, nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer()),
        sa.Column("pseudonym", sa.String(64), nullable=False),
        sa.Column("server_hash", sa.String(64), nullable=False),
        sa.Column("label", sa.String(32)),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("content_warning", sa.String(100)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("channel_id", Snowflake),
        sa.Column("message_id", Snowflake),
        sa.Column("thread_id", Snowflake),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("author_ciphertext", sa.LargeBinary()),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name=op.f("fk_anonymous_posts_group_id_groups"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["anonymous_posts.id"],
            name=op.f("fk_anonymous_posts_parent_id_anonymous_posts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_anonymous_posts")),
        sa.UniqueConstraint("code", name=op.f("uq_anonymous_posts_code")),
    )
    op.create_index(op.f("ix_anonymous_posts_group_id"), "anonymous_posts", ["group_id"])
    op.create_index(op.f("ix_anonymous_posts_parent_id"), "anonymous_posts", ["parent_id"])
    op.create_index(op.f("ix_anonymous_posts_pseudonym"), "anonymous_posts", ["pseudonym"])
    op.create_index(op.f("ix_anonymous_posts_message_id"), "anonymous_posts", ["message_id"])
    op.create_index(op.f("ix_anonymous_posts_created_at"), "anonymous_posts", ["created_at"])
    op.create_index(
        "ix_anonymous_posts_guild_id_server_hash_created_at",
        "anonymous_posts",
        ["guild_id", "server_hash", "created_at"],
    )
    op.create_table(
        "anonymous_blocks",
        sa.Column("guild_id", Snowflake, autoincrement=False, nullable=False),
        sa.Column("server_hash", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("via_code", sa.String(32)),
        sa.PrimaryKeyConstraint("guild_id", "server_hash", name=op.f("pk_anonymous_blocks")),
    )
    op.create_index(op.f("ix_anonymous_blocks_via_code"), "anonymous_blocks", ["via_code"])


def downgrade() -> None:
    op.drop_table("anonymous_blocks")
    op.drop_table("anonymous_posts")
