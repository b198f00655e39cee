"""A whole member story at HEARTH_LOG_LEVEL=DEBUG: no log line from any logger carries a member's words or ids."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import logs
from bot.config import LoggingSettings, Settings
from cogs.sharing.views import TEXT_ID, WARNING_ID
from tests.conftest import Harness, make_settings
from tests.moderation.support import make_server, report

NOTE = "Kestrel-note: my sister's diagnosis"
POST = "Heron-post: I relapsed on Tuesday"
REPLY = "Osprey-reply: you are not alone"
REASON = "Plover-reason: this worries me"
WORDS = [NOTE, POST, REPLY, REASON, "Kestrel", "Heron", "Osprey", "Plover"]


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    """A stream for logs.configure(); every logger level it (or a test) touched is put back afterwards,
    so other tests' log captures see the levels they expect."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    touched = [*logs.OWN, *logs.FLOORS, "discord.http", "discord.gateway", "discord.client", "discord.state"]
    touched += ["discord.webhook"]
    levels = {name: logging.getLogger(name).level for name in touched}
    stream = io.StringIO()
    yield stream
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, was in levels.items():
        logging.getLogger(name).setLevel(was)


@pytest.fixture
def settings(tmp_path: Path, log_stream: io.StringIO) -> Settings:
    chosen = make_settings(tmp_path, HEARTH_LOG_LEVEL="DEBUG")
    assert chosen.logging.level == "DEBUG"
    logs.configure(chosen.logging, stream=log_stream)  # before the bot starts, as `python -m bot` does
    return chosen


async def test_a_full_story_at_debug_logs_no_member_words_or_ids(harness: Harness, log_stream: io.StringIO) -> None:
    s = await make_server(harness)
    logging.getLogger("hearth.test").debug("story begins")  # Hearth's own DEBUG lines do get through

    shown = await s.alice.slash(s.channel, "checkin now")
    assert shown.modal is not None
    await s.alice.submit_modal(shown, {"checkin:mood": ["2"], "checkin:note": NOTE, "checkin:visibility": ["group"]})

    shown = await s.alice.slash(s.channel, "share")
    assert shown.modal is not None
    await s.alice.submit_modal(shown, {TEXT_ID: POST, WARNING_ID: ""})
    post = next(m for m in s.channel.history() if m.content == POST)

    shown = await s.bob.click(post, label="Reply anonymously")
    assert shown.modal is not None
    await s.bob.submit_modal(shown, {TEXT_ID: REPLY, WARNING_ID: ""})

    await report(s.carol, s.channel, post, REASON)
    assert POST in s.card().content  # the story really reached the moderators

    asked = await s.alice.slash(s.channel, "privacy delete")
    assert asked.response is not None
    await s.alice.click(asked.response, label="Yes, erase my data")
    await harness.env.advance_time(30)
    await harness.restart()

    text = log_stream.getvalue()
    assert "story begins" in text
    for word in WORDS:
        assert word not in text, f"a log line carries a member's words: {word!r}"
    for who in (s.alice, s.bob, s.carol, s.maya):
        assert str(who.id) not in text, f"a log line carries the id of {who.name}"


def test_without_the_policy_aiosqlite_would_log_statements(log_stream: io.StringIO) -> None:
    """The threat is real: aiosqlite's logger is used at DEBUG, and the policy holds it back."""
    logs.configure(LoggingSettings(level="DEBUG"), stream=log_stream)
    logging.getLogger("aiosqlite").debug("executing %s", NOTE)
    logging.getLogger("sqlalchemy.engine.Engine").info("INSERT ... (%s)", POST)
    logging.getLogger("asyncpg.pool").debug("%s", REPLY)
    logging.getLogger("apscheduler.executors.default").info("Running job with args (%s)", REASON)
    logging.getLogger("some.new.library").debug("%s", NOTE)
    # A library that sets its own level after configure() is still held back by the handler's filter.
    logging.getLogger("aiosqlite").setLevel(logging.DEBUG)
    logging.getLogger("aiosqlite").debug("executing %s", NOTE)
    logging.getLogger("cogs.sharing.service").debug("hearth's own debug line")
    text = log_stream.getvalue()
    assert not any(word in text for word in WORDS)
    assert "hearth's own debug line" in text
