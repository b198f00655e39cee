"""The moderator queue is for moderators and admins only: /setup says so when it isn't, and a queue channel
others can read never gets a member's words or name (issue 11, "The moderator queue must be private")."""

from __future__ import annotations

import discord
from simcord.backend.models.channel import Overwrite
from simcord.enums import OverwriteType

from cogs.moderation.models import ModerationConfig
from tests.conftest import Harness
from tests.moderation.support import SEE, Server, make_server, private_queue, report, text_of


async def configured_queue(harness: Harness, guild_id: int) -> int | None:
    async with harness.bot.db.read() as session:
        config = await session.get(ModerationConfig, guild_id)
        return None if config is None else config.mod_queue_channel_id


async def test_setup_refuses_a_queue_everyone_can_read_until_confirmed_and_saves_nothing(harness: Harness) -> None:
    s = await make_server(harness)
    public = s.guild.create_text_channel("reports")

    done = await s.owner.slash(s.general, "setup", mod_queue=public)

    said = text_of(done)
    assert done.ephemeral and "Nothing was saved" in said and "Saved." not in said
    assert "can be read by @everyone" in said and "View Channel" in said
    assert "confirm_public_queue:True" in said
    assert await configured_queue(harness, s.guild.id) == s.queue.id  # the private queue is still the queue
    # Not confirming is cancelling: an item still goes, whole, to the private queue.
    message = await s.alice.send(s.channel, "everyone here is rotten")
    await report(s.bob, s.channel, message, "Insulting")
    assert "rotten" in s.card().content and public.last_message is None


async def test_setup_with_confirmation_saves_a_public_queue_and_cards_there_carry_no_words(harness: Harness) -> None:
    s = await make_server(harness)
    public = s.guild.create_text_channel("reports")

    done = await s.owner.slash(s.general, "setup", mod_queue=public, confirm_public_queue=True)

    said = text_of(done)
    assert done.ephemeral and "Saved" in said
    assert "can be read by @everyone" in said and "View Channel" in said
    assert await configured_queue(harness, s.guild.id) == public.id
    message = await s.alice.send(s.channel, "everyone here is pathetic")
    await report(s.bob, s.channel, message, "Insulting")
    card = public.last_message
    assert card is not None
    assert "pathetic" not in card.content and "Insulting" not in card.content
    assert s.alice.mention not in card.content and str(s.alice.id) not in card.content
    assert "</mod queue:" in card.content
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
    assert "can be read by @Helpers" in said and "@everyone" not in said and "Nothing was saved" in said

    said = text_of(await s.owner.slash(s.general, "setup", mod_queue=s.queue))
    assert "Saved" in said and "⚠️" not in said


def make_public(harness: Harness, channel_id: int, everyone_id: int) -> None:
    harness.env.backend.set_overwrite(
        channel_id,
        Overwrite(
            target_id=everyone_id,
            type=OverwriteType.ROLE,
            allow=discord.Permissions(view_channel=True).value,
            deny=0,
        ),
    )


def owner_dms(s: Server) -> list[str]:
    dm = s.owner.user.dm_channel
    return [] if dm is None else [m.content for m in dm.history()]


async def test_a_queue_that_becomes_public_later_loses_the_words_on_its_cards_and_the_owner_is_told_once(
    harness: Harness,
) -> None:
    s = await make_server(harness)
    message = await s.alice.send(s.channel, "you are all useless")
    await report(s.bob, s.channel, message)
    card = s.card()
    assert "useless" in card.content  # private: moderators read it on the card

    make_public(harness, s.queue.id, s.guild.default_role.id)
    await harness.env.settle()

    history = s.queue.history()
    warning = history[-1]
    assert "can be read by @everyone" in warning.content and "useless" not in warning.content
    edited = next(m for m in history if m.id == card.id)
    assert "useless" not in edited.content and s.alice.mention not in edited.content
    # Buttons stay: only moderators can use them, and they re-check on the server.
    assert "Dismiss" in str(edited.components)
    # The owner, who may never open that channel, hears it privately, without the member's words.
    told = owner_dms(s)
    assert len(told) == 1 and "can now be read by @everyone" in told[0] and "useless" not in told[0]
    assert "/mod queue" in told[0]
    # Another change to the (still public) channel tells nobody again.
    helpers = s.guild.create_role("Helpers")
    harness.env.backend.set_overwrite(
        s.queue.id,
        Overwrite(target_id=helpers.id, type=OverwriteType.ROLE, allow=SEE.pair()[0].value, deny=0),
    )
    await harness.env.settle()
    assert len(owner_dms(s)) == 1
    assert len([m for m in s.queue.history() if m.content.startswith("⚠️")]) == 1
    # The item is kept: the moderator still reads it whole in /mod queue.
    queue = await s.maya.slash(s.general, "mod queue")
    assert "useless" in text_of(queue)


async def test_dms_refused_the_owner_is_told_in_the_system_channel_without_pings(harness: Harness) -> None:
    s = await make_server(harness)
    harness.env.backend.edit_guild(s.guild.id, {"system_channel_id": s.general.id})
    harness.env.inject_error("POST", "/users/@me/channels", status=403, code=50007, times=None)

    make_public(harness, s.queue.id, s.guild.default_role.id)
    await harness.env.settle()

    posted = [m for m in s.general.history() if m.author.bot]
    assert len(posted) == 1 and "can now be read by @everyone" in posted[0].content
    assert not posted[0].mentions and not posted[0].role_mentions and not posted[0].mention_everyone
