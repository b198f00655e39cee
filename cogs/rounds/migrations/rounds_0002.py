"""Rounds: when a round went idle (it then ends by itself) and its one notice message in the channel.

Revision ID: rounds_0002
Revises: rounds_0001
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.db import Snowflake, UTCDateTime

revision: str = "rounds_0002"
down_revision: str | Sequence[str] | None = "rounds_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("rounds") as batch:
        batch.add_column(sa.Column("idle_since", UTCDateTime))
        batch.add_column(sa.Column("notice_message_id", Snowflake))


def downgrade() -> None:
    with op.batch_alter_table("rounds") as batch:
        batch.drop_column("notice_message_id")
        batch.drop_column("idle_since")
