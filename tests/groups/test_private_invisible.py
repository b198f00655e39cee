"""A private group is invisible to non-members everywhere: every command with a group option, and every
group autocomplete, answers a non-member exactly as it answers for a group that doesn't exist."""

from __future__ import annotations

from typing import Any

import simcord
from sqlalchemy import select

from cogs.groups.models import JoinRequest
from tests.conftest import Harness
from tests.support.commands import allow
from tests.support.groups import make_group

ASKED = "grief circle"  # how the non-member types it; the group is spelled "Grief Circle"

# Every command that takes a group by name, with the other options it needs.
COMMANDS: list[tuple[str, dict[str, Any]]] = [
    ("checkin now", {}),
    ("facilitate checkin summary", {}),
    ("facilitate checkin prompt", {"time": "19:00"}),
    ("facilitate checkin prompt_off", {}),
    ("checkin alerts on", {}),
    ("checkin alerts off", {}),
    ("group info", {}),
    ("group guidelines", {}),
    ("facilitate group edit", {}),
    ("facilitate group archive", {}),
    ("facilitate group unarchive", {}),
    ("group leave", {}),
    ("facilitate facilitators add", {"member": "self"}),
    ("facilitate facilitators remove", {"member": "self"}),
    ("meeting list", {}),
    ("meeting export", {}),
    ("facilitate meeting schedule", {"title": "Tea", "when": "tomorrow 19:00"}),
    ("share", {}),
]
AUTOCOMPLETED = sorted({name for name, _ in COMMANDS} | {"group join"})


async def world(harness: Harness, *, with_private: bool) -> tuple[simcord.ChannelHandle, simcord.MemberActor]:
    """A server with a public group the asker belongs to, and (or not) a private "Grief Circle"."""
    env = harness.env
    guild = env.create_guild()
    asker = guild.add_member(env.create_user("nina"))
    allow(env, guild, "facilitate", guild.default_role)  # shown to everyone: what each command answers is tested
    insider = guild.add_member(env.create_user("ines"))
    public = await make_group(harness, guild, "Caregivers", members=[asker])
    if with_private:
        await make_group(harness, guild, "Grief Circle", members=[insider], facilitators=[insider], private=True)
    return public.channel, asker


def seen(result: simcord.InteractionResult) -> str:
    if result.modal is not None:
        return f"<form {result.modal.title}>"
    messages = [m for m in [result.response, *result.followups] if m is not None]
    return "\n".join(m.content for m in messages)


async def ask(
    env: simcord.Env, channel: simcord.ChannelHandle, who: simcord.MemberActor, name: str, options: dict[str, Any]
) -> str:
    filled = {k: (who if v == "self" else v) for k, v in options.items()}
    result = await who.slash(channel, name, group=ASKED, **filled)
    env.errors.clear()  # refusals are the behaviour under test
    return seen(result)


async def test_every_command_answers_a_non_member_as_if_the_private_group_did_not_exist(harness: Harness) -> None:
    env = harness.env
    here, nina = await world(harness, with_private=True)
    elsewhere, other = await world(harness, with_private=False)
    for name, options in COMMANDS:
        about_private = await ask(env, here, nina, name, options)
        about_nothing = await ask(env, elsewhere, other, name, options)
        assert about_private == about_nothing, f"/{name} tells a non-member the private group exists"
        assert "Grief Circle" not in about_private, f"/{name} reveals the private group's spelling"


async def test_group_join_reads_the_same_for_a_private_group_and_a_missing_one(harness: Harness) -> None:
    env = harness.env
    here, nina = await world(harness, with_private=True)
    elsewhere, other = await world(harness, with_private=False)

    about_private = await ask(env, here, nina, "group join", {})
    about_nothing = await ask(env, elsewhere, other, "group join", {})
    again = await ask(env, here, nina, "group join", {})  # asking twice reveals nothing either

    assert about_private == about_nothing == again
    assert "If a private group called “grief circle” exists" in about_private
    assert "Grief Circle" not in about_private
    async with harness.bot.db.read() as session:  # the private group's facilitators were asked, once
        assert len(list(await session.scalars(select(JoinRequest)))) == 1


async def test_no_autocomplete_offers_a_private_group_to_a_non_member(harness: Harness) -> None:
    here, nina = await world(harness, with_private=True)
    for name in AUTOCOMPLETED:
        choices = await nina.autocomplete(here, name, "group", "gri")
        assert not any("Grief" in str(choice) for choice in choices), f"/{name} suggests the private group"
        everything = await nina.autocomplete(here, name, "group", "")
        assert not any("Grief" in str(choice) for choice in everything), f"/{name} lists the private group"


async def test_members_still_see_and_use_their_private_group(harness: Harness) -> None:
    env = harness.env
    guild = env.create_guild()
    ines = guild.add_member(env.create_user("ines"))
    group = await make_group(harness, guild, "Grief Circle", members=[ines], private=True)
    info = await ines.slash(group.channel, "group info", group=ASKED)
    assert "Grief Circle" in seen(info)
    choices = await ines.autocomplete(group.channel, "checkin now", "group", "gri")
    assert any("Grief Circle" in str(choice) for choice in choices)
