"""/facilitate stats end to end through SimCord: facilitators, admins, members refused, small groups, Discord
failing."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from typing import Any

import discord
import simcord

import cogs.stats.chart  # noqa: F401 (matplotlib's first import, seconds on a loaded machine, not inside a test)
from bot.errors import HearthError
from cogs.sharing.views import TEXT_ID, WARNING_ID
from tests.conftest import Harness
from tests.support.commands import allow
from tests.support.groups import GroupFixture, make_group

MOOD, NOTE, SEEN = "checkin:mood", "checkin:note", "checkin:visibility"


async def check_in(member: simcord.MemberActor, group: GroupFixture, mood: int, seen: str = "facilitators") -> None:
    shown = await member.slash(group.channel, "checkin now")
    assert shown.modal is not None, shown
    await member.submit_modal(shown, {MOOD: [str(mood)], NOTE: f"private words {mood}", SEEN: [seen]})


async def share(member: simcord.MemberActor, group: GroupFixture, text: str) -> None:
    shown = await member.slash(group.channel, "share")
    assert shown.modal is not None, shown
    await member.submit_modal(shown, {TEXT_ID: text, WARNING_ID: ""})


async def to_next_monday(harness: Harness, env: simcord.Env) -> None:
    now = harness.clock.now()
    monday = (now + timedelta(days=7 - now.weekday())).replace(hour=0, minute=5, second=0, microsecond=0)
    await env.advance_time((monday - now).total_seconds())


def last(result: simcord.InteractionResult) -> Any:
    return result.followups[-1] if result.followups else result.response


def refused(env: simcord.Env, result: simcord.InteractionResult, text: str) -> None:
    message = last(result)
    assert result.ephemeral and message.ephemeral, result
    assert text in message.content, message.content
    errors = env.errors  # reading them acknowledges them
    assert all(isinstance(getattr(e, "original", e), HearthError) for e in errors), errors


async def world(harness: Harness, env: simcord.Env, members: int = 6) -> tuple[Any, GroupFixture, list[Any], Any]:
    await to_next_monday(harness, env)  # everyone joined before the week that will be shown began
    guild = env.create_guild()
    people = [guild.add_member(env.create_user(f"member{i}")) for i in range(members)]
    lead = guild.add_member(env.create_user("lead"))
    group = await make_group(harness, guild, "Caregivers", members=people, facilitators=[lead])
    await env.advance_time(3600)
    return guild, group, people, lead


async def test_facilitator_sees_whole_weeks_as_text_chart_and_csv_and_nothing_about_one_person(
    harness: Harness, env: simcord.Env
) -> None:
    _guild, group, people, lead = await world(harness, env)
    for index, member in enumerate(people):
        await check_in(member, group, 1 + index % 5)
    for member in people[:5]:
        await share(member, group, "Today was long, but I made it through.")
    await share(people[0], group, "And one more thought.")

    during = last(await lead.slash(group.channel, "facilitate stats", weeks=4))
    assert "6 check-ins" not in during.content  # the week hasn't ended: nothing of it is shown

    await env.advance_time(7 * 86400)
    result = await lead.slash(group.channel, "facilitate stats", weeks=4)
    message = last(result)
    assert result.ephemeral and message.ephemeral
    text = message.content
    assert "**Caregivers**: engagement over the last 4 whole weeks" in text
    assert "**Check-ins**: last week 6 check-ins from 6 people." in text
    assert "**Anonymous posts**: last week 6 posts from 5 writers." in text
    assert "**Meeting attendance**: last week hidden." in text  # nobody met: hidden, never a zero about people
    # Week by week, oldest first: the three weeks before anyone took part are hidden, never zeros.
    week = r"\d\d? \w\w\w"  # 7 Dec
    assert re.search(rf"{week}: hidden · {week}: hidden · {week}: hidden · {week}: 6\n", text), text
    assert "private words" not in text and "made it through" not in text
    assert all(f"<@{p.id}>" not in text and p.user.name not in text for p in people)

    names = sorted(a.filename for a in message.attachments)
    assert names[0].endswith(".csv") and names[1].endswith(".png")
    chart = next(a for a in message.attachments if a.filename.endswith(".png"))
    assert chart.description and "Check-ins: 1 week shown, from 6 to 6" in chart.description
    sheet = next(a for a in message.attachments if a.filename.endswith(".csv"))
    rows = list(csv.DictReader(io.StringIO((await sheet.read()).decode())))
    checkins = [r for r in rows if r["metric"] == "checkins"]
    assert [r["shown"] for r in checkins] == ["hidden", "hidden", "hidden", "yes"]
    assert (checkins[-1]["count"], checkins[-1]["people"]) == ("6", "6")
    # Every shown figure stands on 5 or more people; hidden ones say nothing, not even how many.
    assert all(int(r["people"]) >= 5 if r["shown"] == "yes" else r["count"] == r["people"] == "" for r in rows)


async def test_published_week_stays_the_same_after_a_member_erases_their_data(
    harness: Harness, env: simcord.Env
) -> None:
    _guild, group, people, lead = await world(harness, env)
    for member in people:
        await check_in(member, group, 3)
    await env.advance_time(7 * 86400)
    before = last(await lead.slash(group.channel, "facilitate stats", weeks=4)).content
    assert "6 check-ins from 6 people" in before

    confirm = await people[0].slash(group.channel, "privacy delete")
    await people[0].click(confirm.response.message, label="Yes, erase my data")

    after = last(await lead.slash(group.channel, "facilitate stats", weeks=4)).content
    # Frozen once shown: a later view never differs from an earlier one by one person.
    assert "6 check-ins from 6 people" in after


async def test_member_is_refused_and_a_facilitator_cannot_see_the_whole_server(
    harness: Harness, env: simcord.Env
) -> None:
    guild, group, people, lead = await world(harness, env)
    allow(env, guild, "facilitate", guild.default_role)  # shown to everyone: the tree still refuses members
    refused(env, await people[0].slash(group.channel, "facilitate stats"), "Only facilitators")
    refused(env, await lead.slash(group.channel, "facilitate stats", server=True), "for server admins")


async def test_admin_sees_the_server_added_up_from_groups_whose_own_weeks_are_shown(
    harness: Harness, env: simcord.Env
) -> None:
    guild, group, people, _lead = await world(harness, env)
    admin = guild.add_member(
        env.create_user("ada"), roles=[guild.create_role("Admins", permissions=discord.Permissions(manage_guild=True))]
    )
    small_people = [guild.add_member(env.create_user(f"few{i}")) for i in range(3)]
    small = await make_group(harness, guild, "Night owls", members=small_people, facilitators=[])
    for member in people:
        await check_in(member, group, 4)
    for member in small_people:
        await check_in(member, small, 2)
    await env.advance_time(7 * 86400)

    result = await admin.slash(group.channel, "facilitate stats", server=True, weeks=4)
    text = last(result).content
    assert result.ephemeral
    assert "all 2 groups" in text
    # 6 from Caregivers; Night owls' 3 check-ins are hidden in its own view, so they add nothing here.
    assert "**Check-ins**: last week 6 check-ins (1 group shown)." in text
    sheet = next(a for a in last(result).attachments if a.filename.endswith(".csv"))
    rows = [r for r in csv.DictReader(io.StringIO((await sheet.read()).decode())) if r["metric"] == "checkins"]
    assert (rows[-1]["groups_shown"], rows[-1]["groups_hidden"], rows[-1]["count"]) == ("1", "1", "6")

    # The admin may also open each group; the small one says "hidden", kindly.
    owl = last(await admin.slash(group.channel, "facilitate stats", group="Night owls")).content
    assert "Nothing to show yet" in owl and "3" not in owl.split("Nothing to show yet")[1].split("people")[0]


async def test_small_group_shows_hidden_kindly_without_a_chart(harness: Harness, env: simcord.Env) -> None:
    _guild, group, people, lead = await world(harness, env, members=3)  # 4 people with the facilitator
    for member in [*people, lead]:
        await check_in(member, group, 2)
    await env.advance_time(7 * 86400)

    message = last(await lead.slash(group.channel, "facilitate stats"))
    assert message.ephemeral
    assert "Nothing to show yet" in message.content
    assert "says nothing bad about it" in message.content
    assert "4 check-ins" not in message.content and "4 people" not in message.content
    assert not message.attachments


async def test_discord_refusing_the_files_still_delivers_every_figure_as_text(
    harness: Harness, env: simcord.Env
) -> None:
    _guild, group, people, lead = await world(harness, env)
    for member in people:
        await check_in(member, group, 5)
    await env.advance_time(7 * 86400)

    env.inject_error("POST", "/webhooks/*", status=500, times=1)
    result = await lead.slash(group.channel, "facilitate stats", weeks=4)
    message = last(result)
    assert message.ephemeral
    assert "Discord wouldn't take the chart and CSV just now" in message.content
    assert "**Check-ins**: last week 6 check-ins from 6 people." in message.content
    assert not message.attachments


async def test_members_who_left_show_as_a_weekly_count_once_five_have_gone(harness: Harness, env: simcord.Env) -> None:
    _guild, group, people, lead = await world(harness, env, members=8)
    for member in people[:5]:
        left = await member.slash(group.channel, "group leave", group="Caregivers")
        assert "You left **Caregivers**" in last(left).content

    during = last(await lead.slash(group.channel, "facilitate stats", weeks=4)).content
    assert "5 left" not in during  # the week hasn't ended

    await env.advance_time(7 * 86400)
    message = last(await lead.slash(group.channel, "facilitate stats", weeks=4))
    assert message.ephemeral
    assert "**Members who left**: last week 5 left." in message.content
    assert all(f"<@{p.id}>" not in message.content and p.user.name not in message.content for p in people)
    chart = next(a for a in message.attachments if a.filename.endswith(".png"))
    assert chart.description and "Members who left: 1 week shown, from 5 to 5" in chart.description
    sheet = next(a for a in message.attachments if a.filename.endswith(".csv"))
    rows = [r for r in csv.DictReader(io.StringIO((await sheet.read()).decode())) if r["metric"] == "departed"]
    assert [(r["shown"], r["count"], r["people"]) for r in rows] == [
        ("hidden", "", ""),
        ("hidden", "", ""),
        ("hidden", "", ""),
        ("yes", "5", "5"),
    ]
