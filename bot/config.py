"""Typed settings: defaults, overridden by ``config.toml``, secrets and deployment values from the environment.

Every problem is reported as one ``ConfigError`` line that names the key and says what to do, so an
operator never has to read a traceback to start Hearth.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import available_timezones

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from bot.shards import ShardPlan, ShardSpecError

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG_PATH = Path("config.toml")
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///data/hearth.sqlite3"
SUPPORTED_DRIVERS = ("sqlite+aiosqlite", "postgresql+asyncpg")
MIN_SECRET_LENGTH = 32
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{10,}$")


class ConfigError(Exception):
    """Settings are missing or wrong: one line per problem, each one an operator can act on.

    Everything wrong is reported together, so a first run is not a game of fixing one line per try.
    """

    def __init__(self, *problems: str) -> None:
        self.problems = [line for problem in problems for line in problem.splitlines() if line]
        super().__init__("\n".join(self.problems))


# --- sections of config.toml -------------------------------------------------------------------
# Each dataclass is one [section]; config.example.toml documents every key with its default.


@dataclass(frozen=True)
class BotSettings:
    # Feature packages to load (e.g. ["groups", "checkins"]); empty = all of them.
    features: list[str] = field(default_factory=list)
    sync_commands_on_start: bool = True
    dev_guild_id: int = 0
    guild_ready_timeout: float = 2.0
    shutdown_timeout: float = 5.0


@dataclass(frozen=True)
class DiscordSettings:
    api_base_url: str = ""
    gateway_url: str = ""


@dataclass(frozen=True)
class ShardSettings:
    # Several processes on one PostgreSQL: Discord's shard count (0: one process, unsharded) and this
    # process's shards as ranges, e.g. "0-3,6" (empty: all of them). Env: HEARTH_SHARD_COUNT/HEARTH_SHARD_IDS.
    count: int = 0
    ids: str = ""


@dataclass(frozen=True)
class DatabaseSettings:
    migrate_on_start: bool = True
    echo: bool = False
    pool_size: int = 5
    sqlite_busy_timeout_ms: int = 5000


@dataclass(frozen=True)
class LoggingSettings:
    level: str = "INFO"
    format: str = "text"


@dataclass(frozen=True)
class SchedulerSettings:
    misfire_grace_seconds: int = 3600


@dataclass(frozen=True)
class MetricsSettings:
    enabled: bool = False
    host: str = "127.0.0.1"
    port: int = 9108


@dataclass(frozen=True)
class RetentionSettings:
    checkins_days: int = 365
    anonymous_posts_days: int = 180
    audit_days: int = 365


@dataclass(frozen=True)
class GroupSettings:
    max_groups_per_guild: int = 50
    default_timezone: str = "UTC"


@dataclass(frozen=True)
class CheckinSettings:
    note_max_length: int = 1000
    edit_window_minutes: int = 60
    quiet_after_days: int = 7
    min_aggregate_members: int = 5


@dataclass(frozen=True)
class RoundSettings:
    warning_seconds: int = 30
    # After the last turn, with nobody waiting, the round ends by itself this long later (0: never).
    auto_end_seconds: int = 120
    max_minutes_per_turn: int = 30
    balance_rounds: int = 10


@dataclass(frozen=True)
class MeetingSettings:
    reminder_offsets_minutes: list[int] = field(default_factory=lambda: [1440, 15])
    attendance_share: float = 0.5


@dataclass(frozen=True)
class SharingSettings:
    shares_per_hour: int = 5
    max_length: int = 2000


@dataclass(frozen=True)
class SafetySettings:
    # Empty: use the list shipped in bot/defaults/safety_keywords.txt.
    keywords: list[str] = field(default_factory=list)
    # Empty: use the text shipped in bot/defaults/crisis_resources.md.
    resources_file: str = ""
    flag_for_moderators: bool = True


@dataclass(frozen=True)
class Secrets:
    """Values that never live in config.toml."""

    discord_token: str | None = field(default=None, repr=False)
    secret_key: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    bot: BotSettings = field(default_factory=BotSettings)
    discord: DiscordSettings = field(default_factory=DiscordSettings)
    shards: ShardSettings = field(default_factory=ShardSettings)
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    logging: LoggingSettings = field(default_factory=LoggingSettings)
    scheduler: SchedulerSettings = field(default_factory=SchedulerSettings)
    metrics: MetricsSettings = field(default_factory=MetricsSettings)
    retention: RetentionSettings = field(default_factory=RetentionSettings)
    groups: GroupSettings = field(default_factory=GroupSettings)
    checkins: CheckinSettings = field(default_factory=CheckinSettings)
    rounds: RoundSettings = field(default_factory=RoundSettings)
    meetings: MeetingSettings = field(default_factory=MeetingSettings)
    sharing: SharingSettings = field(default_factory=SharingSettings)
    safety: SafetySettings = field(default_factory=SafetySettings)
    secrets: Secrets = field(default_factory=Secrets, repr=False)
    config_path: Path | None = None

    @property
    def shard_plan(self) -> ShardPlan:
        """Which shards (so which guilds) this process serves; validated at load, so it parses here."""
        return ShardPlan.parse(self.shards.count, self.shards.ids)

    def require_credentials(self) -> tuple[str, bytes]:
        """The token and the secret key, reporting every problem with either at once."""
        problems: list[str] = []
        token, key = "", b""
        for check in (self.require_token, self.require_secret_key):
            try:
                value = check()
            except ConfigError as error:
                problems += error.problems
                continue
            if isinstance(value, str):
                token = value
            else:
                key = value
        if problems:
            raise ConfigError(*problems)
        return token, key

    def require_token(self) -> str:
        token = self.secrets.discord_token
        if not token:
            raise ConfigError(
                "DISCORD_TOKEN is not set: put your bot's token in .env (see .env.example) or the environment"
            )
        if not _TOKEN_SHAPE.match(token):
            raise ConfigError(
                "DISCORD_TOKEN does not look like a bot token (three dot-separated parts): copy it again "
                "from the Developer Portal, Bot tab, Reset Token"
            )
        return token

    def require_secret_key(self) -> bytes:
        key = self.secrets.secret_key
        if not key:
            raise ConfigError(
                "HEARTH_SECRET_KEY is not set: generate one with "
                '`python -c "import secrets; print(secrets.token_urlsafe(48))"` and put it in .env'
            )
        if len(key) < MIN_SECRET_LENGTH:
            raise ConfigError(
                f"HEARTH_SECRET_KEY is too short ({len(key)} characters): use at least {MIN_SECRET_LENGTH}"
            )
        return key.encode()


_SECTIONS: dict[str, type] = {
    f.name: f.type if isinstance(f.type, type) else typing.get_type_hints(Settings)[f.name]
    for f in dataclasses.fields(Settings)
    if f.name not in {"database_url", "secrets", "config_path"}
}


def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    if origin is list:
        (inner,) = typing.get_args(annotation)
        return f"a list of {_type_name(inner)}s"
    return {bool: "true or false", int: "a whole number", float: "a number", str: "a string"}.get(
        annotation, str(annotation)
    )


def _check_type(key: str, value: Any, annotation: Any) -> Any:
    origin = typing.get_origin(annotation)
    if origin is list:
        (inner,) = typing.get_args(annotation)
        if not isinstance(value, list):
            raise ConfigError(f"config.toml: {key} must be {_type_name(annotation)}, got {value!r}")
        return [_check_type(f"{key}[{i}]", item, inner) for i, item in enumerate(value)]
    ok = (
        isinstance(value, bool)
        if annotation is bool
        else isinstance(value, (int, float)) and not isinstance(value, bool)
        if annotation is float
        else isinstance(value, annotation) and not isinstance(value, bool)
    )
    if not ok:
        raise ConfigError(f"config.toml: {key} must be {_type_name(annotation)}, got {value!r}")
    return float(value) if annotation is float else value


# Settings that existed once: a config.toml still carrying one gets told what replaced it.
RETIRED = {
    "sharing.erase_keeps_text": (
        "each member now chooses, when confirming /privacy delete, whether their anonymous posts' words stay "
        "(with no link to them) or go; delete this line"
    ),
}


def _build_section(name: str, cls: type, raw: Any) -> Any:
    if not isinstance(raw, dict):
        raise ConfigError(f"config.toml: [{name}] must be a table of settings")
    hints = typing.get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls)}
    problems: list[str] = []
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if f"{name}.{key}" in RETIRED:
            problems.append(f"config.toml: {name}.{key} was removed: {RETIRED[f'{name}.{key}']}")
            continue
        if key not in known:
            problems.append(f"config.toml: unknown key {name}.{key}: check its spelling against config.example.toml")
            continue
        try:
            values[key] = _check_type(f"{name}.{key}", value, hints[key])
        except ConfigError as error:
            problems += error.problems
    if problems:
        raise ConfigError(*problems)
    return cls(**values)


def normalise_database_url(raw: str) -> str:
    """Accept the URL forms operators paste (postgres://, postgresql://) and name the async driver."""
    try:
        url: URL = make_url(raw)
    except ArgumentError:
        raise ConfigError(
            f"HEARTH_DATABASE_URL is not a database URL: {raw!r}; "
            f"expected e.g. {DEFAULT_DATABASE_URL} or postgresql+asyncpg://user:pass@host/db"
        ) from None
    driver = url.drivername
    if driver in {"postgres", "postgresql", "postgresql+psycopg2", "postgresql+psycopg"}:
        url = url.set(drivername="postgresql+asyncpg")
    elif driver == "sqlite":
        url = url.set(drivername="sqlite+aiosqlite")
    if url.drivername not in SUPPORTED_DRIVERS:
        raise ConfigError(
            f"HEARTH_DATABASE_URL uses {driver!r}, which Hearth does not support: "
            "use sqlite+aiosqlite:///path.sqlite3 or postgresql+asyncpg://user:pass@host/db"
        )
    if url.drivername.startswith("postgresql") and not url.host:
        raise ConfigError("HEARTH_DATABASE_URL names no PostgreSQL host: add one, e.g. @localhost:5432")
    if url.drivername.startswith("sqlite") and not url.database:
        raise ConfigError("HEARTH_DATABASE_URL names no SQLite file: e.g. sqlite+aiosqlite:///data/hearth.sqlite3")
    return url.render_as_string(hide_password=False)


def _validate(settings: Settings) -> list[str]:
    problems: list[str] = []
    level = settings.logging.level.upper()
    if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
        problems.append(f"config.toml: logging.level is {settings.logging.level!r}: use DEBUG, INFO, WARNING or ERROR")
    if settings.logging.format not in {"text", "json"}:
        problems.append(f"config.toml: logging.format is {settings.logging.format!r}: use text or json")
    if settings.groups.default_timezone not in available_timezones():
        problems.append(
            f"config.toml: groups.default_timezone {settings.groups.default_timezone!r} is not an IANA "
            "timezone: use a name like Europe/Berlin or America/New_York"
        )
    for url_key, value in (
        ("discord.api_base_url", settings.discord.api_base_url),
        ("discord.gateway_url", settings.discord.gateway_url),
    ):
        if value and not re.match(r"^(https?|wss?)://[^\s/]+", value):
            problems.append(f"config.toml: {url_key} is not a URL: {value!r}")
    if settings.safety.resources_file and not Path(settings.safety.resources_file).is_file():
        problems.append(f"config.toml: safety.resources_file {settings.safety.resources_file!r} does not exist")
    if not 0 <= settings.metrics.port <= 65535:
        problems.append(f"config.toml: metrics.port must be between 1 and 65535, got {settings.metrics.port}")
    if settings.metrics.enabled and not settings.metrics.host.strip():
        problems.append("config.toml: metrics.host is empty: use 127.0.0.1 (this machine only) or an address")
    positive = {
        "bot.guild_ready_timeout": settings.bot.guild_ready_timeout,
        "database.pool_size": settings.database.pool_size,
        "groups.max_groups_per_guild": settings.groups.max_groups_per_guild,
        "retention.checkins_days": settings.retention.checkins_days,
        "retention.anonymous_posts_days": settings.retention.anonymous_posts_days,
        "retention.audit_days": settings.retention.audit_days,
    }
    for key, number in positive.items():
        if number <= 0:
            problems.append(f"config.toml: {key} must be greater than 0, got {number}")
    problems += _validate_shards(settings)
    return problems


def _validate_shards(settings: Settings) -> list[str]:
    try:
        plan = settings.shard_plan
    except ShardSpecError as error:
        return [f"shards (HEARTH_SHARD_COUNT / HEARTH_SHARD_IDS): {error}"]
    if plan.subset and settings.database_url.startswith("sqlite"):
        return [
            f"HEARTH_SHARD_IDS runs only some of {plan.count} shards, but the database is SQLite, which one "
            "process alone may use: set HEARTH_DATABASE_URL to a PostgreSQL database shared by all processes"
        ]
    return []


def load_settings(
    config_path: str | os.PathLike[str] | None = None,
    environ: typing.Mapping[str, str] | None = None,
) -> Settings:
    """Read config.toml (optional) and the environment into validated ``Settings``.

    The path comes from the argument, else ``HEARTH_CONFIG``, else ``./config.toml``; a missing
    default file is fine (defaults apply), a missing named file is an error.
    """
    env = os.environ if environ is None else environ
    explicit = config_path or env.get("HEARTH_CONFIG")
    path = Path(explicit) if explicit else DEFAULT_CONFIG_PATH
    raw: dict[str, Any] = {}
    if path.exists():
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as error:
            raise ConfigError(f"cannot read {path}: {error.__class__.__name__}: {error}") from None
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"{path} is not valid TOML: {error}") from None
    elif explicit:
        raise ConfigError(
            f"config file {path} does not exist: create it from config.example.toml or unset HEARTH_CONFIG"
        )

    problems: list[str] = []
    sections: dict[str, Any] = {}
    for name, value in raw.items():
        if name not in _SECTIONS:
            problems.append(
                f"config.toml: unknown section [{name}]: known sections are " + ", ".join(f"[{s}]" for s in _SECTIONS)
            )
            continue
        try:
            sections[name] = _build_section(name, _SECTIONS[name], value)
        except ConfigError as error:
            problems += error.problems

    if "HEARTH_DISCORD_API_URL" in env or "HEARTH_DISCORD_GATEWAY_URL" in env:
        base = sections.get("discord", DiscordSettings())
        sections["discord"] = dataclasses.replace(
            base,
            api_base_url=env.get("HEARTH_DISCORD_API_URL", base.api_base_url),
            gateway_url=env.get("HEARTH_DISCORD_GATEWAY_URL", base.gateway_url),
        )
    if env.get("HEARTH_FEATURES"):
        base_bot = sections.get("bot", BotSettings())
        chosen = [name.strip() for name in env["HEARTH_FEATURES"].split(",") if name.strip()]
        sections["bot"] = dataclasses.replace(base_bot, features=chosen)
    if "HEARTH_SHARD_COUNT" in env or "HEARTH_SHARD_IDS" in env:
        base_shards = sections.get("shards", ShardSettings())
        count_text = env.get("HEARTH_SHARD_COUNT", "").strip()
        count = base_shards.count
        if count_text:
            try:
                count = int(count_text)
            except ValueError:
                problems.append(f"HEARTH_SHARD_COUNT must be a whole number, got {count_text!r}")
        sections["shards"] = dataclasses.replace(
            base_shards, count=count, ids=env.get("HEARTH_SHARD_IDS", base_shards.ids)
        )
    if "HEARTH_LOG_LEVEL" in env:
        base_logging = sections.get("logging", LoggingSettings())
        sections["logging"] = dataclasses.replace(base_logging, level=env["HEARTH_LOG_LEVEL"])

    try:
        database_url = normalise_database_url(env.get("HEARTH_DATABASE_URL") or DEFAULT_DATABASE_URL)
    except ConfigError as error:
        problems += error.problems
        database_url = DEFAULT_DATABASE_URL
    settings = Settings(
        database_url=database_url,
        secrets=Secrets(
            discord_token=(env.get("DISCORD_TOKEN") or "").strip() or None,
            secret_key=env.get("HEARTH_SECRET_KEY") or None,
        ),
        config_path=path if path.exists() else None,
        **sections,
    )
    problems += _validate(settings)
    if problems:
        raise ConfigError(*problems)
    return settings
