"""Check-ins: check-ins, support given, reminders, low-mood alerts, group prompts.

Revision ID: checkins_0001
Revises: groups_0001
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.db import Snowflake, UTCDateTime

revision: str = "checkins_0001"
down_revision: str | Sequence[str] | None = "groups_0001"
branch_labels: str | Sequence[str] | None = ("checkins",)
depends_on: str | Sequence[str] | None = None


def _group_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["group_id"], ["groups.id"], name=op.f(f"fk_{table}_group_id_groups"), ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "checkins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", Snowflake, nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("user_id", Snowflake, nullable=False),
        sa.Column("mood", sa.SmallInteger(), nullable=False),
        sa.Column("note", sa.Text()),
        sa.Column("visibility", sa.String(16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("edited_at", UTCDateTime()),
        sa.Column("card_channel_id", Snowflake),
        sa.Column("card_message_id", Snowflake),
        _group_fk("checkins"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkins")),
    )
    op.create_index("ix_checkins_group_id_created_at", "checkins", ["group_id", "created_at"])
    op.create_index("ix_checkins_user_id_guild_id_created_at", "checkins", ["user_id", "guild_id", "created_at"])
    op.create_index(op.f("ix_checkins_created_at"), "checkins", ["created_at"])
    op.create_table(
        "checkin_supports",
        sa.Column("checkin_id", sa.Integer(), nullable=False),
        sa.Column("user_id", Snowflake, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["checkin_id"], ["checkins.id"], name=op.f("fk_checkin_supports_checkin_id_checkins"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("checkin_id", "user_id", name=op.f("pk_checkin_supports")),
    )
    op.create_index(op.f("ix_checkin_supports_user_id"), "checkin_supports", ["user_id"])
    op.create_table(
        "checkin_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", Snowflake, nullable=False),
        sa.Column("user_id", Snowflake, nullable=False),
        sa.Column("hour", sa.SmallInteger(), nullable=False),
        sa.Column("minute", sa.SmallInteger(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("stopped_notice", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_sent_at", UTCDateTime()),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkin_reminders")),
        sa.UniqueConstraint("guild_id", "user_id", name=op.f("uq_checkin_reminders_guild_id_user_id")),
    )
    op.create_index(op.f("ix_checkin_reminders_user_id"), "checkin_reminders", ["user_id"])
    op.create_table(
        "checkin_alerts",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("user_id", Snowflake, nullable=False),
        sa.Column("threshold", sa.SmallInteger(), nullable=False),
        sa.Column("consecutive", sa.SmallInteger(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_alerted_at", UTCDateTime()),
        _group_fk("checkin_alerts"),
        sa.PrimaryKeyConstraint("group_id", "user_id", name=op.f("pk_checkin_alerts")),
    )
    op.create_index(op.f("ix_checkin_alerts_user_id"), "checkin_alerts", ["user_id"])
    op.create_table(
        "checkin_prompts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.SmallInteger()),
        sa.Column("hour", sa.SmallInteger(), nullable=False),
        sa.Column("minute", sa.SmallInteger(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_posted_at", UTCDateTime()),
        _group_fk("checkin_prompts"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkin_prompts")),
        sa.UniqueConstraint("group_id", name=op.f("uq_checkin_prompts_group_id")),
    )


def downgrade() -> None:
    for table in ("checkin_prompts", "checkin_alerts", "checkin_reminders", "checkin_supports", "checkins"):
        op.drop_table(table)
