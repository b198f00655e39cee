"""/facilitate round end to end through SimCord: commands, buttons, timers, voice mode, restarts."""

from __future__ import annotations

import asyncio

import discord
import pytest
import simcord

from cogs.rounds import domain as d
from tests.conftest import Harness
from tests.rounds.helpers import buttons, cog, control, live_message, live_view, message_by_id, refused
from tests.support.commands import allow
from tests.support.groups import GroupFixture, make_group


async def circle(
    harness: Harness, env: simcord.Env, *names: str, accepted: bool = True
) -> tuple[simcord.GuildHandle, simcord.MemberActor, list[simcord.MemberActor], GroupFixture]:
    guild = env.create_guild()
    fay = guild.add_member(env.create_user("fay"))
    people = [guild.add_member(env.create_user(name)) for name in names]
    group = await make_group(harness, guild, "Circle", members=people, facilitators=[fay], accepted=accepted)
    return guild, fay, people, group


def mentions(*people: simcord.MemberActor) -> str:
    return " ".join(f"<@{p.id}>" for p in people)


async def test_a_whole_round_of_four(harness: Harness, env: simcord.Env) -> None:
    _guild, fay, (ann, bob, cat, dan), group = await circle(harness, env, "ann", "bob", "cat", "dan")
    channel = group.channel

    started = await fay.slash(
        channel, "facilitate round start", topic="How was your week?", minutes=1, present=mentions(ann, bob, cat)
    )
    assert started.ephemeral
    assert "Round started" in started.response.content
    message = await live_message(harness, channel)
    assert f"<@{ann.id}> holds the stick" in message.content
    assert "How was your week?" in message.content
    # Members see only their own buttons; facilitators' controls open privately from one button.
    assert buttons(message) == [
        "Join queue", "Leave queue", "Pass", "Pass, come back to me", "Done", "Facilitator controls",
    ]  # fmt: skip

    joined = await dan.click(message, label="Join queue")
    assert joined.ephemeral
    assert "number 3" in joined.response.content

    # Wrong hands: a member opening the facilitators' panel, someone else's Done.
    refused = await bob.click(message, label="Facilitator controls")
    assert refused.ephemeral
    assert "These controls are for the group's facilitators" in refused.response.content
    panel = await fay.click(message, label="Facilitator controls")
    assert panel.ephemeral
    assert "only you see this" in panel.response.content
    assert buttons(panel.response.message) == ["Next", "Skip", "Pause", "+1 min", "End"]
    not_yours = await bob.click(message, label="Done")
    assert "Only the person holding the stick" in not_yours.response.content
    assert (await live_view(harness, channel)).state.holder == ann.id

    # The warning reaches the holder (and only them) when 30 s remain.
    edits_before = sum(1 for r in env.http_requests if r.method == "PATCH")
    await env.advance_time(31)
    first_warning = channel.last_message
    assert first_warning is not None
    warning = channel.last_message
    assert warning is not None
    assert warning.content.startswith(f"<@{ann.id}>, about 30 s left")
    sent = [r for r in env.http_requests if r.method == "POST" and r.path.endswith("/messages")][-1]
    assert [int(u) for u in sent.json["allowed_mentions"]["users"]] == [ann.id]
    assert sent.json["allowed_mentions"]["parse"] == []
    assert sum(1 for r in env.http_requests if r.method == "PATCH") == edits_before  # no per-tick edits

    # Time is up: the stick moves on by itself, and the warning goes with the turn it belonged to.
    await env.advance_time(30)
    message = await live_message(harness, channel)
    assert f"<@{bob.id}> holds the stick" in message.content
    assert all(m.id != first_warning.id for m in channel.history())

    await env.advance_time(10)
    done = await bob.click(message, label="Done")
    assert "Thank you for sharing" in done.response.content
    message = await live_message(harness, channel)
    assert f"<@{cat.id}> holds the stick" in message.content

    passed = await cat.click(message, label="Pass, come back to me")
    assert "come back to you once at the end" in passed.response.content
    message = await live_message(harness, channel)
    assert f"<@{dan.id}> holds the stick" in message.content
    assert f"**Coming back at the end:** <@{cat.id}>" in message.content

    # Pause: time stands still; Resume and +1 min.
    paused = await control(harness, fay, channel, "Pause")
    assert "Paused" in paused.response.content
    assert "Resume" in buttons(paused.response.message)  # the panel refreshes in place
    message = await live_message(harness, channel)
    assert "⏸️ Paused" in message.content
    await env.advance_time(300)
    assert (await live_view(harness, channel)).state.holder == dan.id
    await fay.click(paused.response.message, label="Resume")
    message = await live_message(harness, channel)
    due = (await live_view(harness, channel)).state.due_at
    assert due is not None
    await control(harness, fay, channel, "+1 min")
    extended = (await live_view(harness, channel)).state
    assert extended.due_at == due + d.timedelta(seconds=60)
    assert f"<t:{int(extended.due_at.timestamp())}:R>" in (await live_message(harness, channel)).content
    await env.advance_time(90)  # past the original due time, not the extended one
    assert (await live_view(harness, channel)).state.holder == dan.id

    message = await live_message(harness, channel)
    await dan.click(message, label="Done")
    message = await live_message(harness, channel)
    assert f"<@{cat.id}> holds the stick" in message.content  # back once, at the end
    back = channel.last_message
    assert back is not None
    assert back.content == f"<@{cat.id}>, the stick has come back to you, as you asked."
    sent = [r for r in env.http_requests if r.method == "POST" and r.path.endswith("/messages")][-1]
    assert [int(u) for u in sent.json["allowed_mentions"]["users"]] == [cat.id]  # pinged: only them
    await cat.click(message, label="Pass")

    message = await live_message(harness, channel)
    assert "The stick is free" in message.content
    ended = await control(harness, fay, channel, "End")
    assert ended.response.ephemeral  # the panel itself now says so
    assert "Round ended" in ended.response.content
    assert "Gini" in ended.response.content

    final = message_by_id(channel, message.id)
    assert final.components == []
    assert "Sharing round ended" in final.content
    assert final.embeds == []
    # The public summary names nobody: not who shared, and never who passed ("no reason needed").
    assert "5 turns, 3 people shared" in final.content  # dan came back once
    assert all(f"<@{p.id}>" not in final.content for p in (ann, bob, cat, dan))
    # ann 60 s (until the timer), bob 11 s, dan 90 s (the 300 s pause does not count)
    assert "2 min 41 s in all, 54 s on average per sharer" in final.content
    assert harness.bot.scheduler.job_ids("rounds:") == []


async def test_racing_next_clicks_move_the_stick_once(harness: Harness, env: simcord.Env) -> None:
    guild, fay, (ann, bob, cat), group = await circle(harness, env, "ann", "bob", "cat")
    gus = guild.add_member(env.create_user("gus"))
    await make_group(harness, guild, "Other", facilitators=[gus])
    from cogs.groups.models import GroupFacilitator

    async with harness.bot.db.write() as session:
        session.add(GroupFacilitator(group_id=group.group_id, user_id=gus.id, added_at=harness.clock.now()))
    await fay.slash(
        group.channel, "facilitate round start", topic="Check-in", minutes=5, present=mentions(ann, bob, cat)
    )
    # SimCord runs one actor operation at a time (asyncio.gather of two clicks raises "operation
    # overlaps active click"), and a click always reads the message as it is now. So the race is
    # driven through the cog's own click path concurrently: three presses of Next for one turn.
    rounds = cog(harness)
    view = await live_view(harness, group.channel)
    fay_actor = _actor(guild, fay)
    gus_actor = _actor(guild, gus)
    results = await asyncio.gather(
        *(
            rounds.perform(
                view.id, lambda a=a: rounds.service.act(view.id, a, d.Next(view.state.turn), harness.clock.now())
            )
            for a in (fay_actor, gus_actor, fay_actor)
        ),
        return_exceptions=True,
    )
    moved = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(moved) == 1
    assert len(refused) == 2
    assert all("already moved on" in str(r) for r in refused)
    after = (await live_view(harness, group.channel)).state
    assert after.turn == view.state.turn + 1
    assert after.holder == view.state.queue[0]


def _actor(guild: simcord.GuildHandle, member: simcord.MemberActor):  # type: ignore[no-untyped-def]
    from bot.actor import Actor

    return Actor(guild_id=guild.id, user_id=member.id, role_ids=frozenset(), is_admin=False)


def muted(guild: simcord.GuildHandle, member: simcord.MemberActor) -> bool:
    state = guild.voice_states().get(member.id)
    return bool(state and state.mute)


async def test_voice_mode_mutes_those_waiting_and_undoes_every_mute(harness: Harness, env: simcord.Env) -> None:
    guild, fay, (ann, bob, cat), group = await circle(harness, env, "ann", "bob", "cat")
    voice = guild.create_voice_channel("circle-voice")
    for person in (ann, bob, cat):
        await person.join_voice(voice)

    result = await fay.slash(
        group.channel,
        "facilitate round start",
        topic="Voices",
        minutes=2,
        everyone_in_voice=True,
        voice_mode=True,
        voice_channel=voice,
    )
    assert "Voice mode is on" in result.response.content
    message = await live_message(harness, group.channel)
    assert "🔇 Voice mode" in message.content
    assert [muted(guild, p) for p in (ann, bob, cat)] == [False, True, True]

    await ann.click(message, label="Done")
    assert [muted(guild, p) for p in (ann, bob, cat)] == [False, False, True]  # unmuted at their turn

    # cat leaves the voice channel while muted: Hearth undoes the mute when Discord allows it again
    await cat.leave_voice()
    await cat.join_voice(voice)
    assert muted(guild, cat)  # still waiting, so muted again on return (and only by Hearth)
    other = guild.create_voice_channel("hallway")
    await cat.join_voice(other)
    assert not muted(guild, cat)  # left the round's channel: unmuted

    await fay.slash(group.channel, "facilitate round end")
    assert not any(muted(guild, p) for p in (ann, bob, cat))
    assert await cog(harness).service.mutes() == []


async def test_voice_mode_without_mute_members_runs_without_it(harness: Harness, env: simcord.Env) -> None:
    guild, fay, (ann, bob), group = await circle(harness, env, "ann", "bob")
    voice = guild.create_voice_channel("circle-voice")
    for person in (ann, bob):
        await person.join_voice(voice)
    backend_guild = env.backend.get_guild(guild.id)
    bot_role = next(role for role in backend_guild.roles.values() if role.managed)
    permissions = discord.Permissions(bot_role.permissions)
    permissions.mute_members = False
    env.backend.edit_role(guild.id, bot_role.id, {"permissions": permissions.value})

    result = await fay.slash(
        group.channel,
        "facilitate round start",
        topic="Voices",
        everyone_in_voice=True,
        voice_mode=True,
        voice_channel=voice,
    )
    assert "Voice mode is off: I need the Mute Members permission" in result.response.content
    message = await live_message(harness, group.channel)
    assert "Voice mode is off" in message.content
    assert not any(muted(guild, p) for p in (ann, bob))
    assert (await live_view(harness, group.channel)).state.holder == ann.id  # the round runs


async def test_a_round_survives_a_restart_mid_turn(harness: Harness, env: simcord.Env) -> None:
    guild, fay, (ann, bob, cat), group = await circle(harness, env, "ann", "bob", "cat")
    voice = guild.create_voice_channel("circle-voice")
    for person in (ann, bob, cat):
        await person.join_voice(voice)
    await fay.slash(
        group.channel, "facilitate round start", topic="Still here", minutes=1, present=mentions(ann, bob, cat),
        voice_mode=True, voice_channel=voice,
    )  # fmt: skip
    await env.advance_time(20)
    before = await live_view(harness, group.channel)

    await harness.restart()

    assert harness.bot.scheduler.job_ids("rounds:") == [f"rounds:{before.id}:expire", f"rounds:{before.id}:warn"]
    assert harness.bot.scheduler.next_run(f"rounds:{before.id}:expire") == before.state.due_at
    assert [muted(guild, p) for p in (ann, bob, cat)] == [False, True, True]  # re-applied, not lost
    await env.advance_time(41)  # the remaining 40 s of ann's turn, counted from the stored due time
    after = await live_view(harness, group.channel)
    assert after.state.holder == bob.id
    assert after.state.tallies[ann.id].seconds == pytest.approx(60)
    message = await live_message(harness, group.channel)  # the old buttons still work
    done = await bob.click(message, label="Done")
    assert "Thank you" in done.response.content
    assert (await live_view(harness, group.channel)).state.holder == cat.id
    assert [muted(guild, p) for p in (ann, bob, cat)] == [False, False, False]


async def test_wrong_inputs_get_clear_messages_and_lose_nothing(harness: Harness, env: simcord.Env) -> None:
    guild, fay, (ann, bob), group = await circle(harness, env, "ann", "bob")
    newcomer = guild.add_member(env.create_user("neo"))
    lounge = guild.create_text_channel("lounge")

    too_long = await fay.slash(group.channel, "facilitate round start", topic="x", minutes=45)
    refused(env, too_long, "Minutes per turn must be between 1 and 30; you gave 45.")
    with pytest.raises(simcord.OptionError):  # the option declares its range: Discord refuses 0 itself
        await fay.slash(group.channel, "facilitate round start", topic="x", minutes=0)
    elsewhere = await fay.slash(lounge, "facilitate round start", topic="x")
    refused(env, elsewhere, "this channel doesn't belong to a group")
    allow(env, guild, "facilitate", guild.default_role)  # a server showing it to everyone: still refused
    not_facilitator = await ann.slash(group.channel, "facilitate round start", topic="x")
    refused(env, not_facilitator, "Only facilitators can do that")  # the command tree refuses first
    no_voice = await fay.slash(group.channel, "facilitate round start", topic="x", voice_mode=True)
    refused(env, no_voice, "need a voice channel")
    nothing = await fay.slash(group.channel, "facilitate round end")
    refused(env, nothing, "There is no round running in this channel.")
    assert await cog(harness).service.live_rounds() == []

    started = await fay.slash(
        group.channel, "facilitate round start", topic="First", present=mentions(ann, bob, newcomer)
    )
    assert f"Not queued (not a member of **Circle**, or hasn't accepted its guidelines): <@{newcomer.id}>" in (
        started.response.content
    )
    message = await live_message(harness, group.channel)
    again = await fay.slash(group.channel, "facilitate round start", topic="Second")
    refused(env, again, f"A round is already running in this channel: https://discord.com/channels/{guild.id}/")
    assert f"/{message.id}" in again.response.content
    member_end = await ann.slash(group.channel, "facilitate round end")
    refused(env, member_end, "Only facilitators can do that")

    outsider = await newcomer.click(message, label="Join queue")
    assert "not a member of **Circle**" in outsider.response.content
    from cogs.groups.models import GroupMember

    async with harness.bot.db.write() as session:  # a member who has not accepted the guidelines
        session.add(GroupMember(group_id=group.group_id, user_id=newcomer.id, joined_at=harness.clock.now()))
    unaccepted = await newcomer.click(message, label="Join queue")
    assert "accept its guidelines" in unaccepted.response.content
    twice = await bob.click(message, label="Join queue")
    assert "already in the queue" in twice.response.content
    stray = await newcomer.click(message, label="Pass")
    assert "not in the queue" in stray.response.content
    assert (await live_view(harness, group.channel)).state.queue == (bob.id,)

    # The holder leaves the server: the stick moves on and the channel is told.
    guild.remove_member(ann)
    await env.advance_time(0)
    view = await live_view(harness, group.channel)
    assert view.state.holder == bob.id
    assert "left the server, so the stick moved on" in (group.channel.last_message.content or "")  # type: ignore[union-attr]


async def test_status_for_members_and_facilitators(harness: Harness, env: simcord.Env) -> None:
    _guild, fay, (ann, bob), group = await circle(harness, env, "ann", "bob")
    await fay.slash(group.channel, "facilitate round start", topic="Balance", minutes=1, present=mentions(ann, bob))
    mine = await bob.slash(group.channel, "round status")
    assert mine.ephemeral
    assert "You're number 1 in the queue." in mine.response.content
    assert "Gini" not in mine.response.content
    await env.advance_time(60)
    await fay.slash(group.channel, "facilitate round end")  # ann 60 s, bob 0 s
    theirs = await fay.slash(group.channel, "round status")
    assert "No round is running" in theirs.response.content
    assert "over the last round: Gini 0.50" in theirs.response.content


async def test_privacy_export_and_delete_include_rounds(harness: Harness, env: simcord.Env) -> None:
    _guild, fay, (ann, bob), group = await circle(harness, env, "ann", "bob")
    await fay.slash(group.channel, "facilitate round start", topic="Mine", minutes=1, present=mentions(ann, bob))
    info = await ann.slash(group.channel, "privacy info")
    said = "\n".join(m.content for m in [info.response, *info.followups] if m is not None)
    assert "Sharing rounds" in said
    assert "1 place in a live round queue" in said
    shown = await ann.slash(group.channel, "privacy delete")
    await ann.click(shown.response, label="Yes, erase my data")
    view = await live_view(harness, group.channel)
    assert ann.id not in view.state.tallies
    assert view.state.holder is None
    message = await live_message(harness, group.channel)  # the live message no longer names her
    assert str(ann.id) not in message.content and "The stick is free" in message.content


async def test_a_finished_round_ends_by_itself_even_across_a_restart(harness: Harness, env: simcord.Env) -> None:
    _guild, fay, (ann, bob), group = await circle(harness, env, "ann", "bob")
    channel = group.channel
    await fay.slash(channel, "facilitate round start", topic="Quick one", minutes=1, present=mentions(ann, bob))
    for person in (ann, bob):  # two turns that each run into their warning: one notice at a time
        await env.advance_time(35)
        warnings = [m for m in channel.history() if "left in your turn" in m.content]
        assert len(warnings) == 1, [m.content for m in warnings]
        assert warnings[0].content.startswith(f"<@{person.id}>")
        await person.click(await live_message(harness, channel), label="Done")
    assert not [m for m in channel.history() if "left in your turn" in m.content]  # gone with their turns
    view = await live_view(harness, channel)
    assert view.state.holder is None
    assert "The stick is free" in (await live_message(harness, channel)).content

    await env.advance_time(60)
    await harness.restart()  # the idle timer is rebuilt from the database
    await env.advance_time(61)  # 121 s after the last turn (rounds.auto_end_seconds = 120)

    assert await cog(harness).service.live_in_channel(view.guild_id, channel.id) is None
    final = message_by_id(channel, view.message_id or 0)
    assert "Sharing round ended" in final.content
    assert final.components == []
    assert "2 turns, 2 people shared" in final.content


async def test_a_join_after_the_last_turn_keeps_the_round_open(harness: Harness, env: simcord.Env) -> None:
    _guild, fay, (ann, bob), group = await circle(harness, env, "ann", "bob")
    channel = group.channel
    await fay.slash(channel, "facilitate round start", topic="Stay", minutes=1, present=mentions(ann))
    await ann.click(await live_message(harness, channel), label="Done")
    await env.advance_time(100)
    await bob.click(await live_message(harness, channel), label="Join queue")  # 20 s before it would end
    await env.advance_time(150)  # bob's minute ran out 90 s ago: idle again, counted from then
    view = await live_view(harness, channel)
    assert view.live
    assert view.state.holder is None
    await env.advance_time(40)
    assert await cog(harness).service.live_in_channel(view.guild_id, channel.id) is None
