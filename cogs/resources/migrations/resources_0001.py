"""Resources: the shared library, helpful votes, per-group suggestion setting, and the full-text index.

Revision ID: resources_0001
Revises: groups_0001
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.db import Snowflake, UTCDateTime

revision: str = "resources_0001"
down_revision: str | Sequence[str] | None = "groups_0001"
branch_labels: str | Sequence[str] | None = ("resources",)
depends_on: str | Sequence[str] | None = None

# SQLite: an FTS5 table holding only live resources, kept by triggers. ``scope`` holds one token
# (g<group id> or s<server id>) so a search inside one library is an index intersection, not a filter
# over every match in every group. Prefix indexes of 3 and 4 letters keep search-as-you-type fast.
_INSERT_LIVE = (
    "INSERT INTO resources_fts (rowid, scope, title, tags, description) "
    "SELECT new.id, CASE WHEN new.group_id IS NULL THEN 's' || new.guild_id ELSE 'g' || new.group_id END, "
    "new.title, new.tags, new.description WHERE new.status = 'live';"
)
SQLITE = [
    "CREATE VIRTUAL TABLE resources_fts USING fts5(scope, title, tags, description, "
    "tokenize = 'porter unicode61', prefix = '3 4')",
    "CREATE TRIGGER resources_fts_insert AFTER INSERT ON resources BEGIN " + _INSERT_LIVE + " END",
    "CREATE TRIGGER resources_fts_update AFTER UPDATE ON resources BEGIN "  # noqa: S608 (constant SQL)
    "DELETE FROM resources_fts WHERE rowid = old.id; " + _INSERT_LIVE + " END",
    "CREATE TRIGGER resources_fts_delete AFTER DELETE ON resources BEGIN "
    "DELETE FROM resources_fts WHERE rowid = old.id; END",
]
# PostgreSQL: a generated, weighted tsvector (title > tags > description) with a GIN index.
POSTGRESQL = [
    "ALTER TABLE resources ADD COLUMN search tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('english', title), 'A') || "
    "setweight(to_tsvector('english', tags), 'B') || "
    "setweight(to_tsvector('english', description), 'C')) STORED",
    "CREATE INDEX ix_resources_search ON resources USING gin (search)",
]


def upgrade() -> None:
    op.create_table(
        "resources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", Snowflake, nullable=False),
        sa.Column("group_id", sa.Integer()),
        sa.Column("scope", sa.Integer(), nullable=False),
        sa.Column("author_id", Snowflake),
        sa.Column("quoted_user_id", Snowflake),
        sa.Column("title", sa.String(100), nullable=False),
        sa.Column("title_key", sa.String(100), nullable=False),
        sa.Column("url", sa.String(2000)),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("tags", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("pinned", sa.Boolean(), nullable=False),
        sa.Column("helpful", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name=op.f("fk_resources_group_id_groups"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resources")),
        sa.UniqueConstraint("guild_id", "scope", "title_key", name="uq_resources_guild_id_scope_title_key"),
    )
    op.create_index("ix_resources_scope_status", "resources", ["guild_id", "scope", "status"])
    op.create_index("ix_resources_author_id", "resources", ["author_id"])
    op.create_index("ix_resources_quoted_user_id", "resources", ["quoted_user_id"])
    op.create_table(
        "resource_votes",
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("user_id", Snowflake, nullable=False),
        sa.ForeignKeyConstraint(
            ["resource_id"], ["resources.id"], name=op.f("fk_resource_votes_resource_id_resources"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("resource_id", "user_id", name=op.f("pk_resource_votes")),
    )
    op.create_index(op.f("ix_resource_votes_user_id"), "resource_votes", ["user_id"])
    op.create_table(
        "resource_settings",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("suggest_only", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name=op.f("fk_resource_settings_group_id_groups"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("group_id", name=op.f("pk_resource_settings")),
    )
    for statement in SQLITE if op.get_bind().dialect.name == "sqlite" else POSTGRESQL:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS resources_fts_{trigger}")
        op.execute("DROP TABLE IF EXISTS resources_fts")
    op.drop_table("resource_settings")
    op.drop_table("resource_votes")
    op.drop_table("resources")
