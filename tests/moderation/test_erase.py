"""/privacy delete reaches moderation: the excerpt of a member's words and the queue card quoting it go,
and reports they filed become unlinkable; /privacy info and the erase reply count the same things."""

from __future__ import annotations

from tests.conftest import Harness
from tests.moderation.support import items, make_server, report, reports

WORDS = "Wren-words: I can't do this any more"
REASON = "Finch-reason: this worried me"


async def test_erasing_removes_the_excerpt_and_the_card_quote_even_across_a_restart(harness: Harness) -> None:
    s = await make_server(harness)
    message = await s.alice.send(s.channel, WORDS)
    await report(s.bob, s.channel, message, REASON)
    card = s.card()
    assert WORDS in card.content

    info = (await s.alice.slash(s.general, "privacy info")).response.content
    assert "1 moderation item about messages you wrote" in info
    asked = await s.alice.slash(s.general, "privacy delete")
    done = await s.alice.click(asked.response, label="Yes, erase my data")  # type: ignore[arg-type]
    said = done.followups[-1].content if done.followups else done.response.content
    assert "moderation records" in said

    await harness.restart()  # the card edit was recorded with the erase: a restart doesn't lose it
    await harness.env.advance_time(30)
    [item] = await items(harness)
    assert item.excerpt == "(removed at the author's request)" and item.author_id is None
    edited = next(m for m in s.queue.history() if m.id == card.id)
    assert WORDS not in edited.content and "removed at the author's request" in edited.content


async def test_reports_a_member_filed_become_unlinkable_when_they_erase(harness: Harness) -> None:
    s = await make_server(harness)
    message = await s.alice.send(s.channel, "something hurtful")
    await report(s.bob, s.channel, message, REASON)

    info = (await s.bob.slash(s.general, "privacy info")).response.content
    assert "1 report you filed" in info
    asked = await s.bob.slash(s.general, "privacy delete")
    await s.bob.click(asked.response, label="Yes, erase my data")  # type: ignore[arg-type]

    [row] = await reports(harness)
    assert row.reporter_key is None and REASON not in row.reason
    after = (await s.bob.slash(s.general, "privacy info")).response.content
    assert "report you filed" not in after  # not even Hearth can find them now
