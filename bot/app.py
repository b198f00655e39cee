"""Build the Hearth bot: ``create_bot(settings)`` wires database, scheduler, clock and features."""

from __future__ import annotations

import asyncio
import functools
import hashlib
import importlib
import json
import logging
from datetime import datetime
from typing import Any

import discord
import yarl
from discord.ext import commands

from bot import i18n, interactions, role_commands, translator
from bot.audience import AudienceRules
from bot.clock import Clock
from bot.config import ConfigError, Settings
from bot.db import Database
from bot.db import migrate as migrations
from bot.db.locks import COMMAND_SYNC, hold_lock_for, identify_lock, reserve_slots, run_exclusive, wait_for_xact_lock
from bot.db.models import HearthState
from bot.delivery import DELIVERY_RATE, Deliveries, DeliveryPrivacy
from bot.delivery_discord import DiscordSender
from bot.features import FeatureError, Interfaces, declared, load_order
from bot.help import HelpTopics
from bot.interactions import HearthTree
from bot.keys import Keyring
from bot.metrics import Metrics, delivery_counts
from bot.pacing import SharedRatePacer
from bot.privacy import PrivacyRegistry
from bot.safety import SafetyNet
from bot.scheduler import Scheduler
from bot.setup import SetupRegistry
from bot.shards import identify_bucket

log = logging.getLogger("hearth")

DELIVERY_JOB = "delivery:run"
# With several processes, one may write a record for another's shard (a DM button reaches shard 0's process);
# the owner notices it within this many seconds.
DELIVERY_LOOK_JOB = "delivery:look"
DELIVERY_LOOK_SECONDS = 10

# What Hearth needs from Discord, and why (the README repeats this for operators).
BOT_PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    send_messages_in_threads=True,
    create_public_threads=True,  # anonymous replies live in a thread under the post
    create_private_threads=True,  # a private group may use a private thread
    manage_threads=True,
    embed_links=True,
    attach_files=True,  # check-in charts, exports
    read_message_history=True,
    manage_roles=True,  # each group has a role
    manage_channels=True,  # each group has a channel
    manage_messages=True,  # moderators delete reported messages through Hearth
    manage_events=True,  # meetings appear as Discord scheduled events
    mute_members=True,  # talking-stick voice mode
    moderate_members=True,  # moderators time out members through Hearth
)


def intents() -> discord.Intents:
    """Only what features use. ``members`` is privileged: it tells Hearth when a member leaves
    the server, so their memberships and turns are cleaned up. No message content intent."""
    chosen = discord.Intents.none()
    chosen.guilds = True
    chosen.members = True
    chosen.voice_states = True
    chosen.guild_scheduled_events = True
    return chosen


def invite_url(application_id: int) -> str:
    return discord.utils.oauth_url(application_id, permissions=BOT_PERMISSIONS, scopes=("bot", "applications.commands"))


def apply_endpoints(settings: Settings) -> None:
    """Point discord.py at another REST base / gateway (API proxies; the wire smoke test)."""
    if settings.discord.api_base_url:
        discord.http.Route.BASE = settings.discord.api_base_url.rstrip("/") + "/api/v10"
    if settings.discord.gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord.gateway_url)


class Hearth(commands.Bot):
    # Seconds before an unanswered interaction is deferred for its feature (bot/interactions.py).
    defer_after: float | None = interactions.DEFER_AFTER

    def __init__(self, settings: Settings, *, clock: Clock | None = None) -> None:
        self.shard_plan = settings.shard_plan
        shards: dict[str, Any] = {}
        if self.shard_plan.sharded:  # only ShardedHearth (create_bot picks it) reads these
            shards = {"shard_count": self.shard_plan.count, "shard_ids": list(self.shard_plan.ids)}
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=intents(),
            tree_cls=HearthTree,
            chunk_guilds_at_startup=False,  # no feature needs the whole member list up front
            member_cache_flags=discord.MemberCacheFlags.from_intents(intents()),
            guild_ready_timeout=settings.bot.guild_ready_timeout,
            allowed_mentions=discord.AllowedMentions.none(),  # every message: nobody pinged by default
            **shards,
        )
        self.settings = settings
        self.clock = clock or Clock()
        self.db = Database(
            settings.database_url,
            echo=settings.database.echo,
            busy_timeout_ms=settings.database.sqlite_busy_timeout_ms,
            pool_size=settings.database.pool_size,
        )
        self.scheduler = Scheduler(
            self.clock,
            misfire_grace_seconds=settings.scheduler.misfire_grace_seconds,
            exclusive=functools.partial(run_exclusive, self.db.engine),
        )
        self.metrics = Metrics()
        self.scheduler.observer = self.metrics
        self.privacy = PrivacyRegistry()
        # Every message Hearth sends on its own goes through this durable record (bot/delivery.py).
        self.deliveries = Deliveries(self.db, self.clock, plan=settings.shard_plan)
        if settings.shard_plan.subset:  # other processes send too: share one budget (bot/pacing.py)
            self.deliveries.pacer = SharedRatePacer(
                DELIVERY_RATE,
                functools.partial(reserve_slots, self.db.engine, "deliveries"),
                lambda: self.clock.now().timestamp(),
            )
        self.sender = DiscordSender(self)
        self.privacy.register(DeliveryPrivacy())
        # What loaded features offer each other (bot/features.py); empty until load_features().
        self.interfaces = Interfaces()
        # What each loaded feature adds to /setup (bot/setup.py).
        self.setup_sections = SetupRegistry()
        # Who may use each command (bot/audience.py): roles' rules, registered by the features owning them.
        self.audiences = AudienceRules()
        # What each loaded feature says in /help (bot/help.py): its module's HELP, gathered at load.
        self.help_topics = HelpTopics()
        self.safety = SafetyNet.from_settings(settings.safety)
        secret = settings.secrets.secret_key
        self.keys: Keyring | None = Keyring(secret.encode()) if secret else None
        self.synced_commands = False
        # False for one-shot commands (``python -m bot sync``): set up commands but start nothing.
        self.serving = True
        # Every interaction: text normalised and an Outcome opened before discord.py parses it.
        interactions.install(self)
        # ...and its language bound (bot/i18n.py): the member's, else the server's, else English.
        translator.install(self)

    def dispatch(self, event_name: str, /, *args: Any, **kwargs: Any) -> None:
        # discord.py dispatches "interaction" synchronously right after scheduling the handlers,
        # before any of them runs: the one place every command, button and form passes through.
        if event_name == "interaction" and args and isinstance(args[0], discord.Interaction):
            interactions.guard(args[0], self.defer_after)
        super().dispatch(event_name, *args, **kwargs)

    # --- lifecycle ------------------------------------------------------------------------------

    async def setup_hook(self) -> None:
        await self.db.ping()
        # Command names and descriptions in every shipped language, sent with each sync.
        await self.tree.set_translator(translator.HearthTranslator())
        if self.settings.database.migrate_on_start:
            state = await migrations.upgrade(self.db)
            log.info("database migrated to %s", ", ".join(state.current))
        if not self.serving:  # a one-shot command (sync): features' commands, but no timers or jobs
            await self.load_features()
            return
        self.start_metrics()
        # Jobs wait for READY: until then the guild caches are empty, and a job that fires (an overdue
        # reminder rebuilt at start) would find no member to reach.
        self.scheduler.start(paused=True)
        self.deliveries.attach(self.sender, self._wake_deliveries)
        await self.load_features()
        await self.start_features()
        await self.deliveries.start()  # pending deliveries from before a restart go out after READY
        if self.shard_plan.sharded:  # other processes on the database may write records for these shards
            self.scheduler.every(DELIVERY_LOOK_JOB, DELIVERY_LOOK_SECONDS, self.deliveries.look_again)
        if self.settings.bot.sync_commands_on_start:
            await self.sync_commands_if_changed()

    async def load_features(self) -> None:
        """Load the chosen features (all by default) in dependency order; see bot/features.py."""
        available = {p.removeprefix("cogs."): p for p in migrations.feature_packages()}
        wanted = self.settings.bot.features or list(available)
        unknown = sorted(set(wanted) - set(available))
        if unknown:
            raise ConfigError(f"bot.features names unknown features: {', '.join(unknown)}")
        declarations = {name: declared(package) for name, package in available.items()}
        try:
            order = load_order(wanted, declarations)
        except FeatureError as error:
            raise ConfigError(f"bot.features: {error}") from None
        for name in order:
            await self.load_extension(available[name])
            topic = getattr(importlib.import_module(available[name]), "HELP", None)
            if topic is not None:
                self.help_topics.add(topic)
        role_commands.gather(self)  # /facilitate: each loaded feature's facilitator commands
        for option in interactions.declare_limits(self.tree):
            log.warning("option %s declares no minimum or maximum", option)
        log.info("loaded features: %s", ", ".join(order))

    async def start_features(self) -> None:
        """Let each feature rebuild its timers and views from the database (the truth)."""
        for cog in list(self.cogs.values()):
            start = getattr(cog, "hearth_start", None)
            if start is not None:
                await start()

    def start_metrics(self) -> None:
        self.metrics.bind(loop=asyncio.get_running_loop(), pool=self.db.engine.pool, latency=lambda: self.latency)
        self.metrics.set_delivery_source(delivery_counts(self.db, self.clock))
        chosen = self.settings.metrics
        if chosen.enabled:
            try:
                self.metrics.serve(chosen.host, chosen.port)
            except OSError as error:
                raise ConfigError(
                    f"metrics: cannot listen on {chosen.host}:{chosen.port} ({error.strerror}): "
                    "choose another metrics.port or stop what uses it"
                ) from None

    def _wake_deliveries(self, at: datetime) -> None:
        self.scheduler.at(DELIVERY_JOB, max(at, self.clock.now()), self.deliveries.run, overlap=True)

    async def on_ready(self) -> None:
        self.scheduler.resume()
        log.info("ready in %d servers", len(self.guilds))

    async def close(self) -> None:
        log.info("shutting down")
        self.scheduler.shutdown()
        self.metrics.stop()
        try:
            await super().close()
        finally:
            await self.db.close()

    def owns(self, guild_id: int) -> bool:
        """Whether this process serves the guild's shard, so fires its timers and runs its clean-ups.

        Always true for one unsharded process. Features check it before rebuilding or running a guild's
        jobs; another process owns the rest."""
        return self.shard_plan.owns(guild_id)

    def require_keys(self) -> Keyring:
        if self.keys is None:
            raise RuntimeError("HEARTH_SECRET_KEY is required for this feature")
        return self.keys

    # --- command sync -----------------------------------------------------------------------------

    def command_payload(self) -> list[dict[str, Any]]:
        commands_ = self.tree.get_commands(type=None)
        return sorted((c.to_dict(self.tree) for c in commands_), key=lambda c: (c["type"], c["name"]))

    def command_hash(self) -> str:
        # The catalogs' fingerprint: a changed translation must reach Discord too.
        payload = json.dumps([self.command_payload(), i18n.fingerprint()], sort_keys=True, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()

    def _sync_scope(self) -> discord.Object | None:
        guild_id = self.settings.bot.dev_guild_id
        return discord.Object(guild_id) if guild_id else None

    async def sync_commands(self) -> int:
        """Push the command tree to Discord (globally, or to the dev guild) and remember its hash."""
        guild = self._sync_scope()
        if guild is not None:
            self.tree.copy_global_to(guild=guild)
        synced = await self.tree.sync(guild=guild)
        i18n.remember_commands({command.name: command.id for command in synced})
        async with self.db.write() as session:
            await session.merge(HearthState(key=self._hash_key(), value=self.command_hash()))
        self.synced_commands = True
        return len(synced)

    def _hash_key(self) -> str:
        scope = self.settings.bot.dev_guild_id or "global"
        return f"command-hash:{self.application_id}:{scope}"

    async def sync_commands_if_changed(self) -> bool:
        """Restarts must not burn Discord's rate limit re-syncing an unchanged tree.

        Several processes starting together on PostgreSQL: one syncs while the others wait on an
        advisory lock, then find the stored hash current (one upload, not N). No-op on SQLite."""
        async with self.db.engine.connect() as holder, holder.begin():
            await wait_for_xact_lock(holder, COMMAND_SYNC)
            async with self.db.read() as session:
                stored = await session.get(HearthState, self._hash_key())
            unchanged = stored is not None and stored.value == self.command_hash()
            if not unchanged:
                count = await self.sync_commands()
        if unchanged:
            log.info("slash commands unchanged; not syncing")
            await self._learn_command_ids()  # outside the lock: a REST call
            return False
        log.info("synced %d slash commands", count)
        return True

    async def _learn_command_ids(self) -> None:
        """Command ids make command mentions clickable (bot/i18n.py); without them texts say `/name`."""
        try:
            known = await self.tree.fetch_commands(guild=self._sync_scope())
        except discord.DiscordException as error:  # best effort: texts then name commands as `/name`
            log.warning("could not fetch command ids (%s); command mentions stay plain", type(error).__name__)
            return
        i18n.remember_commands({command.name: command.id for command in known})


class ShardedHearth(Hearth, commands.AutoShardedBot):
    """Hearth on a set of Discord's shards (``shard_count`` and ``shard_ids`` from [shards])."""

    # Discord starts one IDENTIFY per bucket every 5 s; each bucket's lock is held this long (a margin over 5).
    identify_gap: float = 5.5
    # Buckets (Discord's session_start_limit.max_concurrency); None: asked from GET /gateway/bot at first login.
    max_concurrency: int | None = None

    def __init__(self, settings: Settings, *, clock: Clock | None = None) -> None:
        super().__init__(settings, clock=clock)
        self._identify_releases: set[asyncio.Task[None]] = set()  # hold a reference until each has run

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """With several processes on one database, pace logins across all of them: one IDENTIFY per bucket
        per ``identify_gap`` (discord.py's own hook only paces the shards of one process)."""
        if not self.shard_plan.subset or self.db.engine.dialect.name != "postgresql" or shard_id is None:
            await super().before_identify_hook(shard_id, initial=initial)
            return
        if self.max_concurrency is None:
            self.max_concurrency = await self._session_start_buckets()
        bucket = identify_bucket(shard_id, self.max_concurrency)
        release = await hold_lock_for(self.db.engine, identify_lock(bucket), self.identify_gap)
        self._identify_releases.add(release)
        release.add_done_callback(self._identify_releases.discard)

    async def _session_start_buckets(self) -> int:
        try:
            _shards, _url, limits = await self.http.get_bot_gateway()
            return int(limits.get("max_concurrency", 1))
        except (discord.DiscordException, KeyError, TypeError, ValueError) as error:
            log.warning("could not read max_concurrency (%s); logging in one shard at a time", type(error).__name__)
            return 1


def create_bot(settings: Settings, *, clock: Clock | None = None) -> Hearth:
    """Build the bot without connecting (production, tests and benchmarks all come through here)."""
    apply_endpoints(settings)
    if settings.shard_plan.sharded:
        return ShardedHearth(settings, clock=clock)
    return Hearth(settings, clock=clock)
