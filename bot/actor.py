"""Who is acting, as the cog saw it in Discord: ids only, so services never touch discord objects."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    guild_id: int
    user_id: int
    role_ids: frozenset[int]
    is_admin: bool  # Manage Server (or the owner): may always facilitate and moderate
