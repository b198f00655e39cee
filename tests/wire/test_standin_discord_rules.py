"""The stand-in keeps the Discord rules the scale-out tests rely on (issue 20): a dropped session resumes
without a new IDENTIFY, a message sent twice with the same nonce and ``enforce_nonce`` is created once, and
over 50 requests a second draw a global 429 (interaction replies exempt)."""

from __future__ import annotations

import asyncio

import aiohttp
import discord

from tests.wire.standin import DiscordStandin
from tests.wire.test_wire_smoke import STARTUP_TIMEOUT, StartBot, _wait


async def test_a_dropped_session_resumes_and_still_answers(start_bot: StartBot) -> None:
    async with DiscordStandin(heartbeat_interval_ms=1000) as standin:
        bot = await start_bot(standin)
        await _wait(standin, bot, lambda: standin.state.synced_commands and standin.state.identifies, STARTUP_TIMEOUT)

        await standin.drop_session(0)
        await _wait(standin, bot, lambda: standin.state.resumes, STARTUP_TIMEOUT)

        assert len(standin.state.identifies) == 1, "the bot identified again instead of resuming"
        await standin.send_interaction("privacy", subcommand="info")
        reply = await _wait(standin, bot, lambda: next((r for r in standin.replies if r.text), None), 30)
        assert "store" in reply.text.lower()


async def _client(standin: DiscordStandin) -> discord.http.HTTPClient:
    discord.http.Route.BASE = standin.api_base
    client = discord.http.HTTPClient(asyncio.get_running_loop())
    await client.static_login(standin.token)
    return client


async def test_the_same_nonce_creates_one_message() -> None:
    old_base = discord.http.Route.BASE
    async with DiscordStandin() as standin:
        client = await _client(standin)
        try:
            params = discord.http.handle_message_parameters(content="reminder", nonce="delivery-7")
            params.payload["enforce_nonce"] = True
            first = await client.send_message(123, params=params)
            again = await client.send_message(123, params=params)
            other_channel = await client.send_message(456, params=params)
        finally:
            await client.close()
            discord.http.Route.BASE = old_base
    assert again["id"] == first["id"]
    assert other_channel["id"] != first["id"]  # a nonce counts per channel
    assert len(standin.state.channel_messages) == 2
    assert standin.state.nonce_hits == 1


async def test_over_the_global_limit_discord_answers_429_except_for_interaction_replies() -> None:
    old_base = discord.http.Route.BASE
    async with DiscordStandin(global_limit=5) as standin:
        client = await _client(standin)
        try:
            params = discord.http.handle_message_parameters(content="hello")
            for _ in range(8):
                await client.send_message(123, params=params)
        finally:
            await client.close()
            discord.http.Route.BASE = old_base
        # Still over the limit now, yet an interaction reply goes through: Discord exempts those.
        async with aiohttp.ClientSession() as session:
            for _ in range(5):
                await session.get(standin.api_base + "/users/@me")
            callback = standin.api_base + "/interactions/1/token/callback"
            async with session.post(callback, json={"type": 4, "data": {"content": "hi"}}) as response:
                assert response.status == 200
            async with session.get(standin.api_base + "/users/@me") as response:
                assert response.status == 429
                assert (await response.json())["global"] is True
    # discord.py waited the 429 out: all eight arrived, the sixth after a wait.
    assert standin.state.global_429s >= 1
    assert len(standin.state.channel_messages) == 8
