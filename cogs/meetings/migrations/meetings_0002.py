"""Meetings owns a group's choice about scheduled events: groups.public_events moves to group_events.

Revision ID: meetings_0002
Revises: meetings_0001
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "meetings_0002"
down_revision: str | Sequence[str] | None = "meetings_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "group_events",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("public_events", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name=op.f("fk_group_events_group_id_groups"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("group_id", name=op.f("pk_group_events")),
    )
    op.execute(
        "INSERT INTO group_events (group_id, public_events) SELECT id, public_events FROM groups WHERE public_events"
    )
    # Plain DROP COLUMN (SQLite >= 3.35): batch mode would rebuild groups, and dropping the old table
    # with foreign keys on would cascade-delete every membership.
    op.drop_column("groups", "public_events")


def downgrade() -> None:
    op.add_column("groups", sa.Column("public_events", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute(
        "UPDATE groups SET public_events = COALESCE("
        "(SELECT e.public_events FROM group_events e WHERE e.group_id = groups.id), public_events)"
    )
    op.drop_table("group_events")
