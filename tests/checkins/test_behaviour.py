"""/checkin end to end through SimCord: the real bot, virtual Discord, virtual time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import simcord
from sqlalchemy import func, select

from bot.errors import HearthError
from cogs.checkins.models import Checkin, CheckinReminder
from tests.conftest import Harness
from tests.support.commands import allow
from tests.support.groups import GroupFixture, make_group

MOOD, NOTE, SEEN = "checkin:mood", "checkin:note", "checkin:visibility"


def form(mood: int, note: str = "", visibility: str = "me") -> dict[str, Any]:
    return {MOOD: [str(mood)], NOTE: note, SEEN: [visibility]}


async def check_in(
    member: simcord.MemberActor, group: GroupFixture, mood: int, note: str = "", visibility: str = "me"
) -> simcord.InteractionResult:
    shown = await member.slash(group.channel, "checkin now")
    assert shown.modal is not None, shown
    return await member.submit_modal(shown, form(mood, note, visibility))


async def count_checkins(harness: Harness) -> int:
    async with harness.bot.db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(Checkin)) or 0)


async def advance_to(env: simcord.Env, when: datetime) -> None:
    """Move virtual time a day at a time: SimCord gives each ``advance_time`` call 5 wall seconds to
    settle, and two months of daily jobs in one call overran that on a loaded machine."""
    seconds = (when - env.now()).total_seconds()
    assert seconds >= 0, (when, env.now())
    while seconds > 0:
        step = min(seconds, 86_400.0)
        await env.advance_time(step)
        seconds -= step


def last(result: simcord.InteractionResult) -> Any:
    """The last thing the member was shown (a deferred reply's first followup fills the response)."""
    return result.followups[-1] if result.followups else result.response


def refused(env: simcord.Env, result: simcord.InteractionResult, text: str) -> None:
    """An expected refusal: ephemeral, saying ``text``, from a user-facing error (acknowledged here)."""
    message = last(result)
    assert result.ephemeral and message.ephemeral, result
    assert text in message.content, message.content
    errors = env.errors  # reading them acknowledges them; views route their own errors, leaving none
    assert all(isinstance(getattr(e, "original", e), HearthError) for e in errors), errors


def dms(member: simcord.MemberActor) -> list[str]:
    return [m.content for m in member.user.dm_channel.history()]


async def setup_group(harness: Harness, env: simcord.Env, members: int = 1, facilitators: int = 0, **kw: Any):  # type: ignore[no-untyped-def]
    guild = env.create_guild()
    people = [guild.add_member(env.create_user(f"member{i}")) for i in range(members)]
    leads = [guild.add_member(env.create_user(f"lead{i}")) for i in range(facilitators)]
    group = await make_group(harness, guild, kw.pop("name", "Caregivers"), members=people, facilitators=leads, **kw)
    return guild, group, people, leads


# --- the form and the card -----------------------------------------------------------------------------


async def test_group_checkin_posts_a_card_with_mentions_off_and_others_can_send_support(
    harness: Harness, env: simcord.Env
) -> None:
    _guild, group, (alice, bob), _ = await setup_group(harness, env, members=2)

    shown = await alice.slash(group.channel, "checkin now")
    labels = [c["label"] for c in shown.modal["components"]]  # type: ignore[index]
    assert labels == ["How are you, really?", "A note", "Who may see it?"]
    mood_options = shown.modal["components"][0]["component"]["options"]  # type: ignore[index]
    assert [o["label"] for o in mood_options] == ["1 · Very low", "2 · Low", "3 · Okay", "4 · Good", "5 · Great"]
    done = await alice.submit_modal(shown, form(4, "Slept well @everyone", "group"))

    assert done.ephemeral and "Checked in to **Caregivers**" in done.response.content
    card = group.channel.last_message
    assert card is not None and "4/5 · Good" in card.content and "Slept well" in card.content
    posted = [r for r in env.http_requests if r.method == "POST" and r.path == f"/channels/{group.channel.id}/messages"]
    assert posted[-1].json["allowed_mentions"]["parse"] == []

    support = await bob.click(card, label="Send support")
    assert support.followups[-1].ephemeral and "Support sent" in support.followups[-1].content
    assert "1 person sent support" in group.channel.last_message.content
    again = await bob.click(group.channel.last_message, label="Send support")
    assert "already sent support" in again.response.content
    own = await alice.click(group.channel.last_message, label="Send support")
    refused(env, own, "your own check-in")
    assert "1 person sent support" in group.channel.last_message.content


async def test_only_me_checkin_is_confirmed_privately_and_posts_nothing(harness: Harness, env: simcord.Env) -> None:
    _guild, group, (alice,), _ = await setup_group(harness, env)
    done = await check_in(alice, group, 2, "rough day", "me")
    assert done.ephemeral and "only you can see it" in done.response.content
    assert group.channel.last_message is None
    assert await count_checkins(harness) == 1


async def test_note_over_the_limit_saves_nothing_and_gives_the_text_back(harness: Harness, env: simcord.Env) -> None:
    _guild, group, (alice,), _ = await setup_group(harness, env)
    long_note = "x" * (harness.settings.checkins.note_max_length + 5)
    done = await check_in(alice, group, 3, long_note, "group")
    assert done.ephemeral
    assert "limit is 1,000" in done.response.content and "Nothing was saved" in done.response.content
    assert await count_checkins(harness) == 0
    assert group.channel.last_message is None

    again = await alice.click(done.response.message, label="Edit and try again")
    note_input = again.modal["components"][1]["component"]  # type: ignore[index]
    assert note_input["value"] == long_note
    fixed = await alice.submit_modal(again, form(3, "shorter", "group"))
    assert "Checked in" in fixed.response.content
    assert await count_checkins(harness) == 1


async def test_forms_open_at_the_same_time_each_save_to_their_own_group(harness: Harness, env: simcord.Env) -> None:
    # discord.py keys open modals by custom_id alone: a shared id would route Alice's submit into
    # Bob's form (Bob's group) and then drop Bob's submit. Each form gets its own id.
    guild, first, (alice,), _ = await setup_group(harness, env)
    bob = guild.add_member(env.create_user("bob"))
    second = await make_group(harness, guild, "Grief", members=[bob])
    alice_form = await alice.slash(first.channel, "checkin now")
    bob_form = await bob.slash(second.channel, "checkin now")
    assert alice_form.modal is not None and bob_form.modal is not None
    assert alice_form.modal["custom_id"] != bob_form.modal["custom_id"]

    alice_done = await alice.submit_modal(alice_form, form(2, "alice's note"))
    bob_done = await bob.submit_modal(bob_form, form(4, "bob's note"))

    assert "Checked in to **Caregivers**" in alice_done.response.content
    assert "Checked in to **Grief**" in bob_done.response.content
    async with harness.bot.db.read() as session:
        rows = (await session.execute(select(Checkin.user_id, Checkin.group_id, Checkin.mood, Checkin.note))).all()
    assert sorted(rows) == sorted(
        [(alice.id, first.group_id, 2, "alice's note"), (bob.id, second.group_id, 4, "bob's note")]
    )


async def test_a_group_the_member_is_not_in_is_refused(harness: Harness, env: simcord.Env) -> None:
    guild, _group, (alice,), _ = await setup_group(harness, env)
    other = await make_group(harness, guild, "Grief", members=[])
    result = await alice.slash(other.channel, "checkin now", group="Grief")
    assert result.modal is None
    refused(env, result, "not a member of **Grief**")


async def test_guidelines_not_accepted_is_refused_before_the_form(harness: Harness, env: simcord.Env) -> None:
    _guild, group, (alice,), _ = await setup_group(harness, env, accepted=False)
    result = await alice.slash(group.channel, "checkin now")
    assert result.modal is None
    refused(env, result, "accept its guidelines")


async def test_safety_keywords_in_a_note_bring_crisis_resources_privately(harness: Harness, env: simcord.Env) -> None:
    _guild, group, (alice,), _ = await setup_group(harness, env)
    done = await check_in(alice, group, 1, "I feel like I want to die", "facilitators")
    assert "Checked in" in done.response.content
    assert done.followups and done.followups[0].ephemeral
    assert harness.bot.safety.resources[:40] in done.followups[0].content
    calm = await check_in(alice, group, 4, "a good walk", "me")
    assert not calm.followups


# --- edit and delete -----------------------------------------------------------------------------------


async def test_edit_latest_within_the_window_updates_the_card(harness: Harness, env: simcord.Env) -> None:
    _guild, group, (alice,), _ = await setup_group(harness, env)
    await check_in(alice, group, 2, "meh", "group")
    shown = await alice.slash(group.channel, "checkin edit")
    components = shown.modal["components"]  # type: ignore[index]
    assert components[1]["component"]["value"] == "meh"
    assert [o["default"] for o in components[0]["component"]["options"]] == [False, True, False, False, False]
    done = await alice.submit_modal(shown, form(4, "better now", "group"))
    assert "Updated your check-in" in done.response.content
    history = group.channel.history()
    assert len(history) == 1 and "better now" in history[0].content and "4/5" in history[0].content

    hidden = await alice.slash(group.channel, "checkin edit")
    await alice.submit_modal(hidden, form(4, "better now", "me"))
    assert group.channel.history() == []


async def test_edit_and_delete_after_the_window_are_refused(harness: Harness, env: simcord.Env) -> None:
    _guild, group, (alice,), _ = await setup_group(harness, env)
    await check_in(alice, group, 3)
    await env.advance_time(harness.settings.checkins.edit_window_minutes * 60 + 5)
    for command in ("checkin edit", "checkin delete"):
        result = await alice.slash(group.channel, command)
        assert result.modal is None
        refused(env, result, "older than 60 minutes")
    assert await count_checkins(harness) == 1


async def test_delete_latest_removes_it_and_its_card(harness: Harness, env: simcord.Env) -> None:
    _guild, group, (alice,), _ = await setup_group(harness, env)
    nothing = await alice.slash(group.channel, "checkin delete")
    refused(env, nothing, "no check-ins here yet")
    await check_in(alice, group, 3, "hello", "group")
    assert group.channel.last_message is not None
    result = await alice.slash(group.channel, "checkin delete")
    assert result.ephemeral and "Deleted your latest check-in" in result.response.content
    assert group.channel.history() == []
    assert await count_checkins(harness) == 0


# --- history -----------------------------------------------------------------------------------------------


async def test_history_sends_a_chart_and_a_text_summary_with_streaks(harness: Harness, env: simcord.Env) -> None:
    _guild, group, (alice,), _ = await setup_group(harness, env)
    empty = await alice.slash(group.channel, "checkin history")
    assert "No check-ins in the last 30 days" in last(empty).content
    for mood in (2, 3, 4):
        await check_in(alice, group, mood)
        await env.advance_time(24 * 3600)
    result = await alice.slash(group.channel, "checkin history", days=90)
    message = last(result)
    assert message.ephemeral
    assert "3 check-ins, average mood 3.0" in message.content
    assert "Current streak: 3 days in a row" in message.content and "longest: 3 days" in message.content
    assert message.attachments and message.attachments[0].filename == "checkin-history.png"
    assert message.attachments[0].description and "average mood" in message.attachments[0].description


# --- reminders -----------------------------------------------------------------------------------------------


async def test_reminder_arrives_at_the_local_hour_before_and_after_a_dst_change(
    harness: Harness, env: simcord.Env
) -> None:
    _guild, group, (alice,), _ = await setup_group(harness, env)
    await advance_to(env, datetime(2026, 3, 7, 10, 0, tzinfo=UTC))
    result = await alice.slash(group.channel, "checkin remind set", time="7:30", timezone="America/New_York")
    assert "every day at 07:30 (America/New_York)" in last(result).content
    assert len(dms(alice)) == 1  # the confirmation

    # Saturday 7 March: EST, 07:30 local = 12:30 UTC.
    await advance_to(env, datetime(2026, 3, 7, 12, 29, tzinfo=UTC))
    assert len(dms(alice)) == 1
    await advance_to(env, datetime(2026, 3, 7, 12, 31, tzinfo=UTC))
    assert len(dms(alice)) == 2 and "How are you today?" in dms(alice)[-1]

    # Sunday 8 March, after the 02:00 change: EDT, 07:30 local = 11:30 UTC.
    await advance_to(env, datetime(2026, 3, 8, 11, 29, tzinfo=UTC))
    assert len(dms(alice)) == 2
    await advance_to(env, datetime(2026, 3, 8, 11, 31, tzinfo=UTC))
    assert len(dms(alice)) == 3


async def test_no_reminder_on_a_day_already_checked_in_and_reminders_survive_a_restart(
    harness: Harness, env: simcord.Env
) -> None:
    _guild, group, (alice,), _ = await setup_group(harness, env)
    await alice.slash(group.channel, "checkin remind set", time="9pm", timezone="Europe/Berlin")
    await check_in(alice, group, 4)
    # 1 January, 21:00 in Berlin = 20:00 UTC: checked in today, so no reminder.
    await advance_to(env, datetime(2026, 1, 1, 20, 5, tzinfo=UTC))
    assert len(dms(alice)) == 1

    await harness.restart()
    await advance_to(env, datetime(2026, 1, 2, 20, 5, tzinfo=UTC))
    assert len(dms(alice)) == 2 and "How are you today?" in dms(alice)[-1]


async def test_reminder_with_dms_closed_at_setup_saves_nothing(harness: Harness, env: simcord.Env) -> None:
    _guild, group, (alice,), _ = await setup_group(harness, env)
    env.inject_error(
        "POST",
        f"/channels/{alice.user.dm_channel.id}/messages",
        status=403,
        code=50007,
        message="Cannot send messages to this user",
    )
    result = await alice.slash(group.channel, "checkin remind set", time="07:30")
    assert result.ephemeral and "can't send you direct messages" in last(result).content
    async with harness.bot.db.read() as session:
        assert await session.scalar(select(func.count()).select_from(CheckinReminder)) == 0
    assert not harness.bot.scheduler.job_ids("checkins:remind:")


async def test_reminder_stops_when_dms_close_and_says_so_once(harness: Harness, env: simcord.Env) -> None:
    _guild, group, (alice,), _ = await setup_group(harness, env)
    await alice.slash(group.channel, "checkin remind set", time="07:30", timezone="UTC")
    env.inject_error(
        "POST",
        f"/channels/{alice.user.dm_channel.id}/messages",
        status=403,
        code=50007,
        message="Cannot send messages to this user",
        times=None,
    )
    await advance_to(env, datetime(2026, 1, 1, 7, 31, tzinfo=UTC))
    assert not harness.bot.scheduler.job_ids("checkins:remind:")

    first = await alice.slash(group.channel, "checkin now")
    assert first.modal is not None
    assert any("direct messages are closed" in f.content for f in first.followups)
    second = await alice.slash(group.channel, "checkin now")
    assert not second.followups


async def test_bad_reminder_time_and_unknown_timezone_are_refused(harness: Harness, env: simcord.Env) -> None:
    _guild, group, (alice,), _ = await setup_group(harness, env)
    bad_time = await alice.slash(group.channel, "checkin remind set", time="half past seven")
    refused(env, bad_time, "is not a time of day")
    bad_zone = await alice.slash(group.channel, "checkin remind set", time="7:30", timezone="Mars/Olympus")
    refused(env, bad_zone, "is not a timezone I know")
    assert dms(alice) == []
    choices = await alice.autocomplete(group.channel, "checkin remind set", "timezone", "berl", time="7:30")
    assert {"name": "Europe/Berlin", "value": "Europe/Berlin"} in [
        {"name": c["name"], "value": c["value"]} for c in choices
    ]


async def test_remind_off_cancels_the_reminder(harness: Harness, env: simcord.Env) -> None:
    _guild, group, (alice,), _ = await setup_group(harness, env)
    nothing = await alice.slash(group.channel, "checkin remind off")
    assert "nothing to stop" in nothing.response.content
    await alice.slash(group.channel, "checkin remind set", time="07:30", timezone="UTC")
    assert harness.bot.scheduler.job_ids("checkins:remind:")
    off = await alice.slash(group.channel, "checkin remind off")
    assert off.ephemeral and "reminder is off" in off.response.content
    assert not harness.bot.scheduler.job_ids("checkins:remind:")
    await advance_to(env, datetime(2026, 1, 1, 7, 31, tzinfo=UTC))
    assert len(dms(alice)) == 1  # only the confirmation


# --- facilitators' summary -------------------------------------------------------------------------------


async def to_next_monday(harness: Harness, env: simcord.Env) -> None:
    """Move virtual time to just after the next Monday 00:00 UTC (the group's timezone here)."""
    now = harness.clock.now()
    monday = (now + timedelta(days=7 - now.weekday())).replace(hour=0, minute=5, second=0, microsecond=0)
    await env.advance_time((monday - now).total_seconds())


async def test_summary_shows_a_closed_week_in_totals_never_notes_or_only_me_checkins(
    harness: Harness, env: simcord.Env
) -> None:
    guild, group, members, (lead,) = await setup_group(harness, env, members=6, facilitators=1)
    allow(env, guild, "facilitate", guild.default_role)  # shown to everyone: the tree still refuses members
    await to_next_monday(harness, env)  # everyone was a member for the whole week
    for index, member in enumerate(members[:5]):
        await check_in(member, group, 1 + index % 5, f"secret note {index}", "facilitators" if index % 2 else "group")
    await check_in(members[5], group, 1, "only mine", "me")

    refused(env, await members[0].slash(group.channel, "facilitate checkin summary"), "Only facilitators")
    during = (await lead.slash(group.channel, "facilitate checkin summary")).response.content
    assert "5 members, 5 check-ins" not in during  # the week isn't over: nothing of it is shown yet

    await env.advance_time(7 * 86400)
    result = await lead.slash(group.channel, "facilitate checkin summary")
    text = result.response.content
    assert result.ephemeral
    assert "5 members, 5 check-ins, average 3.0 of 5" in text
    assert "😞 1: 1 · 🙁 2: 1 · 😐 3: 1 · 🙂 4: 1 · 😄 5: 1" in text
    assert "secret note" not in text and "only mine" not in text
    assert f"<@{members[5].id}>" in text  # an only-me check-in does not count as shared


async def test_summary_hides_mood_figures_drawn_from_too_few_members(harness: Harness, env: simcord.Env) -> None:
    await to_next_monday(harness, env)
    _guild, group, members, (lead,) = await setup_group(harness, env, members=4, facilitators=1)
    for member in members:
        await check_in(member, group, 2, "", "facilitators")
    await env.advance_time(7 * 86400)
    text = (await lead.slash(group.channel, "facilitate checkin summary", days=30)).response.content
    assert "hidden (fewer than 5 members shared check-ins" in text
    assert "🙁 2:" not in text and "average" not in text and "4 members" not in text


# --- low-mood alerts ------------------------------------------------------------------------------------------


async def test_low_mood_alert_is_opt_in_visible_revocable_and_tells_facilitators_once(
    harness: Harness, env: simcord.Env
) -> None:
    _guild, group, (alice,), (lead,) = await setup_group(harness, env, facilitators=1)
    shown = await alice.slash(group.channel, "checkin alerts show")
    assert "Off" in shown.response.content
    on = await alice.slash(group.channel, "checkin alerts on", below=2, in_a_row=2)
    assert on.ephemeral and "When 2 of your check-ins in a row" in on.response.content
    assert (
        "after 2 check-ins in a row at 2/5"
        in (await alice.slash(group.channel, "checkin alerts show")).response.content
    )

    await check_in(alice, group, 1, "private words", "me")
    assert dms(lead) == []
    second = await check_in(alice, group, 2, "", "me")
    assert "letting your group's facilitators know" in second.response.content
    assert len(dms(lead)) == 1
    assert f"<@{alice.id}>" in dms(lead)[0] and "private words" not in dms(lead)[0]
    await check_in(alice, group, 1)
    assert len(dms(lead)) == 1  # not again while the same low run lasts

    off = await alice.slash(group.channel, "checkin alerts off")
    assert "Off for **Caregivers**" in off.response.content
    await check_in(alice, group, 4)
    await check_in(alice, group, 1)
    await check_in(alice, group, 1)
    assert len(dms(lead)) == 1


async def test_low_mood_alert_needs_a_facilitator_and_valid_choices(harness: Harness, env: simcord.Env) -> None:
    _guild, group, (alice,), _ = await setup_group(harness, env)
    result = await alice.slash(group.channel, "checkin alerts on")
    refused(env, result, "has no facilitators yet")


# --- group prompts -----------------------------------------------------------------------------------------


async def test_daily_prompt_posts_a_check_in_button_that_works_after_a_restart(
    harness: Harness, env: simcord.Env
) -> None:
    guild, group, (alice,), (lead,) = await setup_group(harness, env, facilitators=1, timezone="Europe/Berlin")
    allow(env, guild, "facilitate", guild.default_role)  # shown to everyone: the tree still refuses members
    refused(env, await alice.slash(group.channel, "facilitate checkin prompt", time="9:00"), "Only facilitators")
    refused(env, await lead.slash(group.channel, "facilitate checkin prompt", time="25:00"), "is not a time of day")

    result = await lead.slash(group.channel, "facilitate checkin prompt", time="9:00")
    assert "daily at 09:00 (Europe/Berlin)" in result.response.content
    await harness.restart()
    await advance_to(env, datetime(2026, 1, 1, 8, 1, tzinfo=UTC))  # 09:00 in Berlin
    prompt = group.channel.last_message
    assert prompt is not None and "How are you, really?" in prompt.content

    await harness.restart()
    shown = await alice.click(prompt, label="Check in")
    assert shown.modal is not None and shown.modal["title"] == "Check in · Caregivers"
    await alice.submit_modal(shown, form(5))
    assert await count_checkins(harness) == 1

    off = await lead.slash(group.channel, "facilitate checkin prompt_off")
    assert "is off" in off.response.content
    await advance_to(env, datetime(2026, 1, 2, 8, 1, tzinfo=UTC))
    assert group.channel.last_message.id == prompt.id


async def test_weekly_prompt_waits_for_its_day(harness: Harness, env: simcord.Env) -> None:
    _guild, group, _members, (lead,) = await setup_group(harness, env, facilitators=1)
    # 1 January 2026 is a Thursday.
    result = await lead.slash(group.channel, "facilitate checkin prompt", time="18:00", day="Saturday")
    assert "every Saturday at 18:00 (UTC)" in result.response.content
    await advance_to(env, datetime(2026, 1, 2, 18, 5, tzinfo=UTC))
    assert group.channel.last_message is None
    await advance_to(env, datetime(2026, 1, 3, 18, 5, tzinfo=UTC))
    assert group.channel.last_message is not None


# --- retention and privacy ---------------------------------------------------------------------------------


async def test_retention_job_deletes_checkins_older_than_configured(harness: Harness, env: simcord.Env) -> None:
    _guild, group, (alice,), _ = await setup_group(harness, env)
    old = harness.clock.now() - timedelta(days=harness.settings.retention.checkins_days + 1)
    async with harness.bot.db.write() as session:
        session.add(
            Checkin(
                guild_id=_guild.id,
                group_id=group.group_id,
                user_id=alice.id,
                mood=3,
                note=None,
                visibility="me",
                created_at=old,
            )
        )
    await check_in(alice, group, 4)
    assert await count_checkins(harness) == 2
    await advance_to(env, datetime(2026, 1, 1, 3, 20, tzinfo=UTC))
    assert await count_checkins(harness) == 1


async def test_privacy_info_lists_checkins_and_delete_erases_them(harness: Harness, env: simcord.Env) -> None:
    _guild, group, (alice,), _ = await setup_group(harness, env)
    await check_in(alice, group, 3, "mine", "group")
    info = await alice.slash(group.channel, "privacy info")
    assert "1 check-in" in info.response.content
    asked = await alice.slash(group.channel, "privacy delete")
    await alice.click(asked.response.message, label="Yes, erase my data")
    assert await count_checkins(harness) == 0
