"""Logging through the standard library, as text or JSON lines.

Hearth's own log lines never carry what members wrote. discord.py's HTTP client logs request
bodies at DEBUG, which would include anonymous posts, so its loggers never go below INFO.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

from bot.config import LoggingSettings


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


def configure(settings: LoggingSettings) -> None:
    handler = logging.StreamHandler(sys.stderr)
    if settings.format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    level = logging.getLevelName(settings.level.upper())
    root.setLevel(level)
    logging.getLogger("discord.client").addFilter(_no_voice_audio_warning)
    for noisy in ("discord.http", "discord.gateway", "discord.client", "discord.webhook"):
        logging.getLogger(noisy).setLevel(max(level, logging.INFO))
    logging.getLogger("apscheduler").setLevel(max(level, logging.WARNING))
