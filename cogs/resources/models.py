"""Tables of the resource library. The full-text index is not mapped here: it is an FTS5 table kept by
triggers on SQLite and a generated ``tsvector`` column on PostgreSQL (see the migration)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base, Snowflake, UTCDateTime


class Resource(Base):
    __tablename__ = "resources"
    __table_args__ = (
        # One title per library: ``scope`` is the group id, or 0 for the server-wide library.
        UniqueConstraint("guild_id", "scope", "title_key", name="uq_resources_guild_id_scope_title_key"),
        Index("ix_resources_scope_status", "guild_id", "scope", "status"),
        Index("ix_resources_author_id", "author_id"),
        Index("ix_resources_quoted_user_id", "quoted_user_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(Snowflake)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    scope: Mapped[int] = mapped_column(Integer)
    # None once the author erased their data and chose to leave the resource for others.
    author_id: Mapped[int | None] = mapped_column(Snowflake)
    # "Save as resource" on someone else's message: their words, erased with their data.
    quoted_user_id: Mapped[int | None] = mapped_column(Snowflake)
    title: Mapped[str] = mapped_column(String(100))
    title_key: Mapped[str] = mapped_column(String(100))
    url: Mapped[str | None] = mapped_column(String(2000))
    description: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[str] = mapped_column(String(200), default="")  # space-separated, lower case
    status: Mapped[str] = mapped_column(String(16))  # "live" or "pending" (a suggestion to approve)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    helpful: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ResourceVote(Base):
    """One "helpful" per member per resource."""

    __tablename__ = "resource_votes"

    resource_id: Mapped[int] = mapped_column(ForeignKey("resources.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, index=True)


class ResourceSettings(Base):
    """Per group: whether members' additions wait for a facilitator's approval."""

    __tablename__ = "resource_settings"

    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True)
    suggest_only: Mapped[bool] = mapped_column(Boolean, default=False)


#: Database objects the migration makes that the models deliberately leave out (the full-text index);
#: the migrations-match-models test skips them.
Base.metadata.info.setdefault("unmapped", set()).update({"resources_fts", "resources.search", "ix_resources_search"})
