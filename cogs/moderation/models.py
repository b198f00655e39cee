"""Tables for the moderator queue (items and the reports on them) and the audit log.

Nothing here can name a reporter: a report carries only ``reporter_key``, an HMAC of
(server, message, reporter) that answers "did this person already report this message?" and nothing else.
An item about an anonymous post carries the post's id, never its author.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base, Snowflake, UTCDateTime


class ModItem(Base):
    __tablename__ = "mod_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(Snowflake, index=True)
    kind: Mapped[str] = mapped_column(String(16))  # report | held | flag
    status: Mapped[str] = mapped_column(String(16), index=True)  # open | closed
    channel_id: Mapped[int | None] = mapped_column(Snowflake)
    message_id: Mapped[int | None] = mapped_column(Snowflake, index=True)
    post_id: Mapped[int | None] = mapped_column(Integer, index=True)  # anonymous_posts.id, no FK on purpose
    author_id: Mapped[int | None] = mapped_column(Snowflake, index=True)  # non-anonymous messages only
    excerpt: Mapped[str] = mapped_column(String(300), default="")
    report_count: Mapped[int] = mapped_column(Integer, default=0)
    card_channel_id: Mapped[int | None] = mapped_column(Snowflake)
    card_message_id: Mapped[int | None] = mapped_column(Snowflake)
    # What moderators did so far, one short line each (e.g. "warned by <@1>"); shown on the card.
    actions: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by: Mapped[int | None] = mapped_column(Snowflake)
    resolution: Mapped[str | None] = mapped_column(String(100))


class ModReport(Base):
    __tablename__ = "mod_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("mod_items.id", ondelete="CASCADE"), index=True)
    # HMAC("reporter", guild, message, user); null for reasons Hearth itself gives (held, flagged).
    reporter_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    reason: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AuditEntry(Base):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(Snowflake, index=True)
    actor_id: Mapped[int] = mapped_column(Snowflake, index=True)  # the moderator; 0 once they erased their data
    action: Mapped[str] = mapped_column(String(32))
    target: Mapped[str] = mapped_column(String(200))  # e.g. "anonymous post K3F9QX2M"; never an anonymous author
    item_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class ModerationConfig(Base):
    """What /setup stores for moderation in a server. A missing row means neither is set."""

    __tablename__ = "moderation_configs"

    guild_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    moderator_role_id: Mapped[int | None] = mapped_column(Snowflake)
    mod_queue_channel_id: Mapped[int | None] = mapped_column(Snowflake)
