"""The whole story on SQLite and PostgreSQL: a member uses every feature, looks at what Hearth holds
(/privacy info and export), erases it, and the process restarts in the middle of the Discord clean-up.
Afterwards no table, no message Hearth posted, no REST body sent since the erase and no log line
carries their words or their id; others' words stay."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import simcord

from bot import logs
from bot.delivery import DeliveryFailed, Outgoing
from bot.privacy import Subject
from cogs.privacy.service import CLEANUP_GRACE
from tests.conftest import Harness, make_settings, running
from tests.moderation.support import text_of
from tests.privacy.story import (
    BOB_POST,
    BOB_SAID,
    scan_messages,
    scan_requests,
    scan_tables,
    scan_text,
)
from tests.privacy.story import live as live_story


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    """Hearth's own log policy at DEBUG into a stream; every level it touched is put back afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    touched = [*logs.OWN, *logs.FLOORS, "discord.http", "discord.gateway", "discord.client", "discord.state"]
    levels = {name: logging.getLogger(name).level for name in touched}
    stream = io.StringIO()
    yield stream
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, was in levels.items():
        logging.getLogger(name).setLevel(was)


@pytest.fixture
async def story_harness(tmp_path: Path, database_url: str, log_stream: io.StringIO) -> AsyncIterator[Harness]:
    settings = make_settings(tmp_path, database_url, HEARTH_LOG_LEVEL="DEBUG")
    logs.configure(settings.logging, stream=log_stream)  # before the bot starts, as `python -m bot` does
    async for harness in running(settings):
        yield harness


def said(result: simcord.InteractionResult) -> str:
    return "\n".join(m.content for m in [result.response, *result.followups] if m is not None)


def numbers(text: str) -> dict[str, int]:
    """'• group: 3 check-ins, 1 daily reminder' lines → {'check-ins': 3, 'daily reminder': 1}."""
    found: dict[str, int] = {}
    for line in text.splitlines():
        if line.startswith("• "):
            for count, label in re.findall(r"(\d+) ([^,]+)", line.split(": ", 1)[-1]):
                found[label.strip()] = int(count)
    return found


async def test_erase_removes_every_copy_even_with_a_restart_in_the_middle_of_the_clean_up(
    story_harness: Harness, log_stream: io.StringIO
) -> None:
    harness = story_harness
    story = await live_story(harness)
    s, alice = story.s, story.alice
    env = harness.env

    # What Hearth holds about her, three ways: the same numbers everywhere.
    info_text = said(await alice.slash(s.general, "privacy info"))
    info = numbers(info_text)
    exported = await alice.slash(s.general, "privacy export")
    file = (exported.followups[-1] if exported.followups else exported.response).attachments[0]
    export = json.loads(await file.read())
    for name in export["summary"]:  # each count is what info says and the length of the records exported
        provider = next(p for p in harness.bot.privacy.providers if p.name == name)
        async with harness.bot.db.read() as session:
            tallies = await provider.counts(session, Subject(alice.id, harness.bot.require_keys()))  # type: ignore[union-attr]
        assert export["summary"][name] == {t.key: t.count for t in tallies if t.count}
        for tally in tallies:
            if tally.count:
                assert len(export["data"][name][tally.key]) == tally.count, (name, tally.key)
                assert re.search(rf"^• \*\*.*(: |, ){re.escape(tally.line())}(,|$)", info_text, re.M), tally.line()
    assert sum(info.values()) == sum(n for counts in export["summary"].values() for n in counts.values())
    for name, key in (
        ("check-ins", "checkins"),
        ("anonymous posts", "posts"),
        ("anonymous posts", "replies"),
        ("anonymous posts", "awaiting_approval"),
        ("anonymous posts", "moderator_quotes"),
        ("moderation records", "items_about_your_messages"),
        ("moderation records", "reports_you_filed"),
        ("resources", "resources_added"),
        ("group memberships", "memberships"),
        ("meetings", "rsvps"),
        ("group memberships", "join_requests"),
        ("sharing rounds", "rounds"),
    ):
        assert export["summary"].get(name, {}).get(key, 0) >= 1, f"the story left no {name}: {key}"

    # The scans see her before the erase (so an empty scan afterwards means something).
    dm = alice.user.dm_channel.id  # messages addressed to her, in her own DMs, are hers to keep or delete
    assert len(await scan_tables(harness, alice.id)) > 10
    assert len(scan_messages(env, alice.id, except_channels={dm})) >= 5

    # The erase: the first Discord clean-up goes through, then the process loses Discord and dies.
    sender = harness.bot.deliveries.sender
    assert sender is not None
    real_send = sender.send
    calls = 0

    async def dying(item: Outgoing) -> int | None:
        nonlocal calls
        calls += 1
        if calls > 1:
            raise DeliveryFailed(0)  # the connection is gone: the process is on its way down
        return await real_send(item)

    async def no_loop() -> int:  # this process's timers don't get to run before it goes down
        return 0

    sender.send = dying  # type: ignore[method-assign]
    harness.bot.deliveries.run = no_loop  # type: ignore[method-assign]
    asked = await alice.slash(s.general, "privacy delete")
    assert asked.response is not None and "Keep my anonymous posts' words" in str(asked.response.components)
    since = len(env.http_requests)
    done = await alice.click(asked.response, label="Yes, erase my data")
    reply = text_of(done)
    assert numbers(reply) == info  # the erase reply counts what info counted
    assert "Taken off Discord or rewritten: 1 message." in reply
    assert "Still on Discord for now:" in reply and "Hearth keeps trying" in reply

    # The rest fall due after the erase's grace (CLEANUP_GRACE); this process's loop is stopped (no_loop), so
    # they are still waiting when it goes down. (Restarting with a timer armed a few seconds ahead lets
    # SimCord's real-time fallback fire mid-restart.)
    await env.advance_time(CLEANUP_GRACE.total_seconds() + 1)
    await harness.restart()
    await env.advance_time(60)
    await env.advance_time(600)

    assert await scan_tables(harness, alice.id) == []
    assert scan_messages(env, alice.id, except_channels={dm}) == []
    assert scan_requests(env, since, alice.id) == []
    assert scan_text(log_stream.getvalue(), [alice.id]) == []

    # Nobody else lost anything: Bob's post and his reported message are still there.
    assert any(m.content == BOB_POST for m in s.channel.history())
    assert any(m.content == BOB_SAID for m in s.channel.history())
    assert BOB_POST in json.dumps(
        await harness.bot.privacy.export(harness.bot.db, Subject(s.bob.id, harness.bot.require_keys()))
    )
