"""The soak's pruning of the simulator's memory: what it drops is still counted and still "exists" for the
invariants, and a bot that asks for a pruned message is caught (the run would fail), not silently 404'd."""

from __future__ import annotations

from datetime import timedelta

import discord
import pytest
import simcord

from bench.soak_simulator import SimulatorPruner
from tests.conftest import Harness


async def test_old_messages_are_counted_then_pruned_and_a_bot_asking_for_one_is_caught(
    harness: Harness, env: simcord.Env
) -> None:
    guild = env.create_guild()
    channel = guild.create_text_channel("talk")
    ada = guild.add_member(env.create_user("ada"))
    seen: list[tuple[int, str]] = []
    pruner = SimulatorPruner(
        env.backend, keep=timedelta(hours=1), keep_last=1, on_prune=lambda c, m: seen.append((c, m.content))
    )
    try:
        old = [await ada.send(channel, f"old {n}") for n in range(3)]
        await env.advance_time(2 * 3600)
        new = await ada.send(channel, "new")
        pruner.prune(env.now())

        # The three old ones were shown to the invariants first, then dropped; the new one stays.
        assert seen == [(channel.id, f"old {n}") for n in range(3)]
        assert set(env.backend.messages[channel.id]) == {new.id}
        assert pruner.messages_pruned == 3
        # For the invariants, Discord still has them; a message that never existed is not made up.
        assert all(pruner.exists(channel.id, message.id) for message in [*old, new])
        assert not pruner.exists(channel.id, new.id + 1)
        assert env.backend.http_requests == []

        # The bot fetching a pruned message gets a 404 real Discord wouldn't give: it is counted.
        talk = harness.bot.get_channel(channel.id)
        assert isinstance(talk, discord.TextChannel)
        with pytest.raises(discord.NotFound):
            await talk.fetch_message(old[0].id)
        assert pruner.touched == 1
        assert (await talk.fetch_message(new.id)).content == "new"
        with pytest.raises(discord.NotFound):  # a message that never existed: a real 404, not counted
            await talk.fetch_message(new.id + 1)
        assert pruner.touched == 1
    finally:
        pruner.uninstall()
