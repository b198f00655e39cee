"""/resource and "Save as resource" through SimCord with the real bot: what members and facilitators see."""

from __future__ import annotations

from typing import Any

import simcord
from sqlalchemy import select

from bot.errors import BadInput, Conflict, NotAllowed
from cogs.resources.models import Resource
from cogs.resources.views import DESCRIPTION_ID, LINK_ID, TAGS_ID, TITLE_ID
from tests.conftest import Harness
from tests.support.commands import allow
from tests.support.groups import GroupFixture, make_group


class Setup:
    def __init__(self, guild: Any, group: GroupFixture, ana: Any, ben: Any, lead: Any, outsider: Any) -> None:
        self.guild, self.group, self.ana, self.ben, self.lead, self.outsider = guild, group, ana, ben, lead, outsider

    @property
    def channel(self) -> simcord.ChannelHandle:
        return self.group.channel


async def arrange(harness: Harness, env: simcord.Env) -> Setup:
    guild = env.create_guild()
    ana, ben, lead, outsider = (guild.add_member(env.create_user(n)) for n in ("ana", "ben", "lead", "outsider"))
    group = await make_group(harness, guild, "Sleep", members=[ana, ben], facilitators=[lead])
    return Setup(guild, group, ana, ben, lead, outsider)


def said(result: simcord.InteractionResult) -> str:
    messages = [m for m in [result.response, *result.followups] if m is not None]
    assert messages and all(m.ephemeral for m in messages), "every /resource reply is ephemeral"
    return "\n".join(m.content for m in messages)


def refused(env: simcord.Env, kind: type[BaseException]) -> None:
    errors = env.errors
    assert errors, "expected a refusal"
    original = getattr(errors[-1], "original", errors[-1])
    assert isinstance(original, kind), repr(original)


async def stored(harness: Harness) -> list[Resource]:
    async with harness.bot.db.read() as session:
        return list(await session.scalars(select(Resource).order_by(Resource.id)))


async def test_add_then_search_shows_ranked_results_with_domains_and_no_previews(
    harness: Harness, env: simcord.Env
) -> None:
    s = await arrange(harness, env)
    added = await s.ana.slash(
        s.channel, "resource add", title="Sleep hygiene @everyone", link="https://www.nhs.uk/sleep", tags="sleep"
    )
    assert "Added **Sleep hygiene @everyone** to the library of **Sleep**" in said(added)
    await s.ana.slash(s.channel, "resource add", title="Evening routine", description="Dim lights, then sleep.")

    found = await s.ben.slash(s.channel, "resource search", query="sleep")
    text = said(found)
    assert text.index("Sleep hygiene") < text.index("Evening routine")
    assert "nhs.uk: <https://www.nhs.uk/sleep>" in text
    assert "@\u200beveryone" in text  # a title can't ping anyone
    message = found.response
    assert message is not None and message.flags.suppress_embeds and not message.embeds


async def test_search_text_with_fts_operators_and_quotes_is_searched_as_words(
    harness: Harness, env: simcord.Env
) -> None:
    s = await arrange(harness, env)
    await s.ana.slash(s.channel, "resource add", title="Box breathing", tags="anxiety")
    for query in ['"box', "box AND (", "NEAR(box*", "title:box -", 'anxiety" OR "']:
        assert "Box breathing" in said(await s.ben.slash(s.channel, "resource search", query=query)), query
    nothing = await s.ben.slash(s.channel, "resource search", query='" * ( )')
    assert "Type a few words" in said(nothing)
    refused(env, BadInput)


async def test_autocomplete_suggests_titles_and_tags_despite_typos(harness: Harness, env: simcord.Env) -> None:
    s = await arrange(harness, env)
    await s.ana.slash(s.channel, "resource add", title="Box breathing", tags="anxiety, breathing")
    await s.ana.slash(s.channel, "resource add", title="Sleep diary", tags="insomnia")
    choices = await s.ben.autocomplete(s.channel, "resource search", "query", "anxeity")
    assert "anxiety" in [c["value"] for c in choices]
    choices = await s.ben.autocomplete(s.channel, "resource search", "query", "diar")
    assert [c["name"] for c in choices] == ["Sleep diary"]
    # Outside the group: nothing of its library is suggested.
    assert await s.outsider.autocomplete(s.channel, "resource search", "query", "box") == []


async def test_suggestion_waits_for_a_facilitator_who_approves_it(harness: Harness, env: simcord.Env) -> None:
    s = await arrange(harness, env)
    allow(env, s.guild, "facilitate", s.guild.default_role)  # shown to everyone: the tree still refuses members
    await s.ana.slash(s.channel, "facilitate resource settings", suggestions=True)
    refused(env, NotAllowed)
    assert "now wait for a facilitator" in said(
        await s.lead.slash(s.channel, "facilitate resource settings", suggestions=True)
    )

    suggested = await s.ana.slash(s.channel, "resource add", title="White noise")
    assert "suggested for **Sleep**" in said(suggested)
    assert "Nothing found" in said(await s.ben.slash(s.channel, "resource search", query="noise"))

    member_view = said(await s.ben.slash(s.channel, "resource list"))
    assert "White noise" not in member_view
    review = await s.lead.slash(s.channel, "resource list")
    assert "Suggestions waiting for your review" in said(review) and "White noise" in said(review)
    assert review.response is not None
    approved = await s.lead.click(review.response, label="Approve 1")
    assert "Approved" in said(approved)
    assert "White noise" in said(await s.ben.slash(s.channel, "resource search", query="noise"))


async def test_pin_puts_a_resource_on_the_start_here_list(harness: Harness, env: simcord.Env) -> None:
    s = await arrange(harness, env)
    await s.ana.slash(s.channel, "resource add", title="Box breathing")
    await s.ana.slash(s.channel, "resource add", title="Crisis lines", link="https://findahelpline.com")
    choices = await s.lead.autocomplete(s.channel, "resource edit", "resource", "crisis")
    assert [c["name"] for c in choices] == ["Crisis lines (Sleep)"]
    await s.ana.slash(s.channel, "resource edit", resource=choices[0]["value"], pinned=True)
    refused(env, NotAllowed)
    await s.lead.slash(s.channel, "resource edit", resource=choices[0]["value"], pinned=True)
    listing = said(await s.ben.slash(s.channel, "resource list"))
    assert listing.index("Start here") < listing.index("Crisis lines") < listing.index("Box breathing")


async def test_helpful_votes_count_once_per_member_and_lift_ranking(harness: Harness, env: simcord.Env) -> None:
    s = await arrange(harness, env)
    await s.ana.slash(s.channel, "resource add", title="Sleep hygiene", tags="sleep")

    async def press(member: Any) -> str:
        found = await member.slash(s.channel, "resource search", query="sleep")
        assert found.response is not None
        return said(await member.click(found.response, label="1 helped me"))

    assert "marked as helpful (1 so far)" in await press(s.ben)
    assert "took your helpful vote back (0 now)" in (await press(s.ben)).lower()
    assert "votes are for others" in await press(s.ana)  # authors don't vote for their own
    assert "marked as helpful (1 so far)" in await press(s.lead)
    assert "1 found it helpful" in said(await s.ben.slash(s.channel, "resource search", query="sleep"))


async def test_remove_by_author_or_facilitator_only(harness: Harness, env: simcord.Env) -> None:
    s = await arrange(harness, env)
    await s.ana.slash(s.channel, "resource add", title="Box breathing")
    await s.ben.slash(s.channel, "resource remove", resource="box breathing")
    refused(env, NotAllowed)
    assert "Removed **Box breathing**" in said(
        await s.ana.slash(s.channel, "resource remove", resource="Box breathing")
    )
    assert await stored(harness) == []


async def test_wrong_inputs_get_clear_answers_and_store_nothing(harness: Harness, env: simcord.Env) -> None:
    s = await arrange(harness, env)
    cases: list[tuple[dict[str, Any], type[BaseException], str]] = [
        ({"title": "   "}, BadInput, "needs a title"),
        ({"title": "Ok", "link": "javascript:alert(1)"}, BadInput, "Only web links"),
        ({"title": "Ok", "link": "ftp://example.org/x"}, BadInput, "Only web links"),
        ({"title": "Ok", "link": "https://me:pw@example.org/"}, BadInput, "user name or password"),
        ({"title": "Ok", "tags": "a tag; with punctuation!"}, BadInput, "Tags are single words"),
        ({"title": "Ok", "server_wide": True}, NotAllowed, "Only server admins"),
    ]
    for options, kind, words in cases:
        result = await s.ana.slash(s.channel, "resource add", **options)
        assert words in said(result), options
        refused(env, kind)
    assert await stored(harness) == []
    await s.ana.slash(s.channel, "resource add", title="Box breathing")
    duplicate = await s.ben.slash(s.channel, "resource add", title="BOX  breathing")
    assert "already has a resource called **Box breathing**" in said(duplicate)
    refused(env, Conflict)
    assert len(await stored(harness)) == 1
    # Not a member of the group: told how to join, nothing stored.
    other = s.guild.create_text_channel("general")
    await s.outsider.slash(other, "resource add", title="Mine", group="Sleep")
    refused(env, NotAllowed)
    assert len(await stored(harness)) == 1


async def test_save_as_resource_turns_a_message_into_a_resource(harness: Harness, env: simcord.Env) -> None:
    s = await arrange(harness, env)
    message = await s.ben.send(s.channel, "This helped me a lot: https://example.org/breathe @everyone")
    shown = await s.ana.context_menu(s.channel, "Save as resource", message)
    assert shown.modal is not None
    rows = [row.get("component") or row["components"][0] for row in shown.modal["components"]]
    inputs = {field["custom_id"]: field for field in rows}
    assert inputs[LINK_ID]["value"] == "https://example.org/breathe"
    saved = await s.ana.submit_modal(
        shown,
        {
            TITLE_ID: "Breathing page",
            LINK_ID: inputs[LINK_ID]["value"],
            DESCRIPTION_ID: inputs[DESCRIPTION_ID]["value"],
            TAGS_ID: "breathing",
        },
    )
    assert "Added **Breathing page**" in said(saved)
    (row,) = await stored(harness)
    assert (row.author_id, row.quoted_user_id, row.url) == (s.ana.id, s.ben.id, "https://example.org/breathe")
