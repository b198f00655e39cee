"""Each member chooses their own reminders when they answer: meeting_rsvps.reminders.

NULL follows the meeting's reminder times; "" means no reminders; "60,1440" the minutes before chosen.

Revision ID: meetings_0003
Revises: meetings_0002
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "meetings_0003"
down_revision: str | Sequence[str] | None = "meetings_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("meeting_rsvps") as batch:
        batch.add_column(sa.Column("reminders", sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("meeting_rsvps") as batch:
        batch.drop_column("reminders")
