"""The one place sharing reaches into the moderation feature (``cogs.moderation.api``), per the contract.

Imported lazily so sharing works (and its tests run) on a tree where moderation is absent; a held
post then has no queue item and the log says so, without the author or the text.
"""

from __future__ import annotations

import importlib
import logging
from types import ModuleType
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

log = logging.getLogger(__name__)


def moderation_api() -> ModuleType | None:
    try:
        return importlib.import_module("cogs.moderation.api")
    except ModuleNotFoundError as error:
        if error.name not in {"cogs.moderation", "cogs.moderation.api"}:
            raise
        return None


async def open_item(session: AsyncSession, **fields: Any) -> int | None:
    """``cogs.moderation.api.open_item``; None when the moderation feature is not installed."""
    api = moderation_api()
    if api is None:
        log.warning("moderation feature missing: anonymous post %s gets no queue item", fields.get("post_id"))
        return None
    return int(await api.open_item(session, **fields))
