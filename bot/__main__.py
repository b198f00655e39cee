"""``python -m bot [run|check|migrate|commands|sync|backup|demo]``: the operator's entry point.

Exit codes: 0 fine, 1 something outside Hearth failed (database, Discord), 2 configuration is wrong.
Every failure is one line on stderr saying what to do; no tracebacks for expected problems.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import gc
import json
import logging
import signal
import sys
from typing import Any

import discord
from dotenv import find_dotenv, load_dotenv

from bot import demo, logs
from bot.app import Hearth, create_bot, invite_url
from bot.audience import audience_of
from bot.config import ConfigError, Settings, load_settings
from bot.db import DatabaseUnavailable
from bot.db import migrate as migrations

log = logging.getLogger("hearth")

EXIT_OK, EXIT_FAILURE, EXIT_CONFIG = 0, 1, 2


def fail(message: str, code: int) -> int:
    """One ``hearth:`` line per problem on stderr (a configuration may have several)."""
    for line in message.splitlines() or [message]:
        print(f"hearth: {line}", file=sys.stderr)
    return code


def application_id_from_token(token: str) -> int | None:
    """A bot token's first part is its user id in base64, which is also the application id."""
    head = token.split(".", 1)[0]
    try:
        return int(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)).decode())
    except (ValueError, UnicodeDecodeError):
        return None


# --- subcommands -----------------------------------------------------------------------------------


HOW_TO_START = (
    "DISCORD_TOKEN is not set: put your bot's token in .env (the README's 'Setting up the Discord application' "
    "says how to get one), or try Hearth in your browser without Discord: python -m bot demo"
)


async def run(settings: Settings) -> int:
    try:
        token, _key = settings.require_credentials()
    except ConfigError as error:  # no token yet: say how to get one, and how to try Hearth without one
        problems = [HOW_TO_START if p.startswith("DISCORD_TOKEN is not set") else p for p in error.problems]
        raise ConfigError(*problems) from None
    bot = create_bot(settings)
    loop = asyncio.get_running_loop()
    stopping = asyncio.Event()

    def request_stop(signame: str) -> None:
        if not stopping.is_set():
            log.info("received %s", signame)
            stopping.set()

    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, request_stop, sig.name)

    runner = asyncio.create_task(bot.start(token))
    stopper = asyncio.create_task(stopping.wait())
    freezer = asyncio.create_task(_freeze_startup_heap(bot))
    done, _ = await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
    try:
        if runner in done:
            runner.result()  # raises what stopped the bot
            return EXIT_OK
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(bot.close(), timeout=settings.bot.shutdown_timeout)
        runner.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await runner
        log.info("stopped cleanly")
        return EXIT_OK
    finally:
        stopper.cancel()
        freezer.cancel()
        if not bot.is_closed():
            await bot.close()


async def _freeze_startup_heap(bot: Hearth) -> None:
    """Once ready, move what start-up built (modules, mappers, catalogs: ~250k objects) out of the
    garbage collector's reach: every full collection walked all of it, ~1 ms of each /share (issue 17).
    Only here, in the running bot: tests build many bots in one process and must get theirs collected."""
    await bot.wait_until_ready()
    gc.collect()
    gc.freeze()


async def check(settings: Settings, quiet: bool, offline: bool = False) -> int:
    """Everything Hearth needs before it runs: settings, the database, and (unless offline) the token,
    which Discord itself is asked about, since a made-up token looks just like a real one."""
    token, _key = settings.require_credentials()
    bot = create_bot(settings)
    try:
        await bot.db.ping()
        state = await migrations.state(bot.db)
        # A health check (--quiet) runs every few seconds: it must not log in to Discord each time.
        user = None if offline or quiet else await verify_token(bot, token)
    finally:
        await bot.db.close()
        await bot.http.close()
    if quiet:
        return EXIT_OK
    print(f"config: {settings.config_path or 'defaults (no config.toml)'}")
    print(f"database: {bot.db.url.render_as_string(hide_password=True)} reachable")
    if state.up_to_date:
        pending = "up to date"
    elif settings.database.migrate_on_start:
        pending = "some pending; Hearth applies them itself when it starts (nothing to do)"
    else:
        pending = "pending, and database.migrate_on_start is off: run `python -m bot migrate` before starting"
    print(f"migrations: {pending} (current: {', '.join(state.current) or 'none'}; heads: {', '.join(state.heads)})")
    print(f"discord: token accepted, logged in as {user}" if user else "discord: token not checked (--offline)")
    app_id = application_id_from_token(token)
    if app_id:
        print(f"invite: {invite_url(app_id)}")
    return EXIT_OK


async def verify_token(bot: Hearth, token: str) -> str:
    """Ask Discord who this token belongs to (REST only, no gateway): raises LoginFailure when refused."""
    await bot.login(token)
    assert bot.user is not None
    return f"{bot.user.name} (id {bot.user.id})"


async def migrate(settings: Settings) -> int:
    bot = create_bot(settings)
    try:
        await bot.db.ping()
        state = await migrations.upgrade(bot.db)
    finally:
        await bot.db.close()
    print(f"migrated: {', '.join(state.current)}")
    return EXIT_OK


def _who(command: Any) -> str:
    """Who may use a command: its declared audience, the same declaration the command tree enforces."""
    return audience_of(command).label


def _describe_command(command: Any, prefix: str = "") -> list[dict[str, Any]]:
    from discord import app_commands

    name = f"{prefix}{command.name}"
    if isinstance(command, app_commands.Group):
        rows: list[dict[str, Any]] = []
        for child in command.commands:
            rows.extend(_describe_command(child, f"{name} "))
        return rows
    root = getattr(command, "root_parent", None) or command  # context menus have no parent
    permissions = root.default_permissions
    if isinstance(command, app_commands.ContextMenu):
        kind, options = command.type.name, []
    else:
        kind = "slash"
        options = [
            {"name": p.name, "type": p.type.name, "required": p.required, "description": p.description}
            for p in command.parameters
        ]
    who = _who(command)
    return [
        {
            "name": name if kind != "slash" else f"/{name}",
            "type": kind,
            "description": getattr(command, "description", ""),
            "options": options,
            "who": who,
            "audience": audience_of(command).value,
            "default_permissions": [p for p, v in permissions if v] if permissions else [],
        }
    ]


def _shown_to(permissions: list[str]) -> str:
    """What Discord shows by default: everyone, or members holding these permissions (a server's admins
    can change it in Server Settings → Integrations)."""
    names = {"manage_guild": "manage_server"}  # as Discord's settings name it
    return " + ".join(names.get(p, p).replace("_", " ").title() for p in permissions) or "everyone"


async def list_commands(settings: Settings, as_json: bool) -> int:
    bot = create_bot(settings)
    try:
        await bot.load_features()
        rows = [row for command in bot.tree.get_commands(type=None) for row in _describe_command(command)]
    finally:
        await bot.db.close()
    rows.sort(key=lambda r: r["name"])
    if as_json:
        print(json.dumps(rows, indent=2))
        return EXIT_OK
    for row in rows:
        options = " ".join(f"{o['name']}{'' if o['required'] else '?'}" for o in row["options"])
        print(f"{row['name']} {options}".rstrip())
        print(f"    {row['description']}  [who: {row['who']}; shown to: {_shown_to(row['default_permissions'])}]")
    return EXIT_OK


async def sync(settings: Settings, guild_id: int | None) -> int:
    import dataclasses

    token = settings.require_token()
    if guild_id:
        settings = dataclasses.replace(settings, bot=dataclasses.replace(settings.bot, dev_guild_id=guild_id))
    bot: Hearth = create_bot(settings)
    bot.serving = False
    try:
        await bot.login(token)  # runs setup_hook: database, migrations, features' commands
        count = await bot.sync_commands()
    finally:
        await bot.close()
    print(f"synced {count} commands {'to guild ' + str(guild_id) if guild_id else 'globally'}")
    return EXIT_OK


def backup(settings: Settings, path: str | None) -> int:
    from pathlib import Path

    from bot.backup import BackupError, backup_sqlite, sqlite_file

    try:
        source = sqlite_file(settings.database_url)
        if source is None:
            return fail("the database is PostgreSQL: back it up with pg_dump -Fc (README: Backups)", EXIT_CONFIG)
        done = backup_sqlite(source, Path(path) if path else None)
    except BackupError as error:
        return fail(str(error), EXIT_FAILURE)
    print(
        f"backed up {done.source} to {done.target} ({done.size_bytes // 1024} KiB, {done.tables} tables, integrity ok)"
    )
    return EXIT_OK


# --- entry point -----------------------------------------------------------------------------------


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Hearth, a peer-support Discord bot.")
    parser.add_argument("--config", help="path to config.toml (default: $HEARTH_CONFIG or ./config.toml)")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="connect to Discord and serve (the default)")
    check_parser = sub.add_parser("check", help="validate config, reach the database, print the invite URL")
    check_parser.add_argument(
        "--quiet", action="store_true", help="no output; exit code only; does not call Discord (health checks)"
    )
    check_parser.add_argument("--offline", action="store_true", help="don't ask Discord whether the token is valid")
    sub.add_parser("migrate", help="apply database migrations")
    commands_parser = sub.add_parser("commands", help="print the slash-command tree")
    commands_parser.add_argument("--json", action="store_true", help="machine-readable output")
    sync_parser = sub.add_parser("sync", help="push slash commands to Discord")
    sync_parser.add_argument("--guild", type=int, help="sync to one guild (development) instead of globally")
    backup_parser = sub.add_parser("backup", help="copy the SQLite database while Hearth runs (online backup)")
    backup_parser.add_argument("path", nargs="?", help="file or folder (default: backups/ next to the database)")
    demo.add_arguments(sub.add_parser("demo", help="try Hearth in your browser in a simulated server (no Discord)"))
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.command == "demo":  # self-contained: no config.toml, .env or token of the caller
        return demo.main(args)
    load_dotenv(find_dotenv(usecwd=True))  # .env of the directory Hearth is run from
    try:
        settings = load_settings(args.config)
    except ConfigError as error:
        return fail(str(error), EXIT_CONFIG)
    logs.configure(settings.logging)
    command = args.command or "run"
    if command == "backup":
        return backup(settings, args.path)
    try:
        if command == "run":
            return asyncio.run(run(settings))
        if command == "check":
            return asyncio.run(check(settings, args.quiet, args.offline))
        if command == "migrate":
            return asyncio.run(migrate(settings))
        if command == "commands":
            return asyncio.run(list_commands(settings, args.json))
        return asyncio.run(sync(settings, args.guild))
    except ConfigError as error:
        return fail(str(error), EXIT_CONFIG)
    except DatabaseUnavailable as error:
        return fail(str(error), EXIT_FAILURE)
    except discord.LoginFailure:
        return fail(
            "Discord rejected DISCORD_TOKEN: copy a fresh token from the Developer Portal (Bot tab)",
            EXIT_CONFIG,
        )
    except discord.PrivilegedIntentsRequired:
        return fail(
            "Discord refused the Server Members intent: switch it on in the Developer Portal, Bot tab, "
            "Privileged Gateway Intents (Hearth uses it to notice members leaving)",
            EXIT_CONFIG,
        )
    except (discord.GatewayNotFound, discord.ConnectionClosed, OSError) as error:
        return fail(f"cannot reach Discord: {error}", EXIT_FAILURE)
    except KeyboardInterrupt:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
