"""The few calls moderation makes into anonymous sharing (``cogs/sharing/api.py``), looked up at call
time so the two features stay independent: without sharing, no message is an anonymous post."""

from __future__ import annotations

import importlib
from datetime import datetime
from types import ModuleType
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.keys import Keyring


def _api() -> ModuleType | None:
    try:
        return importlib.import_module("cogs.sharing.api")
    except ModuleNotFoundError as error:
        if error.name in {"cogs.sharing", "cogs.sharing.api"}:
            return None
        raise


def _notify() -> ModuleType | None:
    try:
        return importlib.import_module("cogs.sharing.notify")
    except ModuleNotFoundError as error:
        if error.name in {"cogs.sharing", "cogs.sharing.notify"}:
            return None
        raise


async def post_by_message(session: AsyncSession, guild_id: int, message_id: int) -> Any | None:
    api = _api()
    return None if api is None else await api.post_by_message(session, guild_id, message_id)


async def post_by_id(session: AsyncSession, post_id: int) -> Any | None:
    api = _api()
    return None if api is None else await api.post_by_id(session, post_id)


async def post_by_code(session: AsyncSession, guild_id: int, code: str) -> Any | None:
    api = _api()
    return None if api is None else await api.post_by_code(session, guild_id, code)


async def block_author(session: AsyncSession, post: Any, now: datetime) -> None:
    api = _api()
    if api is not None:
        await api.block_author(session, post, now=now)


async def unblock_by_code(session: AsyncSession, guild_id: int, code: str) -> bool:
    api = _api()
    return False if api is None else bool(await api.unblock_by_code(session, guild_id, code))


async def mark_deleted(session: AsyncSession, post: Any) -> None:
    api = _api()
    if api is not None:
        await api.mark_deleted(session, post)


async def set_status(session: AsyncSession, post: Any, status: str) -> None:
    api = _api()
    if api is not None:
        await api.set_status(session, post, status)


async def reveal_author(session: AsyncSession, keys: Keyring, post: Any) -> int | None:
    api = _api()
    return None if api is None else await api.reveal_author(session, keys, post)


async def dm_author(bot: Any, post_id: int, text: str) -> bool:
    notify = _notify()
    return False if notify is None else bool(await notify.dm_author(bot, post_id, text))
