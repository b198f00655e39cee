"""Reminder DMs in the member's language: meeting_rsvps.locale.

Discord tells a bot a member's language only during an interaction, so it is remembered when they answer
or choose reminders (``de``, ``pt-BR``); NULL (every answer given before this) means the server's language.

Revision ID: meetings_0004
Revises: meetings_0003
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "meetings_0004"
down_revision: str | Sequence[str] | None = "meetings_0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("meeting_rsvps") as batch:
        batch.add_column(sa.Column("locale", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("meeting_rsvps") as batch:
        batch.drop_column("locale")
