"""/facilitate stats in the facilitator's language: the text (the chart's alternative), the chart's description and the
refusals from the catalog, with real plurals and German numbers and dates."""

from __future__ import annotations

import simcord

import cogs.stats.chart  # noqa: F401 (matplotlib's first import is slow: not inside a test)
from bot import i18n
from cogs.stats import texts
from tests.conftest import Harness
from tests.i18n.test_behaviour import SimcordLocale, in_language, locales  # noqa: F401 (fixture)
from tests.stats.test_behaviour import check_in, last, refused, world


async def test_a_facilitator_reads_stats_in_their_language_and_another_in_english(
    harness: Harness,
    env: simcord.Env,
    locales: SimcordLocale,  # noqa: F811
) -> None:
    _guild, group, people, lead = await world(harness, env)
    locales[lead.id] = "de"
    for member in people:
        await check_in(member, group, 4)
    await env.advance_time(7 * 86400)

    message = last(await lead.slash(group.channel, "facilitate stats", weeks=4))
    text = message.content
    assert text.startswith("**Caregivers**: Aktivität in den letzten 4 ganzen Wochen (Wochen vom ")
    assert in_language("de", texts._privacy_line, 5) in text.splitlines()
    assert "**Check-ins**: letzte Woche 6 Check-ins von 6 Personen." in text
    assert "**Teilnahme an Treffen**: letzte Woche verborgen." in text
    assert "Dez." in text or "Jan." in text  # week labels as German writes dates
    assert "hidden" not in text and "last week" not in text
    chart = next(a for a in message.attachments if a.filename.endswith(".png"))
    assert chart.description.startswith("Caregivers: Aktivität pro Woche. Check-ins: 1 Woche gezeigt, von 6 bis 6")

    refused(
        env,
        await lead.slash(group.channel, "facilitate stats", server=True),
        in_language("de", texts.server_is_for_admins),
    )


def test_stats_plurals_in_both_languages() -> None:
    with i18n.using("en"):
        assert [texts._contributors("posts", n) for n in (0, 1, 2, 5)] == [
            "0 writers",
            "1 writer",
            "2 writers",
            "5 writers",
        ]
    with i18n.using("de"):
        assert [texts._counted("rounds", n) for n in (0, 1, 2, 5)] == [
            "0 Redebeiträge",
            "1 Redebeitrag",
            "2 Redebeiträge",
            "5 Redebeiträge",
        ]
        assert texts.percent(0.5) == "50\xa0%"
