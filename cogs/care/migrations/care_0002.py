"""Care: concerns — an anonymous concern's seal, and the conversation kept for the member's inbox.

Revision ID: care_0002
Revises: care_0001
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.db import UTCDateTime

revision: str = "care_0002"
down_revision: str | Sequence[str] | None = "care_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("care_cases") as batch:
        batch.add_column(sa.Column("seal", sa.String(64)))
    op.create_table(
        "care_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("care_cases.id", ondelete="CASCADE"), nullable=False),
        sa.Column("from_member", sa.Boolean(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_care_messages_case_id", "care_messages", ["case_id"])


def downgrade() -> None:
    op.drop_table("care_messages")
    with op.batch_alter_table("care_cases") as batch:
        batch.drop_column("seal")
