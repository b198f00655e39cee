"""Care: cases with one owner, their alert messages, members' care preferences, servers' care settings.

Revision ID: care_0001
Revises: core_0001
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.db import Snowflake, UTCDateTime

revision: str = "care_0001"
down_revision: str | Sequence[str] | None = "core_0001"
branch_labels: str | Sequence[str] | None = ("care",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "care_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", Snowflake, nullable=False),
        sa.Column("group_id", sa.Integer()),
        sa.Column("group_name", sa.String(100), nullable=False),
        sa.Column("severity", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("member_id", Snowflake),
        sa.Column("post_id", sa.Integer()),
        sa.Column("raised_by", Snowflake),
        sa.Column("opened_at", UTCDateTime, nullable=False),
        sa.Column("escalate_at", UTCDateTime),
        sa.Column("escalated_at", UTCDateTime),
        sa.Column("owner_id", Snowflake),
        sa.Column("helper_id", Snowflake),
        sa.Column("claimed_at", UTCDateTime),
        sa.Column("contact_at", UTCDateTime),
        sa.Column("follow_up_at", UTCDateTime),
        sa.Column("closed_at", UTCDateTime),
        sa.Column("closed_by_member", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    for column in ("guild_id", "status", "member_id", "escalate_at", "owner_id", "closed_at"):
        op.create_index(f"ix_care_cases_{column}", "care_cases", [column])
    op.create_table(
        "care_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("care_cases.id", ondelete="CASCADE"), nullable=False),
        sa.Column("channel_id", Snowflake, nullable=False),
        sa.Column("message_id", Snowflake, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_care_alerts_case_id", "care_alerts", ["case_id"])
    op.create_table(
        "care_preferences",
        sa.Column("user_id", Snowflake, autoincrement=False, nullable=False),
        sa.Column("guild_id", Snowflake, autoincrement=False, nullable=False),
        sa.Column("automatic", sa.Boolean(), nullable=False),
        sa.Column("last_day", sa.String(10)),
        sa.Column("last_severity", sa.Integer()),
        sa.Column("seen_disclosure", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "guild_id"),
    )
    op.create_table(
        "care_configs",
        sa.Column("guild_id", Snowflake, autoincrement=False, nullable=False),
        sa.Column("duty_of_care", sa.Boolean(), nullable=False),
        sa.Column("urgent_minutes", sa.Integer()),
        sa.Column("gentle_minutes", sa.Integer()),
        sa.Column("resources", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("guild_id"),
    )


def downgrade() -> None:
    op.drop_table("care_configs")
    op.drop_table("care_preferences")
    op.drop_table("care_alerts")
    op.drop_table("care_cases")
