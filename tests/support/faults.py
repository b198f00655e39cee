"""Discord failing under the bot, every way a REST call fails in production.

SimCord's ``inject_error`` answers with a status only; a timeout never reaches it (aiohttp raises
before any response), and discord.py turns an exhausted 429 into an ``HTTPException`` carrying
``retry_after``. So this fails SimCord's transport itself and raises what discord.py would raise
after its own retries:

- ``500``: ``DiscordServerError`` (discord.py retried 5xx and gave up);
- ``429``: ``HTTPException`` with status 429 and a ``retry_after`` (retries exhausted);
- ``403``: ``Forbidden`` (Missing Access, 50001);
- ``404``: ``NotFound`` (Unknown Channel, 10003);
- ``timeout``: ``TimeoutError`` (aiohttp's request timeout; not an ``HTTPException``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import discord
from simcord.http import router as simcord_router

FAULT_KINDS = ("500", "429", "403", "404", "timeout")
TRANSIENT_KINDS = {"500", "429", "timeout"}


class _Response:
    """Just enough of an aiohttp response for discord.py's ``HTTPException``."""

    def __init__(self, status: int, reason: str) -> None:
        self.status = status
        self.reason = reason
        self.headers: dict[str, str] = {}


def fault(kind: str) -> BaseException:
    """A fresh exception of this kind, as discord.py raises it."""
    if kind == "timeout":
        return TimeoutError()
    if kind == "500":
        return discord.DiscordServerError(_Response(500, "Internal Server Error"), {"message": "500", "code": 0})
    if kind == "429":
        data = {"message": "You are being rate limited.", "retry_after": 2.5, "global": False, "code": 0}
        return discord.HTTPException(_Response(429, "Too Many Requests"), data)
    if kind == "403":
        return discord.Forbidden(_Response(403, "Forbidden"), {"message": "Missing Access", "code": 50001})
    if kind == "404":
        return discord.NotFound(_Response(404, "Not Found"), {"message": "Unknown Channel", "code": 10003})
    raise ValueError(f"no such fault kind: {kind}")


@contextmanager
def discord_failing(kind: str) -> Iterator[list[str]]:
    """Every REST call the bot makes fails with ``kind`` until the block ends, except the answers to
    interactions (their callbacks and followups); yields the calls that failed (``"METHOD /path"``).

    The fault is raised where SimCord's transport answers (``simcord.http.router.dispatch``), that is
    inside the bot's HTTP client, where aiohttp raises in production: whatever Hearth wraps around
    the client (``bot.interactions.rest_timeouts_as_errors``) sees it as it would on Discord."""
    dispatch = simcord_router.dispatch
    failed: list[str] = []

    def failing(backend: Any, method: str, path: str, **kwargs: Any) -> Any:
        if path.startswith(("/interactions/", "/webhooks/")):
            return dispatch(backend, method, path, **kwargs)
        failed.append(f"{method} {path}")
        raise fault(kind)

    simcord_router.dispatch = failing
    try:
        yield failed
    finally:
        simcord_router.dispatch = dispatch


@contextmanager
def discord_slow(bot: discord.Client, seconds: float, *, calls: int = 1) -> Iterator[list[str]]:
    """The next ``calls`` REST calls each wait ``seconds`` before Discord answers (a slow Discord, as
    the three-second deadline meets it); yields the calls slowed so far. The wait is an ordinary
    ``asyncio.sleep`` in the bot's task, so under SimCord it passes in virtual time: the test moves
    the clock (``env.advance_time``) and sees what the bot did meanwhile."""
    http = bot.http
    original = http.request
    slowed: list[str] = []

    async def request(route: Any, **kwargs: Any) -> Any:
        if len(slowed) < calls:
            slowed.append(f"{route.method} {route.path}")
            await asyncio.sleep(seconds)
        return await original(route, **kwargs)

    http.request = request  # type: ignore[method-assign]
    try:
        yield slowed
    finally:
        del http.request
