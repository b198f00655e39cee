"""Check-ins: figures of closed weeks as first published, frozen (issue 12).

Revision ID: checkins_0002
Revises: checkins_0001
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.db import UTCDateTime

revision: str = "checkins_0002"
down_revision: str | Sequence[str] | None = "checkins_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "checkin_published_weeks",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("week_start", UTCDateTime(), nullable=False),
        sa.Column("figures", sa.Text(), nullable=False),
        sa.Column("published_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["groups.id"],
            name=op.f("fk_checkin_published_weeks_group_id_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("group_id", "week_start", name=op.f("pk_checkin_published_weeks")),
    )


def downgrade() -> None:
    op.drop_table("checkin_published_weeks")
