"""The demo session: the real bot in SimCord, a seeded world, the preview page, a lobby to move around, time.

SimCord's preview shows one channel per session, so the demo serves a small "lobby" page of its own at
the address it prints: it lists every place (group channels, reply threads, the moderator queue, each
persona's DMs) and reopens the preview on the one the visitor picks. Both listen on 127.0.0.1 only, and
both addresses carry a random secret: whoever has one can act as every persona.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import errno
import html
import logging
import secrets
import signal
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import simcord
from aiohttp import web

from bot.app import Hearth, create_bot
from bot.clock import Clock
from bot.config import Settings, load_settings
from bot.demo.world import World, build_world

log = logging.getLogger("hearth.demo")

# A well-formed but fake token: SimCord never checks it and nothing here talks to Discord.
FAKE_TOKEN = "MTAwMDAwMDAwMDAwMDAwMDAw.ZGVtbw.ZGVtby10b2tlbi1ub3QtYS1yZWFsLW9uZQ"  # noqa: S105
TICK_SECONDS = 1.0  # how often simulated time moves
QUIET_REFRESH_SECONDS = 15.0  # open pages refresh this often even when nothing happened (clocks, countdowns)


def demo_settings(directory: Path) -> Settings:
    """Hearth's defaults on a temporary SQLite file, ignoring any config.toml or .env of the caller."""
    config = directory / "config.toml"
    config.write_text('[logging]\nlevel = "WARNING"\n')
    environ = {
        "DISCORD_TOKEN": FAKE_TOKEN,
        "HEARTH_SECRET_KEY": secrets.token_urlsafe(48),
        "HEARTH_DATABASE_URL": f"sqlite+aiosqlite:///{directory}/demo.sqlite3",
    }
    return load_settings(config, environ)


class DemoError(Exception):
    """A problem the visitor can fix; the message says how."""


@dataclass
class Place:
    key: str
    label: str
    channel: simcord.ChannelHandle
    viewers: list[Any]  # MemberActor for server channels, the owner's UserHandle for a DM


def can_see(channel: simcord.ChannelHandle, member: simcord.MemberActor) -> bool:
    try:
        channel.history(viewer=member)
    except simcord.SetupError:
        return False
    return True


class Demo:
    """One running demo: the bot, its world, the current preview and the lobby's view of them."""

    def __init__(self, env: simcord.Env, world: World, settings: Settings) -> None:
        self.env = env
        self.world = world
        self.settings = settings
        self.preview: Any = None
        self.place: Place | None = None
        self.lock = asyncio.Lock()  # one SimCord operation of ours at a time (SimCord refuses overlaps)
        self.secret = secrets.token_urlsafe(24)
        self.lobby_url = ""

    # --- places -------------------------------------------------------------------------------------

    def places(self) -> dict[str, Place]:
        world = self.world
        found: dict[str, Place] = {}
        # Who a visitor most likely wants to be in each place comes first in "Viewing as".
        preferred = {"mod-queue": [world.moderator, world.admin]}
        for name, channel in world.places().items():
            order = preferred.get(name, [*world.members, world.facilitator, world.moderator, world.admin])
            viewers = [m for m in order if can_see(channel, m)]
            if viewers:
                label = f"#{name}" if not channel.is_thread else f"thread: {name}"
                found[f"c{channel.id}"] = Place(f"c{channel.id}", label, channel, viewers)
        for person in world.everyone:
            dm_id = self.env.backend.dm_channels.get(person.id)
            if dm_id is not None:
                dm = person.user.dm_channel
                if dm.history():
                    found[f"d{person.id}"] = Place(f"d{person.id}", f"DMs of {person.user.name}", dm, [person.user])
        return found

    def find(self, name: str) -> Place | None:
        """A place by channel name (``caregivers``), thread name prefix, or ``dm:Alex``."""
        name = name.strip().lstrip("#").casefold()
        for place in self.places().values():
            channel_name = (place.channel.name or "").casefold()
            if channel_name == name or (name and channel_name.startswith(name)):
                return place
            if name.startswith("dm") and name[2:].strip(": ") and name[2:].strip(": ") in place.label.casefold():
                return place
        return None

    async def open(self, place: Place) -> str:
        """Reopen the preview on another place; returns its address."""
        async with self.lock:
            if self.preview is not None:
                await self.preview.close()
                self.preview = None
            preview = self.env.preview(place.channel, viewers=place.viewers, layout="channel")
            await preview.__aenter__()
            self.preview, self.place = preview, place
            return str(preview.url)

    # --- time ---------------------------------------------------------------------------------------

    async def advance(self, seconds: float, *, refresh: bool = True) -> bool:
        """Move simulated time; refresh open pages when the bot did something. False if SimCord was busy."""
        async with self.lock:
            preview = self.preview
            if preview is not None and preview._active_action is not None:
                return False  # a visitor's click is being handled; try again on the next tick
            before = len(self.env.http_requests)
            try:
                await self.env.advance_time(seconds)
                if preview is not None and refresh and (len(self.env.http_requests) != before or seconds >= 60):
                    await preview.refresh()
            except simcord.SetupError:
                return False  # an action from the page holds SimCord right now
            return True

    async def run_clock(self, speed: float) -> None:
        last_refresh = time.monotonic()
        while True:
            await asyncio.sleep(TICK_SECONDS)
            if speed <= 0:
                continue
            moved = await self.advance(TICK_SECONDS * speed)
            if moved and self.preview is not None and time.monotonic() - last_refresh > QUIET_REFRESH_SECONDS:
                async with self.lock:
                    with contextlib.suppress(simcord.SetupError):
                        if self.preview is not None and self.preview._active_action is None:
                            await self.preview.refresh()
                            last_refresh = time.monotonic()

    # --- the lobby page -----------------------------------------------------------------------------

    def lobby(self) -> web.Application:
        app = web.Application()
        app.router.add_get(f"/{self.secret}/", self._index)
        app.router.add_get(f"/{self.secret}/open/{{key}}", self._open)
        app.router.add_get(f"/{self.secret}/time/{{seconds}}", self._time)
        return app

    async def _index(self, request: web.Request) -> web.Response:
        return web.Response(text=self.render_lobby(), content_type="text/html", headers={"Cache-Control": "no-store"})

    async def _open(self, request: web.Request) -> web.Response:
        place = self.places().get(request.match_info["key"])
        if place is None:
            raise web.HTTPNotFound(text="That place is gone. Go back to the list and pick another.")
        raise web.HTTPSeeOther(await self.open(place))

    async def _time(self, request: web.Request) -> web.Response:
        try:
            seconds = float(request.match_info["seconds"])
        except ValueError:
            raise web.HTTPBadRequest(text="Time moves by a number of seconds.") from None
        if not 0 < seconds <= 7 * 86400:
            raise web.HTTPBadRequest(text="Time moves forward by up to a week at a time.")
        for _ in range(20):
            if await self.advance(seconds):
                break
            await asyncio.sleep(0.25)
        raise web.HTTPSeeOther(f"/{self.secret}/")

    def render_lobby(self) -> str:
        now = self.env.now().strftime("%A %d %B %Y, %H:%M UTC")
        rows = []
        for place in self.places().values():
            who = ", ".join(html.escape(getattr(v, "user", v).name) for v in place.viewers)
            current = " (open now)" if self.place is not None and self.place.key == place.key else ""
            rows.append(
                f'<li><a href="/{self.secret}/open/{place.key}" target="_blank" rel="noopener">'
                f"{html.escape(place.label)}</a>"
                f"{current}<br><small>seen by: {who}</small></li>"
            )
        steps = "".join(
            f'<a class="button" href="/{self.secret}/time/{seconds}">+{label}</a> '
            for seconds, label in ((900, "15 minutes"), (3600, "1 hour"), (86400, "1 day"))
        )
        return LOBBY_PAGE.format(server=html.escape(self.world.guild.name), now=now, places="".join(rows), steps=steps)


LOBBY_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Hearth demo</title>
<meta name="referrer" content="no-referrer"><meta name="viewport" content="width=device-width">
<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#222}}
li{{margin:.4rem 0}}small{{color:#555}}.button{{display:inline-block;padding:.2rem .7rem;border:1px solid #888;
border-radius:.4rem;text-decoration:none;color:#222}}code{{background:#f2f2f2;padding:0 .2rem}}</style></head><body>
<h1>Hearth demo · {server}</h1>
<p>The real Hearth bot in a simulated Discord server. Pick a place: it opens in another tab, where you type
slash commands (try <code>/checkin now</code>, <code>/share</code>, <code>/help</code>), press buttons, fill forms,
and switch <b>Viewing as</b> between the people who can see that place: each sees exactly what they would see.</p>
<h2>Places</h2><ul>{places}</ul>
<p><small>Replies to anonymous posts live in threads; a new thread or DM shows up here after a reload.</small></p>
<h2>Time</h2><p>Simulated time: <b>{now}</b>. It moves on its own; jump ahead to see rounds move on,
reminders and meetings start: {steps}</p>
<h2>About this page</h2><p><small>Its address works like a password: anyone with it can act as every persona.
It listens only on this computer (127.0.0.1), nothing reaches Discord, and everything is deleted when you stop
the demo (Ctrl-C). If a place says too many pages are open, close other demo tabs or open the place again
from this list.</small></p></body></html>"""


async def start_lobby(demo: Demo, port: int) -> tuple[web.AppRunner, int, str | None]:
    """Serve the lobby on 127.0.0.1:port, or on a free port when that one is taken (and say so)."""
    runner = web.AppRunner(demo.lobby(), access_log=None)
    await runner.setup()
    note = None
    try:
        site = web.TCPSite(runner, "127.0.0.1", port)
        await site.start()
    except OSError as error:
        if error.errno != errno.EADDRINUSE:
            raise DemoError(f"the demo cannot listen on 127.0.0.1:{port}: {error.strerror}") from None
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        note = f"port {port} is in use"
    server = site._server
    assert server is not None
    bound = int(server.sockets[0].getsockname()[1])  # type: ignore[attr-defined]
    if note:
        note += f"; using {bound} instead (choose one with --port)"
    return runner, bound, note


async def start(directory: Path) -> tuple[simcord.Env, Hearth, World, Settings]:
    settings = demo_settings(directory)
    clock = Clock()
    bot = create_bot(settings, clock=clock)
    env = simcord.Env(bot, strict_sync=True, check_errors=False)
    env.backend.bot_user.name = "Hearth"  # SimCord calls its bot TestBot
    clock.use(env.now)
    await env.start()
    world = await build_world(env)
    return env, bot, world, settings


async def stop(env: simcord.Env) -> None:
    with contextlib.suppress(Exception):
        await env.shutdown()
    bot = env.bot
    if isinstance(bot, Hearth):
        with contextlib.suppress(Exception):
            bot.scheduler.shutdown()
        with contextlib.suppress(Exception):
            await bot.db.close()


async def serve(args: argparse.Namespace, directory: Path) -> int:
    loop = asyncio.get_running_loop()
    stopping = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopping.set)
    env, _bot, world, settings = await start(directory)
    demo = Demo(env, world, settings)
    runner = None
    tasks: list[asyncio.Task[Any]] = []
    try:
        if args.screenshots:
            from bot.demo.screenshots import render_all

            return await render_all(demo, Path(args.screenshots))
        runner, port, note = await start_lobby(demo, args.port)
        if note:
            print(f"hearth demo: {note}", flush=True)
        first = demo.find("caregivers")
        assert first is not None
        await demo.open(first)
        demo.lobby_url = f"http://127.0.0.1:{port}/{demo.secret}/"
        print(
            f"Hearth demo ready: open {demo.lobby_url}\n"
            "  This address is a password for the demo (anyone with it can act as every persona);\n"
            "  it listens on 127.0.0.1 only and nothing reaches Discord. Ctrl-C stops it and deletes its data.",
            flush=True,
        )
        tasks.append(asyncio.create_task(demo.run_clock(args.speed)))
        if args.tour:
            from bot.demo.tour import run_tour

            tasks.append(asyncio.create_task(run_tour(demo, stopping)))
        await stopping.wait()
        print("\nhearth demo: stopping", flush=True)
        return 0
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if demo.preview is not None:
            with contextlib.suppress(Exception):
                await demo.preview.close()
        if runner is not None:
            await runner.cleanup()
        await stop(env)


def run(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    with tempfile.TemporaryDirectory(prefix="hearth-demo-") as directory:
        try:
            return asyncio.run(serve(args, Path(directory)))
        except (KeyboardInterrupt, BrokenPipeError):  # Ctrl-C before the signal handlers; output closed
            return 0
        except DemoError as error:
            print(f"hearth: {error}", file=sys.stderr)
            return 1
