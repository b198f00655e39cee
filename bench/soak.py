"""Soak: hours of mixed load through SimCord, with faults, then invariants that must still hold.

    python -m bench.soak --virtual-hours 48 --wall-minutes 10

The real bot (``create_bot``) runs inside SimCord. Members check in, share, reply anonymously, run
talking-stick rounds (some in voice mode), schedule meetings and answer Going; daily check-in
reminders run throughout. Virtual time moves so that ``--virtual-hours`` pass over ``--wall-minutes``
of wall time (the run lasts at least that long). Faults: a REST 500 or 429 before a few percent of
actions (SimCord ``inject_error``), a restart of the bot process every few wall minutes
(``restart_bot``), and now and then another connection holding SQLite's write lock for up to a few
seconds longer than the bot's busy timeout.

At the end (faults off, timers drained): every meeting reminder that came due reached each Going
member exactly once (counted from what SimCord received, per meeting and member), no member got two
check-in reminders on one day, no round is stuck, no member is left muted, no orphan rows (posts
without their message, groups without their role or channel), and resident memory grew less than
5 MiB per hour after warm-up.

Load is a list of ``ACTORS`` and the end a list of ``INVARIANTS``: features add theirs there
(care cases, #11; the delivery record's "nothing pending, nothing sent twice", #12).

SimCord keeps a log of every request and gateway event for diagnostics; the soak empties those
logs as it goes (they are the simulator's memory, not the bot's). Discord state it holds (messages)
is kept, so orphan checks see what Discord would.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import logging
import os
import platform
import random
import re
import sqlite3
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import psutil
import simcord
from sqlalchemy import select

from bench import soak_memory
from bench.soak_care import CareFigures, care_case, care_cases_reach_a_person, care_claim, set_up_care
from bench.soak_delivery import NonceLedger, deliveries_none_pending_none_twice
from bot.app import Hearth, create_bot
from bot.clock import Clock
from bot.config import Settings, load_settings
from bot.interactions import user_message
from cogs.groups.models import Group
from cogs.rounds.cog import RoundsCog
from cogs.sharing.models import AnonymousPost
from cogs.sharing.views import TEXT_ID, WARNING_ID
from tests.conftest import SECRET, TOKEN
from tests.support.groups import GroupFixture, make_group

CHECKIN_FORM = ("checkin:mood", "checkin:note", "checkin:visibility")
MEETING_OFFSETS = (60, 10)  # minutes before: "1h, 10m"
FAULT_PATHS = (
    ("POST", "/channels/*/messages"),
    ("PATCH", "/channels/*/messages/*"),
    ("POST", "/interactions/*/*/callback"),
    ("PATCH", "/guilds/*/members/*"),
    ("POST", "/users/@me/channels"),
    ("*", "*"),
)
MIB = 1024 * 1024
log = logging.getLogger("bench.soak")


@dataclass
class SoakConfig:
    virtual_hours: float = 48.0
    wall_minutes: float = 10.0
    servers: int = 2
    members: int = 6
    fault_rate: float = 0.03  # share of actions preceded by one injected REST error
    restart_every_seconds: float = 150.0  # wall
    lock_every_seconds: float = 45.0  # wall
    lock_max_seconds: float = 7.0  # the bot's busy timeout is 5 s
    warmup_share: float = 0.3
    seed: int = 16
    folder: Path | None = None


@dataclass
class Server:
    guild: simcord.GuildHandle
    group: GroupFixture
    facilitator: simcord.MemberActor
    members: list[simcord.MemberActor]
    voice: simcord.ChannelHandle
    queue: Any = None  # the private moderator queue channel (care's escalations)
    moderator: Any = None
    posts: list[Any] = field(default_factory=list)  # recent anonymous post messages (reply targets)
    # Members who set a daily reminder and never check in: each must get exactly one a day.
    quiet: dict[int, tuple[int, int]] = field(default_factory=dict)  # member id -> (hour, minute) UTC
    reminders_from: datetime | None = None


@dataclass
class Figures:
    actions: Counter[str] = field(default_factory=Counter)
    faults: Counter[str] = field(default_factory=Counter)
    bot_errors: Counter[str] = field(default_factory=Counter)
    driver_errors: Counter[str] = field(default_factory=Counter)
    restarts: int = 0
    lock_holds: int = 0
    lock_seconds: float = 0.0
    meetings: list[tuple[str, datetime, list[int]]] = field(default_factory=list)  # title, start, Going ids
    rss: list[tuple[float, int]] = field(default_factory=list)  # (wall seconds, bytes)
    # (wall seconds, bytes, objects) Hearth holds on to, without the simulator's state (soak_memory)
    hearth: list[tuple[float, int, int]] = field(default_factory=list)
    # (wall seconds, scheduler jobs, delivery rows): Hearth's own collections, which must stay bounded
    holdings: list[tuple[float, int, int]] = field(default_factory=list)
    kinds_after_warmup: Counter[str] = field(default_factory=Counter)  # Hearth's bytes per holder
    kinds_last: Counter[str] = field(default_factory=Counter)
    bounded_caches: int = 0  # bytes in SQLAlchemy's statement cache at the last sample (not in ``hearth``)
    census_seconds: float = 0.0  # wall time spent measuring Hearth's memory (the bot waits meanwhile)
    load: list[float] = field(default_factory=list)  # the machine's 1-minute load average at each sample
    invariants: dict[str, str] = field(default_factory=dict)  # name -> "ok" or what failed
    wall_seconds: float = 0.0
    virtual_hours: float = 0.0


class World:
    """What actors and invariants share: the env, the bot of the moment, the servers, the figures."""

    def __init__(self, config: SoakConfig, settings: Settings, env: simcord.Env, clock: Clock) -> None:
        self.config = config
        self.settings = settings
        self.env = env
        self.clock = clock
        self.rng = random.Random(config.seed)
        self.servers: list[Server] = []
        self.figures = Figures()
        self.meeting_count = 0
        self.care = CareFigures()
        self.nonces = NonceLedger()

    @property
    def bot(self) -> Hearth:
        assert isinstance(self.env.bot, Hearth)
        return self.env.bot

    def rounds(self) -> RoundsCog:
        found = self.bot.get_cog("Rounds")
        assert isinstance(found, RoundsCog)
        return found

    async def restart(self) -> None:
        old = self.bot
        await self.env.restart_bot(create_bot(self.settings, clock=self.clock))
        old.scheduler.shutdown()  # what process exit does for the detached bot
        await old.db.close()
        self.figures.restarts += 1


# --- actors: each does one thing a person would do ----------------------------------------------------


Actor = Callable[[World, Server], Awaitable[None]]


def _pick(world: World, server: Server) -> simcord.MemberActor:
    return world.rng.choice(server.members)


async def check_in(world: World, server: Server) -> None:
    member = world.rng.choice([m for m in server.members if m.id not in server.quiet])
    shown = await member.slash(server.group.channel, "checkin now")
    if shown.modal is not None:
        mood, note, seen = CHECKIN_FORM
        visibility = world.rng.choice(["me", "facilitators", "group"])
        values = {mood: [str(world.rng.randint(1, 5))], note: "slept badly, better now", seen: [visibility]}
        await member.submit_modal(shown, values)


async def share(world: World, server: Server) -> None:
    member = _pick(world, server)
    shown = await member.slash(server.group.channel, "share")
    if shown.modal is None:
        return
    await member.submit_modal(
        shown, {TEXT_ID: f"Some days are heavier than others ({world.rng.random():.3f}).", WARNING_ID: ""}
    )
    last = server.group.channel.last_message
    if last is not None and last.embeds and last.embeds[0].title == "Anonymous member":
        server.posts = [*server.posts[-9:], last]


async def reply(world: World, server: Server) -> None:
    if not server.posts:
        return await share(world, server)
    member = _pick(world, server)
    post = world.rng.choice(server.posts)
    try:
        world.env.backend.get_message(post.channel.id, post.id)
    except Exception:  # taken down meanwhile (reported, erased)
        server.posts.remove(post)
        return None
    shown = await member.click(post, label="Reply anonymously")
    if shown.modal is not None:
        await member.submit_modal(shown, {TEXT_ID: "You are not alone in this.", WARNING_ID: ""})
    return None


async def round_turn(world: World, server: Server) -> None:
    """Start a round when none is live; otherwise the holder finishes, someone joins, or it ends."""
    live = [v for v in await world.rounds().service.live_rounds() if v.channel_id == server.group.channel.id]
    channel = server.group.channel
    if not live:
        present = world.rng.sample(server.members, k=world.rng.randint(2, len(server.members)))
        voice = world.rng.random() < 0.4
        options: dict[str, Any] = {"topic": "How was your week?", "minutes": world.rng.randint(1, 3)}
        if voice:
            options.update(everyone_in_voice=True, voice_mode=True, voice_channel=server.voice)
        else:
            options["present"] = " ".join(f"<@{m.id}>" for m in present)
        await server.facilitator.slash(channel, "facilitate round start", **options)
        return
    view = live[0]
    if view.message_id is None:
        return
    target = _message(channel, view.message_id)
    roll = world.rng.random()
    holder = next((m for m in server.members if m.id == view.state.holder), None)
    if roll < 0.15:
        await server.facilitator.slash(channel, "facilitate round end")
    elif holder is not None and roll < 0.6:
        await holder.click(target, label="Done")
    else:
        await _pick(world, server).click(target, label="Join queue")


def _message(channel: simcord.ChannelHandle, message_id: int) -> Any:
    for message in reversed(channel.history()):
        if message.id == message_id:
            return message
    raise LookupError(message_id)


async def schedule_meeting(world: World, server: Server) -> None:
    """A one-off meeting 2-6 h ahead with reminders 1 h and 10 min before; a few members answer Going."""
    world.meeting_count += 1
    title = f"Soak meeting {world.meeting_count}"
    start = (world.clock.now() + timedelta(hours=world.rng.uniform(2, 6))).replace(second=0, microsecond=0)
    result = await server.facilitator.slash(
        server.group.channel,
        "facilitate meeting schedule",
        title=title,
        when=start.strftime("%Y-%m-%d %H:%M"),
        repeat="once",
        reminders=", ".join(f"{m}m" for m in MEETING_OFFSETS),
    )
    card = server.group.channel.last_message
    if card is None or not card.embeds or card.embeds[0].title != title:
        return  # not scheduled (an injected fault): nothing is expected of it
    del result
    going: list[int] = []
    for member in world.rng.sample(server.members, k=world.rng.randint(1, 3)):
        # A member who pressed Going expects reminders, even if Discord then showed them an error.
        going.append(member.id)
        await member.click(card, label="Going")
    world.figures.meetings.append((title, start, going))


ACTORS: list[tuple[str, float, Actor]] = [
    ("checkin", 4.0, check_in),
    ("share", 2.0, share),
    ("reply", 2.0, reply),
    ("round", 4.0, round_turn),
    ("meeting", 0.6, schedule_meeting),
    ("care", 1.0, care_case),
    ("care_claim", 1.5, care_claim),
]


# --- faults ---------------------------------------------------------------------------------------------


def inject_fault(world: World) -> None:
    method, path = world.rng.choice(FAULT_PATHS)
    status = world.rng.choice([500, 429])
    world.env.inject_error(method, path, status=status, times=1)
    world.figures.faults[f"http_{status}"] += 1


class LockHolder:
    """Another connection takes SQLite's write lock and keeps it (a backup tool, a stuck admin shell)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.thread: threading.Thread | None = None

    def busy(self) -> bool:
        return self.thread is not None and self.thread.is_alive()

    def hold(self, seconds: float) -> None:
        def run() -> None:
            connection = sqlite3.connect(self.path, isolation_level=None, timeout=30)
            try:
                connection.execute("BEGIN IMMEDIATE")
                time.sleep(seconds)
                connection.execute("COMMIT")
            finally:
                connection.close()

        self.thread = threading.Thread(target=run, name="soak-lock", daemon=True)
        self.thread.start()

    def wait(self) -> None:
        if self.thread is not None:
            self.thread.join()


# --- invariants -------------------------------------------------------------------------------------


def _dms(member: simcord.MemberActor) -> list[Any]:
    channel = member.user.dm_channel
    return channel.history() if channel is not None else []


async def meeting_reminders_exactly_once(world: World) -> str:
    """Per meeting and Going member: as many reminders received as came due (DM, or the channel fallback)."""
    now = world.clock.now()
    received: Counter[tuple[str, int]] = Counter()
    titles = re.compile(r"\*\*(Soak meeting \d+)\*\*")
    everyone = {m.id: m for s in world.servers for m in s.members}
    for member_id, member in everyone.items():
        for message in _dms(member):
            if message.content.startswith("Reminder:") and (found := titles.search(message.content)):
                received[(found.group(1), member_id)] += 1
    for server in world.servers:
        for message in server.group.channel.history():
            if " reminder: **Soak meeting" in message.content and (found := titles.search(message.content)):
                for member_id in map(int, re.findall(r"<@(\d+)>", message.content.split(" reminder:")[0])):
                    received[(found.group(1), member_id)] += 1
    lost = twice = checked = 0
    problems: list[str] = []
    for title, start, going in world.figures.meetings:
        due = [start - timedelta(minutes=m) for m in MEETING_OFFSETS]
        if any(now - timedelta(minutes=2) < at <= now for at in due):
            continue  # too close to the end to judge
        expected = sum(1 for at in due if at <= now)
        for member_id in going:
            got = received.pop((title, member_id), 0)
            checked += expected
            if got < expected:
                lost += expected - got
                problems.append(f"{title}: {got}/{expected}")
            elif got > expected:
                twice += got - expected
                problems.append(f"{title}: {got}/{expected}")
    strays = sum(received.values())
    if lost or twice or strays:
        return f"FAILED: {lost} lost, {twice} extra, {strays} to members who never said Going ({problems[:5]})"
    return f"ok ({checked} reminders due to {sum(len(g) for _, _, g in world.figures.meetings)} Going answers)"


async def checkin_reminders_once_a_day(world: World) -> str:
    """Members who never check in get their daily reminder every day, once."""
    now = world.clock.now()
    lost = twice = due_total = 0
    for server in world.servers:
        assert server.reminders_from is not None
        for member in server.members:
            if member.id not in server.quiet:
                continue
            hour, minute = server.quiet[member.id]
            got = Counter(m.created_at.date() for m in _dms(member) if m.content.startswith("How are you today?"))
            day = server.reminders_from.date()
            while day <= now.date():
                at = datetime(day.year, day.month, day.day, hour, minute, tzinfo=now.tzinfo)
                if server.reminders_from + timedelta(minutes=2) < at <= now - timedelta(minutes=2):
                    due_total += 1
                    lost += got[day] == 0
                twice += max(0, got[day] - 1)
                day += timedelta(days=1)
    if lost or twice:
        return f"FAILED: of {due_total} daily reminders due, {lost} never came and {twice} came twice"
    return f"ok ({due_total} daily reminders due, each came once)"


async def no_round_stuck(world: World) -> str:
    now = world.clock.now()
    stuck = []
    for view in await world.rounds().service.live_rounds():
        state = view.state
        if state.holder is not None and state.due_at is not None and state.status.name == "RUNNING":
            late = (now - state.due_at).total_seconds()
            if late > 120 or not world.bot.scheduler.job_ids(f"rounds:{view.id}:"):
                stuck.append(view.id)
    if stuck:
        return f"FAILED: rounds {stuck} hold a turn whose time is up and no timer moves them"
    return "ok"


async def end_all_rounds(world: World) -> None:
    for server in world.servers:
        live = [v for v in await world.rounds().service.live_rounds() if v.channel_id == server.group.channel.id]
        if live:
            await server.facilitator.slash(server.group.channel, "facilitate round end")


async def no_member_muted(world: World) -> str:
    await end_all_rounds(world)
    live = await world.rounds().service.live_rounds()
    muted = [
        (server.guild.id, member_id)
        for server in world.servers
        for member_id, state in server.guild.voice_states().items()
        if state.mute
    ]
    recorded = await world.rounds().service.mutes()
    if live or muted or recorded:
        return f"FAILED: {len(live)} rounds live after End, {len(muted)} members muted, {len(recorded)} mutes recorded"
    return "ok"


async def no_orphan_rows(world: World) -> str:
    backend = world.env.backend
    missing_posts = no_message_id = 0
    async with world.bot.db.read() as session:
        posts = list(await session.scalars(select(AnonymousPost).where(AnonymousPost.status == "posted")))
        groups = list(await session.scalars(select(Group).where(Group.archived_at.is_(None))))
    for post in posts:
        where = post.thread_id if post.parent_id is not None and post.thread_id else post.channel_id
        if post.message_id is None or where is None:
            no_message_id += 1
            continue
        try:
            backend.get_message(where, post.message_id)
        except Exception:
            missing_posts += 1
    broken_groups = 0
    for group in groups:
        try:
            backend.get_role(group.guild_id, group.role_id) if group.role_id else None
            backend.get_channel(group.channel_id)
            if not group.role_id:
                raise LookupError
        except Exception:
            broken_groups += 1
    if missing_posts or no_message_id or broken_groups:
        return (
            f"FAILED: of {len(posts)} posted posts, {no_message_id} never got a message and {missing_posts} "
            f"point at a message Discord does not have; {broken_groups} groups without their role or channel"
        )
    return f"ok ({len(posts)} posts, {len(groups)} groups)"


def memory_slope(figures: Figures, warmup_share: float) -> tuple[float, int]:
    """Least-squares slope of RSS after warm-up, in MiB per hour (wall), and the samples used."""
    return soak_memory.slope([(t, b / MIB) for t, b in figures.rss], warmup_share)


SHORT_RUN_SECONDS = 300  # after warm-up; shorter runs (CI's minute) judge growth in all, not per hour


async def memory_growth(world: World) -> str:
    """What Hearth holds on to (soak_memory: without the simulator's Discord state) grows < 5 MiB/hour
    after warm-up; RSS (the whole process, SimCord's ever-growing state included) is shown beside it.
    A run with under five minutes after warm-up can't give an hourly slope (caches still filling read as a
    steep one): it must grow less than 5 MiB in all after warm-up, which a real leak under load breaks."""
    f = world.figures
    hearth, used = soak_memory.slope([(t, b / MIB) for t, b, _ in f.hearth], world.config.warmup_share)
    objects, _ = soak_memory.slope([(t, n / MIB) for t, _, n in f.hearth], world.config.warmup_share)
    rss, _ = memory_slope(f, world.config.warmup_share)
    jobs = [j for _, j, _ in f.holdings]
    rows = [r for _, _, r in f.holdings]
    first, last = (f.hearth[0], f.hearth[-1]) if f.hearth else ((0.0, 0, 0), (0.0, 0, 0))
    detail = (
        f"Hearth {hearth:+.2f} MiB/hour after warm-up over {used} samples, {first[1] / MIB:.1f} -> "
        f"{last[1] / MIB:.1f} MiB, {first[2]} -> {last[2]} objects visited ({objects:+.3f} M/hour); "
        f"RSS {rss:+.2f} MiB/hour; SQLAlchemy's statement cache (bounded, not counted) "
        f"{f.bounded_caches / MIB:.1f} MiB; scheduler jobs {min(jobs, default=0)}-{max(jobs, default=0)}, "
        f"delivery rows {rows[-1] if rows else 0}"
    )
    if used < 3:
        return f"FAILED: too few memory samples ({detail})"
    after = [(t, b) for t, b, _ in f.hearth if t >= f.hearth[-1][0] * world.config.warmup_share]
    window = after[-1][0] - after[0][0]
    if window < SHORT_RUN_SECONDS:
        grown = (after[-1][1] - after[0][1]) / MIB
        verdict = "ok" if grown < 5.0 else "FAILED"
        return f"{verdict} (short run: Hearth {grown:+.2f} MiB in {window:.0f} s after warm-up; {detail})"
    return f"{'ok' if hearth < 5.0 else 'FAILED'} ({detail})"


INVARIANTS: list[tuple[str, Callable[[World], Awaitable[str]]]] = [
    ("meeting reminders: none lost, none twice", meeting_reminders_exactly_once),
    ("check-in reminders: at most one a day", checkin_reminders_once_a_day),
    ("no round stuck", no_round_stuck),
    ("no member left muted", no_member_muted),
    ("no orphan rows", no_orphan_rows),
    ("deliveries: none pending, none lost, none sent twice", deliveries_none_pending_none_twice),
    ("care cases: each reaches a person, one owner, escalated in time", care_cases_reach_a_person),
    ("Hearth's memory growth < 5 MiB/hour", memory_growth),
]


# --- the run ----------------------------------------------------------------------------------------------


def soak_settings(folder: Path) -> Settings:
    config = folder / "config.toml"
    config.write_text("[bot]\nguild_ready_timeout = 0.1\n")
    env = {
        "DISCORD_TOKEN": TOKEN,
        "HEARTH_SECRET_KEY": SECRET,
        "HEARTH_DATABASE_URL": f"sqlite+aiosqlite:///{folder}/soak.sqlite3",
    }
    return load_settings(config, env)


async def build_servers(world: World) -> None:
    env = world.env
    for n in range(world.config.servers):
        guild = env.create_guild()
        voice = guild.create_voice_channel("circle-voice")
        facilitator = guild.add_member(env.create_user(f"fac{n}"))
        members = [guild.add_member(env.create_user(f"m{n}x{i}")) for i in range(world.config.members)]
        group = await make_group(world, guild, f"Circle {n}", members=members, facilitators=[facilitator])  # type: ignore[arg-type]
        server = Server(guild, group, facilitator, members, voice)
        await set_up_care(world, server)
        for index, member in enumerate(members):
            await member.join_voice(voice)
            hour, minute = world.rng.randint(0, 23), world.rng.choice([0, 30])
            await member.slash(group.channel, "checkin remind set", time=f"{hour:02d}:{minute:02d}", timezone="UTC")
            if index < 2:
                server.quiet[member.id] = (hour, minute)
        server.reminders_from = world.clock.now()
        world.servers.append(server)


def trim_simulator_logs(env: simcord.Env) -> None:
    env.backend.http_requests.clear()
    env.backend.transcript.clear()


async def sample_memory(world: World, elapsed: float) -> None:
    """RSS, the traced census by owner, and Hearth's own collections (jobs, delivery rows)."""
    from sqlalchemy import func

    from bot.db.models import DeliveryRecord

    gc.collect()
    world.figures.rss.append((elapsed, psutil.Process().memory_info().rss))
    began = time.monotonic()
    kinds: Counter[str] = Counter()
    size, objects = soak_memory.retained(world.bot, kinds)
    if not world.figures.kinds_after_warmup and elapsed >= world.config.warmup_share * world.config.wall_minutes * 60:
        world.figures.kinds_after_warmup = kinds
    world.figures.kinds_last = kinds
    world.figures.hearth.append((elapsed, size, objects))
    world.figures.bounded_caches = kinds.pop("bounded caches", 0)
    world.figures.census_seconds += time.monotonic() - began
    async with world.bot.db.read() as session:
        rows = int(await session.scalar(select(func.count()).select_from(DeliveryRecord)) or 0)
    world.figures.holdings.append((elapsed, len(world.bot.scheduler.job_ids("")), rows))
    world.figures.load.append(os.getloadavg()[0])


def record_errors(world: World, cursor: int) -> int:
    errors = world.env.errors_since(cursor)
    for error in errors:
        original = getattr(error, "original", error)
        kind = "refused" if user_message(original) is not None else type(original).__name__
        world.figures.bot_errors[kind] += 1
    return cursor + len(errors)


async def run_soak(config: SoakConfig, *, progress: Callable[[str], None] | None = None) -> World:
    folder = config.folder or Path(tempfile.mkdtemp(prefix="hearth-soak-"))
    settings = soak_settings(folder)
    clock = Clock()
    nonces = NonceLedger()
    nonces.install()
    env = simcord.Env(create_bot(settings, clock=clock), strict_sync=True, settle_timeout=20)
    clock.use(env.now)
    await env.start()
    world = World(config, settings, env, clock)
    world.nonces = nonces
    figures = world.figures
    process = psutil.Process()
    lock = LockHolder(folder / "soak.sqlite3")
    names = [name for name, _, _ in ACTORS]
    weights = [weight for _, weight, _ in ACTORS]
    actors = {name: actor for name, _, actor in ACTORS}
    try:
        await build_servers(world)
        began = time.monotonic()
        virtual_start = clock.now()
        target = timedelta(hours=config.virtual_hours)
        wall = config.wall_minutes * 60
        next_restart = config.restart_every_seconds
        next_lock = config.lock_every_seconds * world.rng.uniform(0.5, 1.5)
        next_sample = 0.0
        cursor = 0
        while True:
            elapsed = time.monotonic() - began
            done_virtual = clock.now() - virtual_start
            if elapsed >= wall and done_virtual >= target:
                break
            for _ in range(world.rng.randint(1, 4)):
                server = world.rng.choice(world.servers)
                name = world.rng.choices(names, weights)[0]
                if world.rng.random() < config.fault_rate:
                    inject_fault(world)
                try:
                    await actors[name](world, server)
                    figures.actions[name] += 1
                except Exception as error:  # a fault surfacing in the driver: counted, the run goes on
                    figures.driver_errors[f"{name}:{type(error).__name__}"] += 1
                    log.debug("driver error in %s", name, exc_info=True)
                cursor = record_errors(world, cursor)
            # Keep virtual time in step with the wall clock, in steps small enough for turn timers.
            wanted = target * min(1.0, elapsed / wall) if wall else target
            step = (wanted - done_virtual).total_seconds()
            await env.advance_time(min(max(step, 5.0), 900.0))
            cursor = record_errors(world, cursor)
            if elapsed >= next_restart:
                next_restart += config.restart_every_seconds
                await world.restart()
            if elapsed >= next_lock and not lock.busy():
                next_lock = elapsed + config.lock_every_seconds * world.rng.uniform(0.5, 1.5)
                seconds = world.rng.uniform(0.5, config.lock_max_seconds)
                lock.hold(seconds)
                figures.lock_holds += 1
                figures.lock_seconds += seconds
            if elapsed >= next_sample:
                next_sample = time.monotonic() - began + max(2.0, wall / 60)
                trim_simulator_logs(env)
                await sample_memory(world, elapsed)
                if progress:
                    progress(
                        f"{elapsed:6.0f}s wall, {(clock.now() - virtual_start).total_seconds() / 3600:6.1f} h virtual, "
                        f"{sum(figures.actions.values())} actions, {figures.restarts} restarts, "
                        f"RSS {process.memory_info().rss / MIB:.1f} MiB"
                    )
        figures.wall_seconds = time.monotonic() - began
        # Drain: faults off, lock released, timers run for three virtual hours.
        env.backend.faults.clear()
        lock.wait()
        for _ in range(18):
            await env.advance_time(600)
        cursor = record_errors(world, cursor)
        figures.virtual_hours = (clock.now() - virtual_start).total_seconds() / 3600
        for name, check in INVARIANTS:
            try:
                figures.invariants[name] = await check(world)
            except Exception as error:
                figures.invariants[name] = f"FAILED: the check raised {error!r}"
        record_errors(world, cursor)
    finally:
        nonces.uninstall()
        lock.wait()
        await env.shutdown()
        if isinstance(env.bot, Hearth):
            env.bot.scheduler.shutdown()
            await env.bot.db.close()
    return world


def report(world: World) -> str:
    f = world.figures
    slope, _ = memory_slope(f, world.config.warmup_share)
    rss = [b / MIB for _, b in f.rss]
    lines = [
        f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        f"duration: {f.wall_seconds / 60:.1f} wall minutes, {f.virtual_hours:.1f} virtual hours (incl. 3 h drain)",
        f"operations: {sum(f.actions.values())} ({', '.join(f'{k} {v}' for k, v in sorted(f.actions.items()))})",
        f"meetings scheduled: {len(f.meetings)}, Going answers: {sum(len(g) for _, _, g in f.meetings)}",
        f"faults: {sum(f.faults.values())} REST errors injected ({dict(f.faults)}), {f.restarts} restarts, "
        f"{f.lock_holds} database lock holds ({f.lock_seconds:.0f} s in all)",
        f"errors the bot handled: {dict(f.bot_errors)}",
        f"errors seen by the driver: {dict(f.driver_errors)}",
        f"load average (1 min): min {min(f.load):.1f}, median {sorted(f.load)[len(f.load) // 2]:.1f}, "
        f"max {max(f.load):.1f} over {len(f.load)} samples"
        if f.load
        else "load average: no samples",
        f"memory: RSS {rss[0]:.1f} -> {rss[-1]:.1f} MiB, slope after warm-up {slope:+.2f} MiB/hour"
        if rss
        else "memory: no samples",
        f"measuring Hearth's memory took {f.census_seconds:.0f} s of the run ({len(f.hearth)} samples)",
        "Hearth's memory, most grown holders after warm-up (bytes): "
        + ", ".join(f"{name} {size:+,}" for name, size in grown_types(f)),
        "invariants:",
        *(f"  {name}: {verdict}" for name, verdict in f.invariants.items()),
    ]
    return "\n".join(lines)


def grown_types(figures: Figures, top: int = 8) -> list[tuple[str, int]]:
    change = Counter(figures.kinds_last)
    change.subtract(figures.kinds_after_warmup)
    return [(name, size) for name, size in change.most_common(top) if size > 0]


def passed(world: World) -> bool:
    return all(verdict.startswith("ok") for verdict in world.figures.invariants.values())


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__.split("\n")[0])
    parser.add_argument("--virtual-hours", type=float, default=48.0)
    parser.add_argument("--wall-minutes", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    logging.basicConfig(level=logging.CRITICAL)  # the bot's logs are not the figures
    config = SoakConfig(virtual_hours=args.virtual_hours, wall_minutes=args.wall_minutes, seed=args.seed)
    world = asyncio.run(run_soak(config, progress=print))
    print(report(world))
    if args.json:
        f = world.figures
        figures = {
            "wall_seconds": f.wall_seconds,
            "virtual_hours": f.virtual_hours,
            "actions": dict(f.actions),
            "faults": dict(f.faults),
            "restarts": f.restarts,
            "lock_holds": f.lock_holds,
            "bot_errors": dict(f.bot_errors),
            "driver_errors": dict(f.driver_errors),
            "rss": f.rss,
            "hearth": f.hearth,
            "holdings": f.holdings,
            "load": f.load,
            "invariants": f.invariants,
        }
        args.json.write_text(json.dumps(figures, indent=2))
    raise SystemExit(0 if passed(world) else 1)


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        main()
