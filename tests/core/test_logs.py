"""Logging: text or JSON lines, and discord.py's body-logging loggers held at INFO."""

from __future__ import annotations

import json
import logging

import pytest

from bot import logs
from bot.config import LoggingSettings


@pytest.fixture(autouse=True)
def _restore_logging() -> object:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    names = [*logs.OWN, *logs.FLOORS, "discord.http", "discord.gateway", "discord.client", "discord.state"]
    levels = {name: logging.getLogger(name).level for name in [*names, "discord.webhook"]}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, was in levels.items():
        logging.getLogger(name).setLevel(was)


def test_json_lines(capsys: pytest.CaptureFixture[str]) -> None:
    logs.configure(LoggingSettings(level="INFO", format="json"))
    logging.getLogger("hearth.test").info("started %d features", 3)
    line = capsys.readouterr().err.strip().splitlines()[-1]
    entry = json.loads(line)
    assert entry["message"] == "started 3 features"
    assert entry["level"] == "INFO"
    assert entry["logger"] == "hearth.test"


def test_debug_never_lets_discord_log_request_bodies(capsys: pytest.CaptureFixture[str]) -> None:
    logs.configure(LoggingSettings(level="DEBUG", format="text"))
    # discord.http logs request payloads (which carry members' words) at DEBUG.
    logging.getLogger("discord.http").debug("POST /channels/1/messages with {'content': 'my secret'}")
    logging.getLogger("hearth.test").debug("hearth debug line")
    err = capsys.readouterr().err
    assert "my secret" not in err
    assert "hearth debug line" in err
