"""Tables for servers' settings, groups, memberships, guidelines and facilitators."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base, Snowflake, UTCDateTime


class GuildConfig(Base):
    """What /setup stores for groups in a server (other features keep their own settings). No row: defaults."""

    __tablename__ = "guild_configs"

    guild_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    facilitator_role_id: Mapped[int | None] = mapped_column(Snowflake)
    timezone: Mapped[str | None] = mapped_column(String(64))


class Group(Base):
    __tablename__ = "groups"
    __table_args__ = (UniqueConstraint("guild_id", "name_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(Snowflake, index=True)
    name: Mapped[str] = mapped_column(String(50))
    # Lower-cased name: names are unique per server regardless of case.
    name_key: Mapped[str] = mapped_column(String(50))
    description: Mapped[str] = mapped_column(String(300), default="")
    private: Mapped[bool] = mapped_column(Boolean, default=False)
    role_id: Mapped[int | None] = mapped_column(Snowflake)
    channel_id: Mapped[int | None] = mapped_column(Snowflake, index=True)
    # True when Hearth created the channel (and may delete or restrict it); False for a channel given to it.
    owns_channel: Mapped[bool] = mapped_column(Boolean, default=True)
    # True: the role has a neutral name ("Hearth circle 4F2K") so wearing it outs no one; False: the group's name.
    neutral_role: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    guidelines: Mapped[str] = mapped_column(Text, default="")
    guidelines_version: Mapped[int] = mapped_column(Integer, default=1)
    timezone: Mapped[str | None] = mapped_column(String(64))
    created_by: Mapped[int] = mapped_column(Snowflake)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class GroupMember(Base):
    __tablename__ = "group_members"

    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, index=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime)


class GroupFacilitator(Base):
    __tablename__ = "group_facilitators"

    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, index=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)


class GuidelinesAcceptance(Base):
    __tablename__ = "guidelines_acceptances"

    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, index=True)
    version: Mapped[int] = mapped_column(Integer)
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime)


class JoinRequest(Base):
    __tablename__ = "join_requests"
    __table_args__ = (UniqueConstraint("group_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(Snowflake, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The facilitator-view message carrying the Approve/Decline buttons, to tidy it once decided.
    message_channel_id: Mapped[int | None] = mapped_column(Snowflake)
    message_id: Mapped[int | None] = mapped_column(Snowflake)


class MemberProfile(Base):
    """Per-person preferences shared by features (their timezone)."""

    __tablename__ = "member_profiles"

    user_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    timezone: Mapped[str | None] = mapped_column(String(64))


class GroupDeparture(Base):
    """How many members left a group in each quarter hour: a counter, never who (issue 18). Leaving deletes
    the membership; this is what lets /facilitate stats count departures under the aggregate rule. Quarter hours line
    up with every timezone's week boundaries (all UTC offsets are whole quarter hours)."""

    __tablename__ = "group_departures"

    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True)
    bucket_start: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
