"""/meeting end to end through SimCord: schedule, event, RSVP, reminders, attendance, restart, DST."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import discord
import simcord
from sqlalchemy import select

from bot.errors import HearthError
from cogs.meetings.models import Attendance, Meeting, ReminderSent, Rsvp
from tests.conftest import Harness
from tests.support.commands import allow
from tests.support.groups import GroupFixture, make_group


def events(env: simcord.Env, guild: simcord.GuildHandle) -> list[object]:
    return list(env.backend.get_guild(guild.id).scheduled_events.values())


def start_of(event: object) -> datetime:
    moment = datetime.fromisoformat(event.scheduled_start_time)  # type: ignore[attr-defined]
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def advance_to(env: simcord.Env, when: datetime, step_hours: float = 12) -> None:
    """Move virtual time to ``when`` in steps (the scheduler follows each step)."""
    while env.now() < when:
        gap = (when - env.now()).total_seconds()
        await env.advance_time(min(gap, step_hours * 3600))


def only_user_errors(env: simcord.Env) -> int:
    """SimCord records errors the tree's on_error handled; each must be a user-facing one, not a bug."""
    captured = env.errors
    for error in captured:
        original = getattr(error, "original", error)
        assert isinstance(original, HearthError), repr(error)
    return len(captured)


def dms(member: simcord.MemberActor) -> list[str]:
    return [m.content for m in member.user.dm_channel.history()]


class World:
    def __init__(self, harness: Harness, timezone: str = "Europe/Berlin", private: bool = False) -> None:
        self.harness = harness
        env = harness.env
        self.env = env
        self.guild = env.create_guild()
        self.voice = self.guild.create_voice_channel("meeting-room")
        self.fac = self.guild.add_member(env.create_user("fac"))
        self.alice = self.guild.add_member(env.create_user("alice"))
        self.bob = self.guild.add_member(env.create_user("bob"))
        self.timezone = timezone
        self.private = private
        self.group: GroupFixture

    async def setup(self) -> World:
        self.group = await make_group(
            self.harness,
            self.guild,
            "Caregivers",
            members=[self.alice, self.bob],
            facilitators=[self.fac],
            timezone=self.timezone,
            private=self.private,
        )
        return self

    async def schedule(self, **options: object) -> simcord.InteractionResult:
        defaults: dict[str, object] = {
            "title": "Weekly circle",
            "when": "2026-01-08 19:00",
            "repeat": "weekly",
            "voice_channel": self.voice,
        }
        defaults.update(options)
        return await self.fac.slash(self.group.channel, "facilitate meeting schedule", **defaults)

    async def meeting(self) -> Meeting:
        async with self.harness.bot.db.read() as session:
            meeting = await session.scalar(select(Meeting).order_by(Meeting.id.desc()))
            assert meeting is not None
            return meeting


def text_of(result: simcord.InteractionResult) -> str:
    if result.followups:
        return result.followups[-1].content
    assert result.response is not None
    return result.response.content


async def test_schedule_event_rsvp_reminder_attendance_and_next_occurrence(harness: Harness) -> None:
    world = await World(harness).setup()
    env = world.env

    result = await world.schedule()
    assert result.ephemeral
    assert "Scheduled **Weekly circle**" in text_of(result)
    assert "every Thursday at 19:00" in text_of(result)

    # One Discord event: the next occurrence only, 19:00 Berlin = 18:00 UTC, in the voice channel.
    (event,) = events(env, world.guild)
    assert start_of(event) == datetime(2026, 1, 8, 18, 0, tzinfo=UTC)
    assert event.name == "Weekly circle"  # type: ignore[attr-defined]
    assert event.channel_id == world.voice.id  # type: ignore[attr-defined]

    # The card in the group's channel; Alice answers Going.
    card = world.group.channel.last_message
    assert card is not None
    assert card.embeds[0].title == "Weekly circle"
    answer = await world.alice.click(card, label="Going")
    assert answer.ephemeral
    assert "Going" in text_of(answer)
    card = world.group.channel.last_message
    assert "Going: 1" in card.embeds[0].fields[3].value

    # 24 h before: Alice gets a DM with the time in her (the server's default) timezone; Bob said nothing.
    await advance_to(env, datetime(2026, 1, 7, 17, 59, tzinfo=UTC))
    assert dms(world.alice) == []
    await advance_to(env, datetime(2026, 1, 7, 18, 0, 30, tzinfo=UTC))
    (reminder,) = dms(world.alice)
    assert "Weekly circle" in reminder
    assert "19:00 (Europe/Berlin)" in reminder
    start = int(datetime(2026, 1, 8, 18, 0, tzinfo=UTC).timestamp())
    assert reminder.endswith(f"(Europe/Berlin), <t:{start}:R>.")  # Discord's live countdown, no edits needed
    assert dms(world.bob) == []

    # 15 min before: the second reminder.
    await advance_to(env, datetime(2026, 1, 8, 17, 45, 30, tzinfo=UTC))
    assert len(dms(world.alice)) == 2

    # Alice joins the voice channel at the start and stays 40 of 60 minutes; Bob drops in for 5.
    await advance_to(env, datetime(2026, 1, 8, 18, 0, 10, tzinfo=UTC))
    await world.alice.join_voice(world.voice)
    await world.bob.join_voice(world.voice)
    await env.advance_time(5 * 60)
    await world.bob.leave_voice()
    await env.advance_time(35 * 60)
    await world.alice.leave_voice()
    await advance_to(env, datetime(2026, 1, 8, 19, 1, tzinfo=UTC), step_hours=0.25)

    async with harness.bot.db.read() as session:
        rows = {r.user_id: r for r in await session.scalars(select(Attendance))}
    assert rows[world.alice.id].attended is True
    assert rows[world.bob.id].attended is False

    # The next occurrence is now the server's event.
    live = [e for e in events(env, world.guild) if e.status == 1]  # type: ignore[attr-defined]
    assert [start_of(e) for e in live] == [datetime(2026, 1, 15, 18, 0, tzinfo=UTC)]

    # Facilitators see attendance.
    shown = await world.fac.slash(world.group.channel, "meeting list", attendance=True)
    assert shown.ephemeral
    assert "1 attended" in text_of(shown)
    assert f"<@{world.alice.id}> ✓" in text_of(shown)


async def test_reminder_after_restart_is_sent_once(harness: Harness) -> None:
    world = await World(harness).setup()
    env = world.env
    await world.schedule(when="2026-01-03 19:00", repeat="once")
    await world.alice.click(world.group.channel.last_message, label="Maybe")

    await harness.restart()
    await advance_to(env, datetime(2026, 1, 2, 18, 1, tzinfo=UTC))
    assert len(dms(world.alice)) == 1

    # Another restart after it was sent: no second copy.
    await harness.restart()
    await env.advance_time(600)
    assert len(dms(world.alice)) == 1
    async with harness.bot.db.read() as session:
        assert len(list(await session.scalars(select(ReminderSent)))) == 1


async def test_reminder_missed_while_down_is_sent_late_only_before_start(harness: Harness) -> None:
    world = await World(harness).setup()
    env = world.env
    await world.schedule(when="2026-01-03 19:00", repeat="once", reminders="24h, 15m")
    await world.alice.click(world.group.channel.last_message, label="Going")
    # The bot is "down" (its scheduler stopped) across the 24 h reminder, then starts again.
    harness.bot.scheduler.shutdown()
    await env.advance_time(44 * 3600)  # 2026-01-02 20:00 UTC: past the 24 h mark (18:00), before the start
    await harness.restart()
    await env.advance_time(1)
    assert len(dms(world.alice)) == 1  # sent late: the meeting has not begun

    harness.bot.scheduler.shutdown()
    await env.advance_time(22 * 3600 + 120)  # 3 Jan 18:02 UTC: the 15-min reminder's time and the start both passed
    await harness.restart()
    await env.advance_time(1)
    assert len(dms(world.alice)) == 1  # skipped: the meeting already started


async def test_dst_keeps_the_meeting_at_19_local(harness: Harness) -> None:
    world = await World(harness, timezone="America/New_York").setup()
    env = world.env
    for _ in range(60):  # to 2026-03-02; a day at a time, as one 60-day jump can outlast SimCord's settle window
        await env.advance_time(86400)
    await world.schedule(when="2026-03-05 19:00")
    (event,) = events(env, world.guild)
    assert start_of(event) == datetime(2026, 3, 6, 0, 0, tzinfo=UTC)  # EST: UTC-5
    await advance_to(env, datetime(2026, 3, 6, 1, 1, tzinfo=UTC), step_hours=6)
    live = [e for e in events(env, world.guild) if e.status == 1]  # type: ignore[attr-defined]
    # After the US switch on 8 March: EDT, UTC-4, still 19:00 on the wall clock.
    assert [start_of(e) for e in live] == [datetime(2026, 3, 12, 23, 0, tzinfo=UTC)]


async def test_without_manage_events_the_meeting_still_works(harness: Harness) -> None:
    world = await World(harness).setup()
    env = world.env
    backend_guild = env.backend.get_guild(world.guild.id)
    bot_role = next(r for r in backend_guild.roles.values() if r.managed)
    permissions = discord.Permissions(bot_role.permissions)
    permissions.manage_events = False
    env.backend.edit_role(world.guild.id, bot_role.id, {"permissions": permissions.value})
    await env.advance_time(1)

    result = await world.schedule()
    assert "Scheduled" in text_of(result)
    assert "Manage Events" in text_of(result)
    assert events(env, world.guild) == []
    assert world.group.channel.last_message.embeds[0].title == "Weekly circle"
    assert (await world.meeting()).event_problem == "Manage Events"


async def test_private_group_has_no_event_unless_opted_in_and_then_a_neutral_title(harness: Harness) -> None:
    world = await World(harness, private=True).setup()
    env = world.env
    result = await world.schedule()
    assert "private group" in text_of(result)
    assert events(env, world.guild) == []
    await world.schedule(title="Grief circle", public_event=True)
    (event,) = events(env, world.guild)
    assert event.name == "Group meeting"  # type: ignore[attr-defined]
    assert "Grief" not in (event.description or "")  # type: ignore[attr-defined]


async def test_wrong_inputs_get_clear_ephemeral_messages_and_save_nothing(harness: Harness) -> None:
    world = await World(harness, timezone="Europe/Berlin").setup()
    cases: list[tuple[dict[str, object], str]] = [
        ({"when": "2025-12-01 19:00"}, "in the past"),
        ({"when": "2026-03-29 02:30"}, "doesn't exist"),
        ({"when": "2026-10-25 02:30"}, "happens twice"),
        ({"timezone": "Mars/Olympus"}, "not a timezone"),
        ({"duration": 0}, "duration"),
        ({"repeat": "rrule", "rrule": "FREQ=SOMETIMES"}, "isn't valid"),
        ({"repeat": "rrule", "rrule": "FREQ=WEEKLY;UNTIL=20250101T000000Z"}, "no occurrence in the future"),
        ({"repeat": "rrule", "rrule": "FREQ=HOURLY"}, "at most once a day"),
        ({"repeat": "rrule", "rrule": "FREQ=DAILY;BYHOUR=9,18"}, "more than once a day"),
        ({"when": "whenever"}, "Try `every Tuesday 7pm`"),
        ({"when": "every hour"}, "at most once a day"),
        ({"when": "every Tuesday 7pm", "repeat": "monthly"}, "`when` already says how it repeats"),
        ({"reminders": "soon"}, "couldn't read the reminder"),
    ]
    for options, expected in cases:
        result = await world.schedule(**options)
        assert result.ephemeral, options
        assert expected in text_of(result), (options, text_of(result))

    hidden = await hidden_voice_channel(harness, world)
    result = await world.schedule(voice_channel=hidden)
    assert result.ephemeral
    assert "I can't see" in text_of(result)

    async with harness.bot.db.read() as session:
        assert list(await session.scalars(select(Meeting))) == []
    assert events(world.env, world.guild) == []
    assert only_user_errors(world.env) == len(cases) + 1


async def hidden_voice_channel(harness: Harness, world: World) -> simcord.ChannelHandle:
    """A voice channel whose overwrite hides it from Hearth."""
    from simcord.backend.models.channel import ChannelType, Overwrite, OverwriteType
    from simcord.builders import ChannelHandle

    assert harness.bot.user is not None
    deny = Overwrite(
        target_id=harness.bot.user.id,
        type=OverwriteType.MEMBER,
        allow=0,
        deny=discord.Permissions(view_channel=True).value,
    )
    stored = harness.env.backend.create_channel(world.guild.id, "hidden", type=ChannelType.VOICE, overwrites=[deny])
    await harness.env.advance_time(1)
    return ChannelHandle(harness.env, world.guild, stored)


async def test_members_cannot_schedule_edit_cancel_or_skip(harness: Harness) -> None:
    world = await World(harness).setup()
    allow(world.env, world.guild, "facilitate", world.guild.default_role)  # shown to all: the tree still refuses
    refused = await world.alice.slash(
        world.group.channel, "facilitate meeting schedule", title="Mine", when="tomorrow 7pm", repeat="once"
    )
    assert refused.ephemeral
    assert "Only facilitators" in text_of(refused)
    await world.schedule()
    meeting = await world.meeting()
    for command, extra in (
        ("facilitate meeting edit", {"title": "Hijacked"}),
        ("facilitate meeting cancel", {}),
        ("facilitate meeting skip", {}),
        ("facilitate agenda add", {"item": "mine"}),
        ("facilitate agenda remove", {"number": 1}),
    ):
        result = await world.alice.slash(world.group.channel, command, meeting=str(meeting.id), **extra)
        assert result.ephemeral
        assert "Only facilitators" in text_of(result), command
    assert (await world.meeting()).title == "Weekly circle"
    assert only_user_errors(world.env) == 6


async def test_rsvp_needs_membership_and_all_future_applies_to_later_dates(harness: Harness) -> None:
    world = await World(harness).setup()
    outsider = world.guild.add_member(world.env.create_user("outsider"))
    await world.schedule()
    card = world.group.channel.last_message
    refused = await outsider.click(card, label="Going")
    assert refused.ephemeral
    assert "not a member" in text_of(refused)

    answer = await world.alice.click(card, label="Can't")
    follow = answer.response
    assert follow is not None
    everything = await world.alice.click(follow, label="Can't for all future dates")
    assert "every future date" in text_of(everything)
    async with harness.bot.db.read() as session:
        keys = {r.occurrence_key for r in await session.scalars(select(Rsvp))}
    assert keys == {"*"}


async def test_edit_skip_cancel_move_the_event(harness: Harness) -> None:
    world = await World(harness).setup()
    env = world.env
    await world.schedule()
    meeting = await world.meeting()

    edited = await world.fac.slash(
        world.group.channel, "facilitate meeting edit", meeting=str(meeting.id), when="2026-01-09 18:30"
    )
    assert "Updated" in text_of(edited)
    (event,) = events(env, world.guild)
    assert start_of(event) == datetime(2026, 1, 9, 17, 30, tzinfo=UTC)

    skipped = await world.fac.slash(world.group.channel, "facilitate meeting skip", meeting="Weekly circle")
    assert "Skipped" in text_of(skipped)
    (event,) = events(env, world.guild)
    assert start_of(event) == datetime(2026, 1, 16, 17, 30, tzinfo=UTC)

    cancelled = await world.fac.slash(world.group.channel, "facilitate meeting cancel", meeting=str(meeting.id))
    assert "Cancelled" in text_of(cancelled)
    assert events(env, world.guild) == []
    assert "cancelled" in world.group.channel.last_message.embeds[0].title
    assert harness.bot.scheduler.job_ids("meetings:m:") == []


async def test_agenda_add_show_remove_and_card(harness: Harness) -> None:
    world = await World(harness).setup()
    await world.schedule()
    added = await world.fac.slash(
        world.group.channel, "facilitate agenda add", meeting="Weekly circle", item="Check-in round"
    )
    assert "item 1" in text_of(added)
    card = world.group.channel.last_message
    assert "Check-in round" in card.embeds[0].fields[-1].value
    shown = await world.alice.slash(world.group.channel, "meeting agenda show", meeting="Weekly circle")
    assert shown.ephemeral
    assert "1. Check-in round" in text_of(shown)
    bad = await world.fac.slash(world.group.channel, "facilitate agenda remove", meeting="Weekly circle", number=5)
    assert "The agenda has 1 item: give the number 1" in text_of(bad)  # a real plural, no "item(s)"
    removed = await world.fac.slash(world.group.channel, "facilitate agenda remove", meeting="Weekly circle", number=1)
    assert "Removed item 1" in text_of(removed)
    shown = await world.alice.slash(world.group.channel, "meeting agenda show", meeting="Weekly circle")
    assert "no agenda" in text_of(shown)
    assert only_user_errors(world.env) == 1


async def test_export_is_an_icalendar_file_with_the_rrule(harness: Harness) -> None:
    world = await World(harness).setup()
    await world.schedule(repeat="weeks", every=2)
    result = await world.alice.slash(world.group.channel, "meeting export")
    assert result.ephemeral
    (attachment,) = result.response.attachments  # type: ignore[union-attr]
    assert attachment.filename == "caregivers-meetings.ics"
    body = (await attachment.read()).decode()
    assert "RRULE:FREQ=WEEKLY;INTERVAL=2" in body
    assert "DTSTART;TZID=Europe/Berlin:20260108T190000" in body


async def test_a_meeting_scheduled_the_way_people_say_it(harness: Harness) -> None:
    world = await World(harness, timezone="Europe/Berlin").setup()
    result = await world.schedule(when="first Monday of the month 19:00", repeat="once")
    assert "Wrong" not in text_of(result)
    meeting = await world.meeting()
    assert meeting.rrule == "FREQ=MONTHLY;BYDAY=+1MO"
    assert meeting.start_local == "2026-01-05T19:00"  # Monday 5 January 2026


async def test_when_autocomplete_echoes_the_parsed_time(harness: Harness) -> None:
    world = await World(harness).setup()
    choices = await world.fac.autocomplete(
        world.group.channel, "facilitate meeting schedule", "when", "next Friday 19:30", title="x"
    )
    assert choices[0]["name"] == "✓ once, Friday 02 January 2026 at 19:30 (Europe/Berlin)"
    choices = await world.fac.autocomplete(
        world.group.channel, "facilitate meeting schedule", "when", "every other Thursday 18:30"
    )
    assert choices[0]["name"] == "✓ every 2 weeks on Thursday at 18:30, from Thu 01 Jan (Europe/Berlin)"
    # Said on a Thursday, "next Thursday" could mean today or in a week: the preview asks instead of guessing.
    choices = await world.fac.autocomplete(
        world.group.channel, "facilitate meeting schedule", "when", "next Thursday 19:30"
    )
    assert choices[0]["name"].startswith("✗ Today is Thursday, so “next Thursday” could mean today")
    choices = await world.fac.autocomplete(
        world.group.channel, "facilitate meeting schedule", "when", "2026-03-29 02:30"
    )
    assert choices[0]["name"].startswith("✗ 2026-03-29 02:30 doesn't exist")


async def test_reminder_falls_back_to_one_channel_message_mentioning_only_them(harness: Harness) -> None:
    world = await World(harness).setup()
    env = world.env
    await world.schedule(when="2026-01-02 19:00", repeat="once", reminders="15m")
    await world.alice.click(world.group.channel.last_message, label="Going")
    env.inject_error("POST", f"/channels/{world.alice.user.dm_channel.id}/messages", status=403, code=50007, times=None)
    await advance_to(env, datetime(2026, 1, 2, 17, 46, tzinfo=UTC), step_hours=6)
    message = world.group.channel.last_message
    assert message.content.startswith(f"<@{world.alice.id}> reminder")
    assert [u.id for u in message.mentions] == [world.alice.id] or message.mentions == []
    assert world.bob.mention not in message.content


async def test_privacy_export_and_delete_cover_rsvps_and_attendance(harness: Harness) -> None:
    world = await World(harness).setup()
    await world.schedule()
    await world.alice.click(world.group.channel.last_message, label="Going")
    info = await world.alice.slash(world.group.channel, "privacy info")
    said = "\n".join(m.content for m in [info.response, *info.followups] if m is not None)
    assert "1 meeting answer" in said
    exported = await harness.bot.privacy.export(
        harness.bot.db, __import__("bot.privacy").privacy.Subject(world.alice.id, harness.bot.require_keys())
    )
    assert exported["meetings"]["rsvps"][0]["status"] == "going"
    assert exported["meetings"]["rsvps"][0]["language"] == "en-US"  # kept for reminder DMs, erased with the answer
    erased = await harness.bot.privacy.erase(
        harness.bot.db, __import__("bot.privacy").privacy.Subject(world.alice.id, harness.bot.require_keys())
    )
    assert {h.name: h.described() for h in erased}["meetings"] == ["1 meeting answer"]
    async with harness.bot.db.read() as session:
        assert list(await session.scalars(select(Rsvp))) == []


_ = timedelta


async def test_meetings_due_at_the_same_minute_share_a_transaction_and_remind_once_each(harness: Harness) -> None:
    world = await World(harness).setup()
    env = world.env
    titles = ["Morning circle", "Carers' circle", "Grief circle", "Parents' circle"]
    for title in titles:
        await world.schedule(title=title, when="2026-01-03 19:00", repeat="once", reminders="15m")
        await world.alice.click(world.group.channel.last_message, label="Going")
    cog = harness.bot.get_cog("MeetingsCog")
    assert cog is not None
    batches_before = len(cog.ticks.batches)

    await advance_to(env, datetime(2026, 1, 3, 17, 46, tzinfo=UTC), step_hours=1)

    received = dms(world.alice)
    assert len(received) == len(titles)
    assert sorted(title for title in titles if any(f"**{title}**" in text for text in received)) == sorted(titles)
    assert dms(world.bob) == []  # never answered: no reminder
    new_batches = cog.ticks.batches[batches_before:]
    assert sum(new_batches) == len(titles) and len(new_batches) < len(titles)
    async with harness.bot.db.read() as session:
        assert len(list(await session.scalars(select(ReminderSent)))) == len(titles)
