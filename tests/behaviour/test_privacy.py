"""/privacy end to end through SimCord."""

from __future__ import annotations

import simcord


async def test_info_is_ephemeral_and_explains(env: simcord.Env) -> None:
    guild = env.create_guild()
    channel = guild.create_text_channel("general")
    alice = guild.add_member(env.create_user("alice"))

    result = await alice.slash(channel, "privacy info")

    assert result.ephemeral
    assert "What Hearth stores about you" in result.response.content
