"""The moderator queue is for moderators and admins only: /setup says so when it isn't, and a queue channel
others can read never gets a member's words or name (issue 11, "The moderator queue must be private")."""

from __future__ import annotations

import discord
from simcord.backend.models.channel import Overwrite
from simcord.enums import OverwriteType

from tests.conftest import Harness
from tests.moderation.support import SEE, make_server, private_queue, report, text_of


async def test_setup_warns_about_a_queue_everyone_can_read_and_cards_there_carry_no_words(harness: Harness) -> None:
    s = await make_server(harness)
    public = s.guild.create_text_channel("reports")

    done = await s.owner.slash(s.general, "setup", mod_queue=public)

    said = text_of(done)
    assert done.ephemeral and "Saved" in said
    assert "can be read by @everyone" in said and "View Channel" in said
    message = await s.alice.send(s.channel, "everyone here is pathetic")
    await report(s.bob, s.channel, message, "Insulting")
    card = public.last_message
    assert card is not None
    assert "pathetic" not in card.content and "Insulting" not in card.content
    assert s.alice.mention not in card.content and str(s.alice.id) not in card.content
    assert "`/mod queue`" in card.content
    # The moderator still reads it whole, privately.
    queue = await s.maya.slash(s.general, "mod queue")
    assert queue.ephemeral and "pathetic" in text_of(queue)


async def test_setup_names_a_role_that_isnt_the_moderators_and_a_private_queue_is_quiet(harness: Harness) -> None:
    s = await make_server(harness)
    helpers = s.guild.create_role("Helpers")
    leaky = private_queue(harness.env, s.guild, s.guild.roles["Moderators"], name="mods-and-helpers")
    harness.env.backend.set_overwrite(
        leaky.id,
        Overwrite(target_id=helpers.id, type=OverwriteType.ROLE, allow=SEE.pair()[0].value, deny=0),
    )
    await harness.env.settle()

    said = text_of(await s.owner.slash(s.general, "setup", mod_queue=leaky))
    assert "can be read by @Helpers" in said and "@everyone" not in said

    said = text_of(await s.owner.slash(s.general, "setup", mod_queue=s.queue))
    assert "Saved" in said and "⚠️" not in said


async def test_a_queue_that_becomes_public_later_loses_the_words_on_its_cards_and_says_why(harness: Harness) -> None:
    s = await make_server(harness)
    message = await s.alice.send(s.channel, "you are all useless")
    await report(s.bob, s.channel, message)
    card = s.card()
    assert "useless" in card.content  # private: moderators read it on the card

    everyone = s.guild.default_role
    harness.env.backend.set_overwrite(
        s.queue.id,
        Overwrite(
            target_id=everyone.id,
            type=OverwriteType.ROLE,
            allow=discord.Permissions(view_channel=True).value,
            deny=0,
        ),
    )
    await harness.env.settle()

    history = s.queue.history()
    warning = history[-1]
    assert "can be read by @everyone" in warning.content and "useless" not in warning.content
    edited = next(m for m in history if m.id == card.id)
    assert "useless" not in edited.content and s.alice.mention not in edited.content
    # Buttons stay: only moderators can use them, and they re-check on the server.
    assert "Dismiss" in str(edited.components)
