"""Moderation's own safety flag (care not loaded): a member who may be struggling is met with care, never with
warning wording (issue 11, "Safety flags are cases, not violations")."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings
from bot.errors import BadInput
from tests.conftest import Harness, make_settings
from tests.moderation.support import audit, labels, make_server, text_of
from tests.sharing.test_behaviour import share

CRISIS = "honestly I can't go on like this, I want to die"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path, HEARTH_FEATURES="groups,sharing,moderation")


async def test_a_safety_flag_offers_reaching_out_first_and_the_author_never_reads_warning(harness: Harness) -> None:
    assert harness.bot.get_cog("CareCog") is None
    s = await make_server(harness)
    posted = await share(s.alice, s.channel, CRISIS)
    assert "helpline" in str([m.content for m in posted.followups]).lower() or posted.followups

    card = s.card()
    assert "Someone may be struggling" in card.content and "isn't a rule broken" in card.content
    assert "already got helplines" in card.content
    assert labels(card)[:2] == ["Reach out", "Someone is with them"]
    assert "Warn author" not in labels(card)

    form = await s.maya.click(card, label="Reach out")
    assert form.modal is not None
    sent = await s.maya.submit_modal(form, {"mod:reachout:text": "Hey, I'm here if you'd like to talk. No pressure."})
    assert "Sent through Hearth" in text_of(sent)
    dm = s.alice.user.dm_channel.history()[-1].content
    assert "I'm here if you'd like to talk" in dm and "wanted to reach out" in dm
    assert "warn" not in dm.lower()
    card = s.card()
    assert "reached out kindly by" in card.content and "Reach out" in labels(card)  # still open

    done = await s.maya.click(card, label="Someone is with them")
    assert "someone is with them" in text_of(done)
    assert labels(s.card()) == []
    assert [e.action for e in await audit(harness)] == ["reachout", "withthem"]


async def test_warning_the_author_of_a_safety_flag_is_refused_with_the_kind_way_instead(harness: Harness) -> None:
    from bot.actor import Actor
    from cogs.moderation.cog import ModerationCog
    from tests.moderation.support import items

    s = await make_server(harness)
    await share(s.alice, s.channel, CRISIS)
    cog = harness.bot.get_cog("ModerationCog")
    assert isinstance(cog, ModerationCog)
    (item,) = [i for i in await items(harness) if i.kind == "flag"]
    maya = Actor(s.guild.id, s.maya.id, frozenset(r.id for r in s.maya.member.roles), False)
    for action in ("warn", "timeout"):  # a stale card's button, or a forged one, lands here
        with pytest.raises(BadInput, match="Use \\*\\*Reach out\\*\\*"):
            await cog.service.check(maya, item.id, action)
    assert not s.alice.user.dm_channel.history()
