"""``python -m bot demo``: the real Hearth in a simulated server, in your browser, without a Discord account.

Nothing here is imported by the bot itself; SimCord and its preview come from the optional ``demo`` extra,
so this module only checks they are there and hands over to ``bot.demo.runner``.
"""

from __future__ import annotations

import argparse
import importlib.util

# What SimCord's preview imports at run time (its PyAV import happens only for audio/video attachments).
DEMO_MODULES = ("simcord", "aiohttp", "markdown_it", "linkify_it", "regex", "PIL")
INSTALL_HINT = "pip install 'hearth[demo]' (from a clone: pip install -e '.[demo]')"
DEFAULT_PORT = 8765


def missing_modules() -> list[str]:
    return [name for name in DEMO_MODULES if importlib.util.find_spec(name) is None]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port on 127.0.0.1 (default {DEFAULT_PORT})")
    parser.add_argument(
        "--speed",
        type=float,
        default=1.0,
        help="how fast simulated time runs: 1 = real time (default), 60 = a minute per second, 0 = stopped",
    )
    parser.add_argument("--tour", action="store_true", help="a guided tour, narrated here in the terminal")
    parser.add_argument(
        "--screenshots",
        metavar="DIR",
        help="render each feature's key moment to DIR/*.png with Debian's chromium, check them, and exit",
    )


def main(args: argparse.Namespace) -> int:
    missing = missing_modules()
    if missing:
        print(f"hearth: the demo needs its optional extra ({', '.join(missing)} missing): {INSTALL_HINT}")
        return 2
    from bot.demo.runner import run

    return run(args)
