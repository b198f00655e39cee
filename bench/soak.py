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

Databases: SQLite by default; ``--database postgresql`` runs the same soak on a throwaway PostgreSQL
cluster (``tests/support/postgres.py``), where the held lock is another connection holding a table lock
or row locks on a table Hearth writes.

Memory: SimCord plays Discord in this process and as shipped keeps everything it ever saw, so
``bench/soak_simulator.py`` prunes what neither the bot nor the invariants still need (old messages,
expired interactions, logs) as the run goes; the invariants count what they need of a message before it
is pruned. Resident memory (RSS) is then judged: its least-squares slope after warm-up must stay under
5 MiB/hour, and so must Hearth's own objects (``bench/soak_memory.py``), which a leak in Hearth grows
even where RSS hides it in freed-but-kept heap. Each sample calls glibc's ``malloc_trim(0)`` first
(``--no-malloc-trim`` to skip): it returns freed heap pages to the system, so RSS shows memory still in
use rather than the allocator's high-water mark; it frees nothing that is live and changes nothing in
Hearth.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ctypes
import ctypes.util
import gc
import json
import logging
import os
import platform
import random
import re
import sqlite3
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import psutil
import simcord
from simcord.results import to_discord_message
from sqlalchemy import select
from sqlalchemy.engine import make_url

from bench import soak_memory
from bench.soak_care import CareFigures, care_case, care_cases_reach_a_person, care_claim, set_up_care
from bench.soak_delivery import NonceLedger, deliveries_none_pending_none_twice
from bench.soak_simulator import SimulatorPruner, snowflake_ms
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
TITLES = re.compile(r"\*\*(Soak meeting \d+)\*\*")
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
    database_url: str | None = None  # None: SQLite in ``folder``; else a PostgreSQL URL (``--database``)
    keep_virtual_hours: float = 12.0  # the simulator keeps messages this long (bench/soak_simulator.py)
    malloc_trim: bool = True  # glibc returns freed heap before each RSS sample


@dataclass
class Server:
    guild: simcord.GuildHandle
    group: GroupFixture
    facilitator: simcord.MemberActor
    members: list[simcord.MemberActor]
    voice: simcord.ChannelHandle
    queue: Any = None  # the private moderator queue channel (care's escalations)
    moderator: Any = None
    # Recent anonymous posts (reply targets), as (channel id, message id): a discord.Message kept here would
    # keep the bot that made it alive after a restart (its state points at the old bot), with its engine.
    posts: list[tuple[int, int]] = field(default_factory=list)
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
    lock_kinds: Counter[str] = field(default_factory=Counter)
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
    simulator: list[tuple[float, dict[str, int]]] = field(default_factory=list)  # SimCord's store sizes
    sqlite_heap: list[tuple[float, int]] = field(default_factory=list)  # (wall seconds, bytes) SQLite holds
    # (wall seconds, blocks) Python's allocator has handed out and not had back: every live small object in
    # the process, Hearth's, the simulator's and the libraries'. Flat while RSS climbs: allocator, not leak.
    python_blocks: list[tuple[float, int]] = field(default_factory=list)
    load: list[float] = field(default_factory=list)  # the machine's 1-minute load average at each sample
    invariants: dict[str, str] = field(default_factory=dict)  # name -> "ok" or what failed
    wall_seconds: float = 0.0
    virtual_hours: float = 0.0


@dataclass
class Evidence:
    """Counts the invariants read from messages: reminders per (meeting, member) and per (member, day)."""

    meeting_reminders: Counter[tuple[str, int]] = field(default_factory=Counter)
    checkin_reminders: Counter[tuple[int, date]] = field(default_factory=Counter)

    def add(self, world: World, channel_id: int, message: Any) -> None:
        if message.is_ephemeral:
            return  # nobody but the one who asked sees it, and reminders are never ephemeral
        content = message.content or ""
        member_id = world.dm_owner(channel_id)
        if member_id is not None:
            if content.startswith("Reminder:") and (found := TITLES.search(content)):
                self.meeting_reminders[(found.group(1), member_id)] += 1
            if content.startswith("How are you today?"):
                day = datetime.fromtimestamp(snowflake_ms(message.id) / 1000, tz=UTC).date()
                self.checkin_reminders[(member_id, day)] += 1
        elif " reminder: **Soak meeting" in content and (found := TITLES.search(content)):
            for mentioned in map(int, re.findall(r"<@(\d+)>", content.split(" reminder:")[0])):
                self.meeting_reminders[(found.group(1), mentioned)] += 1

    def with_live(self, world: World) -> Evidence:
        """These counts plus the messages the simulator still holds."""
        total = Evidence(Counter(self.meeting_reminders), Counter(self.checkin_reminders))
        for channel_id, store in world.env.backend.messages.items():
            for message in store.values():
                total.add(world, channel_id, message)
        return total


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
        self.evidence = Evidence()  # what the invariants read from messages the simulator has pruned
        self.pruner = SimulatorPruner(
            env.backend, keep=timedelta(hours=config.keep_virtual_hours), on_prune=self.archive
        )
        self._dm_owners: dict[int, int] = {}

    def message_exists(self, channel_id: int, message_id: int) -> bool:
        """Whether Discord has the message (the simulator may have pruned it from memory: still there)."""
        return self.pruner.exists(channel_id, message_id)

    def dm_owner(self, channel_id: int) -> int | None:
        if channel_id not in self._dm_owners:
            self._dm_owners = {c: u for u, c in self.env.backend.dm_channels.items()}
        return self._dm_owners.get(channel_id)

    def archive(self, channel_id: int, message: Any) -> None:
        """A message about to be pruned from the simulator: count what the invariants need of it."""
        self.evidence.add(self, channel_id, message)

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
        server.posts = [*server.posts[-9:], (last.channel.id, last.id)]


async def reply(world: World, server: Server) -> None:
    if not server.posts:
        return await share(world, server)
    member = _pick(world, server)
    channel_id, message_id = post = world.rng.choice(server.posts)
    held = world.env.backend.messages.get(channel_id, {}).get(message_id)
    if held is None:  # taken down, or pruned as old
        server.posts.remove(post)
        return None
    shown = await member.click(to_discord_message(world.env, held), label="Reply anonymously")
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
    target = _message(world, channel, view.message_id)
    roll = world.rng.random()
    holder = next((m for m in server.members if m.id == view.state.holder), None)
    if roll < 0.15:
        await server.facilitator.slash(channel, "facilitate round end")
    elif holder is not None and roll < 0.6:
        await holder.click(target, label="Done")
    else:
        await _pick(world, server).click(target, label="Join queue")


def _message(world: World, channel: simcord.ChannelHandle, message_id: int) -> Any:
    held = world.env.backend.messages.get(channel.id, {}).get(message_id)
    if held is None:
        raise LookupError(message_id)
    return to_discord_message(world.env, held)  # one message, not the whole history converted


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


# Tables Hearth writes on most actions: a lock held on one of them is one members would run into.
LOCKED_TABLES = ("deliveries", "checkins", "anonymous_posts", "rounds", "care_cases", "meeting_rsvps")


class LockHolder:
    """Another connection holds a lock Hearth needs (a backup tool, a stuck admin shell). SQLite: the
    database's write lock. PostgreSQL: an EXCLUSIVE table lock (reads go on, writes wait) or row locks
    (``SELECT ... FOR UPDATE`` on every row) on one of ``LOCKED_TABLES``."""

    def __init__(self, path: Path, database_url: str | None = None, rng: random.Random | None = None) -> None:
        self.path = path
        self.database_url = database_url
        self.rng = rng or random.Random(0)
        self.thread: threading.Thread | None = None
        self.kinds: Counter[str] = Counter()

    def busy(self) -> bool:
        return self.thread is not None and self.thread.is_alive()

    def hold(self, seconds: float) -> None:
        if self.database_url is None:
            run: Callable[[], None] = lambda: self._hold_sqlite(seconds)  # noqa: E731
            self.kinds["sqlite write lock"] += 1
        else:
            table, rows = self.rng.choice(LOCKED_TABLES), self.rng.random() < 0.5
            # table names come from LOCKED_TABLES above, never from input
            statement = f"SELECT 1 FROM {table} FOR UPDATE" if rows else f"LOCK TABLE {table} IN EXCLUSIVE MODE"  # noqa: S608
            self.kinds["row locks" if rows else "table lock"] += 1
            run = lambda: asyncio.run(self._hold_postgres(statement, seconds))  # noqa: E731
        self.thread = threading.Thread(target=run, name="soak-lock", daemon=True)
        self.thread.start()

    def _hold_sqlite(self, seconds: float) -> None:
        connection = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        try:
            connection.execute("BEGIN IMMEDIATE")
            time.sleep(seconds)
            connection.execute("COMMIT")
        finally:
            connection.close()

    async def _hold_postgres(self, statement: str, seconds: float) -> None:
        assert self.database_url is not None
        url = make_url(self.database_url).set(drivername="postgresql").render_as_string(hide_password=False)
        connection = await asyncpg.connect(url)
        try:
            async with connection.transaction():
                await connection.execute(statement)
                await asyncio.sleep(seconds)  # this thread's own loop: the bot's loop goes on
        finally:
            await connection.close()

    def wait(self) -> None:
        if self.thread is not None:
            self.thread.join()


# --- invariants -------------------------------------------------------------------------------------


async def meeting_reminders_exactly_once(world: World) -> str:
    """Per meeting and Going member: as many reminders received as came due (DM, or the channel fallback)."""
    now = world.clock.now()
    everyone = {m.id for s in world.servers for m in s.members}
    received = Counter(
        {key: n for key, n in world.evidence.with_live(world).meeting_reminders.items() if key[1] in everyone}
    )
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
    evidence = world.evidence.with_live(world).checkin_reminders
    for server in world.servers:
        assert server.reminders_from is not None
        for member in server.members:
            if member.id not in server.quiet:
                continue
            hour, minute = server.quiet[member.id]
            got = Counter({day: n for (member_id, day), n in evidence.items() if member_id == member.id})
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
        if not world.message_exists(where, post.message_id):
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
    """Resident memory (RSS: the whole process, with the simulator pruned as it goes) and what Hearth
    holds on to (soak_memory) each grow < 5 MiB/hour after warm-up, by least squares over the samples.
    A run with under five minutes after warm-up can't give an hourly slope (caches still filling read as a
    steep one): there Hearth's objects must grow less than 5 MiB in all after warm-up, which a real leak
    under load breaks, and RSS is shown but not judged."""
    f = world.figures
    hearth, used = soak_memory.slope([(t, b / MIB) for t, b, _ in f.hearth], world.config.warmup_share)
    objects, _ = soak_memory.slope([(t, n / MIB) for t, _, n in f.hearth], world.config.warmup_share)
    rss, _ = memory_slope(f, world.config.warmup_share)
    jobs = [j for _, j, _ in f.holdings]
    rows = [r for _, _, r in f.holdings]
    first, last = (f.hearth[0], f.hearth[-1]) if f.hearth else ((0.0, 0, 0), (0.0, 0, 0))
    detail = (
        f"RSS {rss:+.2f} MiB/hour, Hearth's objects {hearth:+.2f} MiB/hour after warm-up over {used} samples; "
        f"Hearth {first[1] / MIB:.1f} -> {last[1] / MIB:.1f} MiB, {first[2]} -> {last[2]} objects visited "
        f"({objects:+.3f} M/hour); SQLAlchemy's statement cache (bounded, not counted) "
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
    return f"{'ok' if rss < 5.0 and hearth < 5.0 else 'FAILED'} ({detail})"


async def pruning_hid_nothing(world: World) -> str:
    """The simulator's pruning (soak_simulator) must not change what the bot saw: no request for a message
    it had pruned (the bot would have got a 404 Discord would not give)."""
    pruner = world.pruner
    figures = (
        f"{pruner.messages_pruned} messages and {pruner.interactions_pruned} expired interactions pruned; "
        f"simulator holds {pruner.sizes()}"
    )
    if pruner.touched:
        return (
            f"FAILED: the bot asked {pruner.touched} times for a message the simulator had pruned: "
            f"{'; '.join(pruner.touched_what)} ({figures})"
        )
    return f"ok ({figures})"


INVARIANTS: list[tuple[str, Callable[[World], Awaitable[str]]]] = [
    ("meeting reminders: none lost, none twice", meeting_reminders_exactly_once),
    ("check-in reminders: at most one a day", checkin_reminders_once_a_day),
    ("no round stuck", no_round_stuck),
    ("no member left muted", no_member_muted),
    ("no orphan rows", no_orphan_rows),
    ("deliveries: none pending, none lost, none sent twice", deliveries_none_pending_none_twice),
    ("care cases: each reaches a person, one owner, escalated in time", care_cases_reach_a_person),
    ("the simulator's pruning hid no message the bot asked for", pruning_hid_nothing),
    ("memory growth < 5 MiB/hour (RSS and Hearth's objects)", memory_growth),
]


# --- the run ----------------------------------------------------------------------------------------------


def soak_settings(folder: Path, database_url: str | None = None) -> Settings:
    config = folder / "config.toml"
    config.write_text("[bot]\nguild_ready_timeout = 0.1\n")
    env = {
        "DISCORD_TOKEN": TOKEN,
        "HEARTH_SECRET_KEY": SECRET,
        "HEARTH_DATABASE_URL": database_url or f"sqlite+aiosqlite:///{folder}/soak.sqlite3",
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


def _malloc_trim() -> Callable[[], None]:
    """glibc's malloc_trim(0): give freed heap pages back, so RSS counts what is in use. No-op elsewhere."""
    name = ctypes.util.find_library("c")
    trim = getattr(ctypes.CDLL(name), "malloc_trim", None) if name else None
    return (lambda: trim(0)) if trim is not None else (lambda: None)


MALLOC_TRIM = _malloc_trim()


def _sqlite_memory_used() -> Callable[[], int]:
    """SQLite's own heap in this process (page caches of every connection, statements): C memory that
    RSS counts and no Python census sees. Bounded per connection by its cache_size."""
    name = ctypes.util.find_library("sqlite3")
    used = getattr(ctypes.CDLL(name), "sqlite3_memory_used", None) if name else None
    if used is None:
        return lambda: 0
    used.restype = ctypes.c_int64
    return lambda: int(used())


SQLITE_MEMORY_USED = _sqlite_memory_used()


async def sample_memory(world: World, elapsed: float) -> None:
    """RSS, the traced census by owner, and Hearth's own collections (jobs, delivery rows)."""
    from sqlalchemy import func

    from bot.db.models import DeliveryRecord

    world.pruner.prune(world.clock.now())
    world.figures.simulator.append((elapsed, world.pruner.sizes()))
    gc.collect()
    if world.config.malloc_trim:
        MALLOC_TRIM()
    world.figures.rss.append((elapsed, psutil.Process().memory_info().rss))
    world.figures.sqlite_heap.append((elapsed, SQLITE_MEMORY_USED()))
    world.figures.python_blocks.append((elapsed, sys.getallocatedblocks()))
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
    settings = soak_settings(folder, config.database_url)
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
    lock = LockHolder(folder / "soak.sqlite3", config.database_url, random.Random(config.seed + 1))
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
        figures.lock_kinds = lock.kinds
        world.pruner.uninstall()
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
        f"database: {'PostgreSQL' if world.config.database_url else 'SQLite'}; simulator keeps messages "
        f"{world.config.keep_virtual_hours:g} virtual hours; malloc_trim before RSS samples: "
        f"{'yes' if world.config.malloc_trim else 'no'}; "
        f"MALLOC_ARENA_MAX={os.environ.get('MALLOC_ARENA_MAX', 'unset')}",
        f"duration: {f.wall_seconds / 60:.1f} wall minutes, {f.virtual_hours:.1f} virtual hours (incl. 3 h drain)",
        f"operations: {sum(f.actions.values())} ({', '.join(f'{k} {v}' for k, v in sorted(f.actions.items()))})",
        f"meetings scheduled: {len(f.meetings)}, Going answers: {sum(len(g) for _, _, g in f.meetings)}",
        f"faults: {sum(f.faults.values())} REST errors injected ({dict(f.faults)}), {f.restarts} restarts, "
        f"{f.lock_holds} database lock holds ({f.lock_seconds:.0f} s in all: {dict(f.lock_kinds)})",
        f"errors the bot handled: {dict(f.bot_errors)}",
        f"errors seen by the driver: {dict(f.driver_errors)}",
        f"load average (1 min): min {min(f.load):.1f}, median {sorted(f.load)[len(f.load) // 2]:.1f}, "
        f"max {max(f.load):.1f} over {len(f.load)} samples"
        if f.load
        else "load average: no samples",
        f"memory: RSS {rss[0]:.1f} -> {rss[-1]:.1f} MiB, slope after warm-up {slope:+.2f} MiB/hour; Hearth's "
        f"objects {f.hearth[0][1] / MIB:.1f} -> {f.hearth[-1][1] / MIB:.1f} MiB, slope after warm-up "
        f"{soak_memory.slope([(t, b / MIB) for t, b, _ in f.hearth], world.config.warmup_share)[0]:+.2f} MiB/hour"
        if rss and f.hearth
        else "memory: no samples",
        f"SQLite's own heap (page caches; in RSS, not in Hearth's objects): {f.sqlite_heap[0][1] / MIB:.1f} -> "
        f"{f.sqlite_heap[-1][1] / MIB:.1f} MiB, slope after warm-up "
        f"{soak_memory.slope([(t, b / MIB) for t, b in f.sqlite_heap], world.config.warmup_share)[0]:+.2f} MiB/hour"
        if f.sqlite_heap
        else "SQLite's heap: no samples",
        f"Python's live allocator blocks (every small object in the process): {f.python_blocks[0][1]:,} -> "
        f"{f.python_blocks[-1][1]:,}, slope after warm-up "
        f"{soak_memory.slope([(t, n / 1e3) for t, n in f.python_blocks], world.config.warmup_share)[0]:+.1f} k/hour"
        if f.python_blocks
        else "Python's blocks: no samples",
        f"simulator stores (entries) first -> last sample: {f.simulator[0][1]} -> {f.simulator[-1][1]}"
        if f.simulator
        else "simulator stores: no samples",
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
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--keep-virtual-hours", type=float, default=12.0, help="how long the simulator keeps messages")
    parser.add_argument("--no-malloc-trim", action="store_true", help="sample RSS without glibc's malloc_trim(0) first")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    logging.basicConfig(level=logging.CRITICAL)  # the bot's logs are not the figures
    config = SoakConfig(
        virtual_hours=args.virtual_hours,
        wall_minutes=args.wall_minutes,
        seed=args.seed,
        keep_virtual_hours=args.keep_virtual_hours,
        malloc_trim=not args.no_malloc_trim,
    )
    with contextlib.ExitStack() as stack:
        if args.database == "postgresql":  # a throwaway cluster, as the tests use, deleted afterwards
            from tests.support.postgres import postgres_server

            config.database_url = stack.enter_context(postgres_server())
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
            "database": args.database,
            "lock_holds": f.lock_holds,
            "lock_kinds": dict(f.lock_kinds),
            "simulator": f.simulator,
            "sqlite_heap": f.sqlite_heap,
            "python_blocks": f.python_blocks,
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
