"""Logging through the standard library, as text or JSON lines, with no member data at any level.

Hearth's own log lines never carry what members wrote, nor who is behind a pseudonym; they name
records by id. Libraries are another matter: at DEBUG aiosqlite logs every statement with its
parameters (post text, user ids), discord.py logs request bodies and gateway payloads, SQLAlchemy
and asyncpg can echo statements, APScheduler prints job arguments. So whatever level the operator
chooses, it applies to Hearth's own loggers only; every other logger is held at its floor below.
The floor is enforced twice: as the logger's level (the record is never made) and by a filter on
the handler (in case a library resets its own level later).
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import TextIO

from bot.config import LoggingSettings

#: Hearth's own loggers: the operator's level applies to these.
OWN = ("hearth", "bot", "cogs", "__main__")

#: The lowest level each library may log at. Anything not listed gets ``LIBRARY_FLOOR``.
FLOORS = {
    "aiosqlite": logging.WARNING,  # DEBUG: every statement with its parameters
    "sqlalchemy": logging.WARNING,  # INFO with echo: statements and parameters
    "asyncpg": logging.WARNING,
    "apscheduler": logging.WARNING,  # DEBUG/INFO: job arguments and every run
    "discord": logging.INFO,  # DEBUG: HTTP bodies and gateway payloads (members' words)
}
LIBRARY_FLOOR = logging.INFO


def is_own(name: str) -> bool:
    return any(name == own or name.startswith(own + ".") for own in OWN)


def floor_of(name: str) -> int:
    """The lowest level a record from logger ``name`` may have to be written (0 for Hearth's own)."""
    if is_own(name):
        return logging.NOTSET
    for prefix, floor in FLOORS.items():
        if name == prefix or name.startswith(prefix + "."):
            return floor
    return LIBRARY_FLOOR


class MemberDataGuard(logging.Filter):
    """Drops a library's records below its floor, whatever level the library set on its loggers."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= floor_of(record.name)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def _no_voice_audio_warning(record: logging.LogRecord) -> bool:
    # Hearth reads voice states but never sends audio, so missing audio libraries are not a problem.
    return "voice will NOT be supported" not in record.getMessage()


def configure(settings: LoggingSettings, stream: TextIO | None = None) -> logging.Handler:
    """Send logs to ``stream`` (stderr by default); returns the handler."""
    handler = logging.StreamHandler(stream or sys.stderr)
    if settings.format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s"))
    handler.addFilter(MemberDataGuard())
    level = logging.getLevelName(settings.level.upper())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    # Loggers nobody named inherit the root's level: never below a library's floor.
    root.setLevel(max(level, LIBRARY_FLOOR))
    for own in OWN:
        logging.getLogger(own).setLevel(level)
    for name, floor in FLOORS.items():
        logging.getLogger(name).setLevel(max(level, floor))
    # discord.py names a few loggers itself; hold them too, in case they were given a level already.
    for name in ("discord.http", "discord.gateway", "discord.client", "discord.state", "discord.webhook"):
        logging.getLogger(name).setLevel(max(level, FLOORS["discord"]))
    logging.getLogger("discord.client").addFilter(_no_voice_audio_warning)
    return handler
