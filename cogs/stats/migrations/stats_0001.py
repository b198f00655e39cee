"""Stats: each metric's figures of closed weeks as first published, frozen (issue 18).

Revision ID: stats_0001
Revises: groups_0001
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.db import UTCDateTime

revision: str = "stats_0001"
down_revision: str | Sequence[str] | None = "groups_0001"
branch_labels: str | Sequence[str] | None = ("stats",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "stats_published_weeks",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(16), nullable=False),
        sa.Column("week_start", UTCDateTime(), nullable=False),
        sa.Column("figures", sa.Text(), nullable=False),
        sa.Column("meetings", sa.Integer()),
        sa.Column("published_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name=op.f("fk_stats_published_weeks_group_id_groups"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("group_id", "metric", "week_start", name=op.f("pk_stats_published_weeks")),
    )


def downgrade() -> None:
    op.drop_table("stats_published_weeks")
