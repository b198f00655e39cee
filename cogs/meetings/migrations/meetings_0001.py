"""Meetings: meetings, skipped dates, agenda items, RSVPs, reminders sent, attendance.

Revision ID: meetings_0001
Revises: groups_0001
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.db import Snowflake, UTCDateTime

revision: str = "meetings_0001"
down_revision: str | Sequence[str] | None = "groups_0001"
branch_labels: str | Sequence[str] | None = ("meetings",)
depends_on: str | Sequence[str] | None = None


def _fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["meeting_id"], ["meetings.id"], name=op.f(f"fk_{table}_meeting_id_meetings"), ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", Snowflake, nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(100), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("start_local", sa.String(19), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("rrule", sa.String(300)),
        sa.Column("voice_channel_id", Snowflake),
        sa.Column("voice_is_stage", sa.Boolean(), nullable=False),
        sa.Column("location", sa.String(100)),
        sa.Column("reminder_offsets", sa.String(100), nullable=False),
        sa.Column("show_event", sa.Boolean(), nullable=False),
        sa.Column("created_by", Snowflake, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("cancelled_at", UTCDateTime()),
        sa.Column("occurrence_at", UTCDateTime()),
        sa.Column("reminders_done", sa.String(100), nullable=False),
        sa.Column("started", sa.Boolean(), nullable=False),
        sa.Column("next_job_at", UTCDateTime()),
        sa.Column("card_channel_id", Snowflake),
        sa.Column("card_message_id", Snowflake),
        sa.Column("event_id", Snowflake),
        sa.Column("event_problem", sa.String(200)),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name=op.f("fk_meetings_group_id_groups"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
    )
    op.create_index(op.f("ix_meetings_guild_id"), "meetings", ["guild_id"])
    op.create_index(op.f("ix_meetings_group_id"), "meetings", ["group_id"])
    op.create_index(op.f("ix_meetings_voice_channel_id"), "meetings", ["voice_channel_id"])
    op.create_index(op.f("ix_meetings_next_job_at"), "meetings", ["next_job_at"])
    op.create_table(
        "meeting_skips",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("occurrence_at", UTCDateTime(), nullable=False),
        _fk("meeting_skips"),
        sa.PrimaryKeyConstraint("meeting_id", "occurrence_at", name=op.f("pk_meeting_skips")),
    )
    op.create_table(
        "meeting_agenda_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("added_by", Snowflake, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        _fk("meeting_agenda_items"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_agenda_items")),
    )
    op.create_index(op.f("ix_meeting_agenda_items_meeting_id"), "meeting_agenda_items", ["meeting_id"])
    op.create_index(op.f("ix_meeting_agenda_items_added_by"), "meeting_agenda_items", ["added_by"])
    op.create_table(
        "meeting_rsvps",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("user_id", Snowflake, nullable=False),
        sa.Column("occurrence_key", sa.String(32), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        _fk("meeting_rsvps"),
        sa.PrimaryKeyConstraint("meeting_id", "user_id", "occurrence_key", name=op.f("pk_meeting_rsvps")),
    )
    op.create_index(op.f("ix_meeting_rsvps_user_id"), "meeting_rsvps", ["user_id"])
    op.create_table(
        "meeting_reminders_sent",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("occurrence_at", UTCDateTime(), nullable=False),
        sa.Column("offset_minutes", sa.Integer(), nullable=False),
        sa.Column("user_id", Snowflake, nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=False),
        _fk("meeting_reminders_sent"),
        sa.PrimaryKeyConstraint(
            "meeting_id", "occurrence_at", "offset_minutes", "user_id", name=op.f("pk_meeting_reminders_sent")
        ),
    )
    op.create_index(op.f("ix_meeting_reminders_sent_user_id"), "meeting_reminders_sent", ["user_id"])
    op.create_table(
        "meeting_attendance",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("occurrence_at", UTCDateTime(), nullable=False),
        sa.Column("user_id", Snowflake, nullable=False),
        sa.Column("joined_at", UTCDateTime()),
        sa.Column("seconds", sa.Integer(), nullable=False),
        sa.Column("attended", sa.Boolean()),
        _fk("meeting_attendance"),
        sa.PrimaryKeyConstraint("meeting_id", "occurrence_at", "user_id", name=op.f("pk_meeting_attendance")),
    )
    op.create_index(op.f("ix_meeting_attendance_user_id"), "meeting_attendance", ["user_id"])


def downgrade() -> None:
    for table in (
        "meeting_attendance",
        "meeting_reminders_sent",
        "meeting_rsvps",
        "meeting_agenda_items",
        "meeting_skips",
        "meetings",
    ):
        op.drop_table(table)
