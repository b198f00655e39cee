"""Tables for anonymous posts and blocks. No user id, name or token of an author is ever stored here."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base, Snowflake, UTCDateTime

HELD = "held"
POSTED = "posted"
REJECTED = "rejected"
DELETED = "deleted"
STATUSES = (HELD, POSTED, REJECTED, DELETED)


class AnonymousPost(Base):
    """A share (``parent_id`` null) or an anonymous reply in the thread under one."""

    __tablename__ = "anonymous_posts"
    __table_args__ = (
        Index("ix_anonymous_posts_guild_id_server_hash_created_at", "guild_id", "server_hash", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    guild_id: Mapped[int] = mapped_column(Snowflake)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    # Replies outlive an erased or expired top-level post, so the link is cut rather than cascading.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("anonymous_posts.id", ondelete="SET NULL"), index=True)
    # HMAC of (server, group, user): stable inside one group, unlinkable across groups.
    pseudonym: Mapped[str] = mapped_column(String(64), index=True)
    # HMAC of (server, user): carries blocks and rate limits; never shown to anyone.
    server_hash: Mapped[str] = mapped_column(String(64))
    # The author's label inside the thread ("OP", "Anonymous 2"); null for a top-level post.
    label: Mapped[str | None] = mapped_column(String(32))
    content: Mapped[str] = mapped_column(Text)
    content_warning: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(16))
    channel_id: Mapped[int | None] = mapped_column(Snowflake)
    message_id: Mapped[int | None] = mapped_column(Snowflake, index=True)
    thread_id: Mapped[int | None] = mapped_column(Snowflake)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # Only when the server turned on break-glass: nonce + AES-GCM(user id), key never in the database.
    author_ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)


class AnonymousBlock(Base):
    __tablename__ = "anonymous_blocks"

    guild_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    server_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The post code the block was made from, so /mod unblock can name it.
    via_code: Mapped[str | None] = mapped_column(String(32), index=True)


class SharingConfig(Base):
    """What /setup stores for anonymous sharing in a server. A missing row means the defaults below."""

    __tablename__ = "sharing_configs"

    guild_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    anonymous_sharing: Mapped[bool] = mapped_column(Boolean, default=True)
    approval_required: Mapped[bool] = mapped_column(Boolean, default=False)
    break_glass: Mapped[bool] = mapped_column(Boolean, default=False)


class GroupSharing(Base):
    """A group's own choice about anonymous posts; no row (or None) follows the server's default."""

    __tablename__ = "group_sharing"

    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True)
    shares_need_approval: Mapped[bool | None] = mapped_column(Boolean)
