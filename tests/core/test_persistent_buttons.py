"""The persistent-button base (bot/buttons.py), seen by a member pressing a button after a restart."""

from __future__ import annotations

import simcord

from cogs.groups.models import GuidelinesAcceptance
from tests.conftest import Harness
from tests.groups.support import said, server
from tests.groups.test_behaviour import count, group_row, public_group


async def test_a_button_whose_feature_is_not_running_says_so_and_changes_nothing(
    harness: Harness, env: simcord.Env
) -> None:
    s = await server(env)
    await public_group(s)
    group = await group_row(harness, s.guild, "Caregivers")
    joined = await s.mia.slash(s.general, "group join", group="Caregivers")
    await harness.bot.remove_cog("GroupsCog")  # the feature was switched off since the message was posted

    pressed = await s.mia.click(joined.response.message, label="I accept")

    assert pressed.ephemeral
    assert "isn't running right now. Nothing was changed" in said(pressed)
    assert await count(harness, GuidelinesAcceptance, group_id=group.id, user_id=s.mia.id) == 0


async def test_an_error_inside_a_button_reaches_the_member_with_a_reference(harness: Harness, env: simcord.Env) -> None:
    s = await server(env)
    await public_group(s)
    joined = await s.mia.slash(s.general, "group join", group="Caregivers")
    cog = harness.bot.get_cog("GroupsCog")

    async def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("a bug")

    cog.accept_guidelines = broken  # type: ignore[union-attr]
    pressed = await s.mia.click(joined.response.message, label="I accept")

    # discord.py alone would only log it and the member would see "This interaction failed".
    assert pressed.ephemeral and "reference" in said(pressed).lower()
