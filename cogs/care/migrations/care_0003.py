"""Care: a server's own reviewed crisis message per language (issue 15: crisis texts fall back to English unless
the server supplies its own).

Revision ID: care_0003
Revises: care_0002
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "care_0003"
down_revision: str | Sequence[str] | None = "care_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("care_configs") as batch:
        batch.add_column(sa.Column("crisis_texts", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("care_configs") as batch:
        batch.drop_column("crisis_texts")
