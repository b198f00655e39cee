"""Care's part of /privacy: info, export and erase count the same records, and after the erase no card
Hearth posted (facilitators' DMs, the moderator queue) still names the member."""

from __future__ import annotations

import json

import discord
import simcord

from cogs.moderation.views import KIND_ID
from tests.care.test_behaviour import cases, dms, world
from tests.conftest import Harness
from tests.moderation.support import REASON as REASON_ID
from tests.moderation.support import text_of
from tests.privacy.test_erase_story import numbers, said


def naming(messages: list[discord.Message], user_id: int) -> list[str]:
    return [m.content for m in messages if str(user_id) in m.content]


async def test_care_counts_agree_and_erasing_rewrites_every_card_that_named_her(
    harness: Harness, env: simcord.Env
) -> None:
    w = await world(harness, env)
    alice, (fay, gus), queue, channel = w["alice"], w["leads"], w["queue"], w["group"].channel
    bob = w["guild"].add_member(env.create_user("bob"))
    await alice.slash(channel, "care ask")  # a request about her: a card in each facilitator's DMs
    await env.advance_time(11 * 60)  # unclaimed: escalated to the moderator queue by the delivery record
    worry = await bob.send(channel, "I don't think I'll be around much longer")
    shown = await alice.context_menu(channel, "Report message", worry)  # she is worried about bob
    await alice.submit_modal(shown, {KIND_ID: "worried", REASON_ID: ""})
    await env.advance_time(1)
    cards = [*dms(fay), *dms(gus), *queue.history()]
    assert len(naming(cards, alice.id)) >= 3  # both DM cards and the escalation show who it's about

    info = numbers(said(await alice.slash(channel, "privacy info")))
    assert {"care request about you": 1, "worried report you made": 1}.items() <= info.items()
    exported = await alice.slash(channel, "privacy export")
    file = (exported.followups[-1] if exported.followups else exported.response).attachments[0]
    export = json.loads(await file.read())
    assert export["summary"]["care requests"] == {"requests_about_you": 1, "worried_reports_you_made": 1}
    care = export["data"]["care requests"]
    assert len(care["requests_about_you"]) == 1 and len(care["worried_reports_you_made"]) == 1
    assert "group" not in care["worried_reports_you_made"][0]  # bob's case is his: only that she raised it

    asked = await alice.slash(channel, "privacy delete")
    done = await alice.click(asked.response, label="Yes, erase my data")  # type: ignore[arg-type]
    assert numbers(text_of(done)) == info  # the erase reply counts what info counted
    await env.advance_time(60)

    cards = [*dms(fay), *dms(gus), *queue.history()]
    assert naming(cards, alice.id) == []
    assert sum("Care request removed" in m.content for m in cards) >= 3
    # Bob's case stays for the people helping him, no longer linked to who raised it.
    (left,) = await cases(harness)
    assert (left.member_id, left.raised_by) == (bob.id, None)
    assert any(f"<@{bob.id}>" in m.content for m in queue.history())
    after = numbers(said(await alice.slash(channel, "privacy info")))
    assert "care request about you" not in after and "worried report you made" not in after
