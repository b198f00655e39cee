"""Groups: a per-group, per-quarter-hour counter of members who left (no user ids), for /facilitate stats (issue 18).

Revision ID: groups_0002
Revises: groups_0001
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.db import UTCDateTime

revision: str = "groups_0002"
down_revision: str | Sequence[str] | None = "groups_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "group_departures",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("bucket_start", UTCDateTime(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name=op.f("fk_group_departures_group_id_groups"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("group_id", "bucket_start", name=op.f("pk_group_departures")),
    )


def downgrade() -> None:
    op.drop_table("group_departures")
