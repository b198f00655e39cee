"""Wire smoke test: the real ``python -m bot`` process against a local Discord stand-in.

Unlike the behaviour tests (SimCord, in-process), this exercises the actual entry point: env
configuration, login, gateway handshake, command sync, one slash command and a clean SIGTERM.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import pytest

from .standin import DiscordStandin, InteractionReply

REPO_ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT = 30.0
REPLY_TIMEOUT = 10.0
SHUTDOWN_TIMEOUT = 10.0
SECRET_KEY = "wire-smoke-secret-key-0123456789abcdef"

pytestmark = pytest.mark.asyncio

T = TypeVar("T")


@dataclass
class BotProcess:
    """The bot subprocess plus its captured output (pipes are drained continuously)."""

    proc: asyncio.subprocess.Process
    stdout: bytearray = field(default_factory=bytearray)
    stderr: bytearray = field(default_factory=bytearray)
    drains: list[asyncio.Task[None]] = field(default_factory=list)

    @property
    def exited(self) -> bool:
        return self.proc.returncode is not None

    def output(self) -> str:
        out = self.stdout.decode(errors="replace")
        err = self.stderr.decode(errors="replace")
        return f"--- bot stdout ---\n{out}\n--- bot stderr ---\n{err}"

    async def wait_exit(self, seconds: float) -> int:
        returncode = await asyncio.wait_for(self.proc.wait(), seconds)
        # Let the drains see EOF so the captured output is complete.
        await asyncio.wait_for(asyncio.gather(*self.drains), timeout=5)
        return returncode


async def _drain(stream: asyncio.StreamReader | None, sink: bytearray) -> None:
    if stream is None:
        return
    while chunk := await stream.read(65536):
        sink += chunk


def _bot_env(standin: DiscordStandin, tmp_path: Path) -> dict[str, str]:
    # An empty config.toml means "all defaults"; a named-but-missing file is a config error.
    config = tmp_path / "config.toml"
    config.touch()
    # Start from the caller's environment (PATH, locale) but drop any real Discord/Hearth config.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "HEARTH_"))}
    env.update(
        DISCORD_TOKEN=standin.token,
        HEARTH_SECRET_KEY=SECRET_KEY,
        HEARTH_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'hearth.sqlite3'}",
        HEARTH_DISCORD_API_URL=standin.http_base,
        HEARTH_DISCORD_GATEWAY_URL=standin.gateway_url,
        HEARTH_CONFIG=str(config),
        PYTHONUNBUFFERED="1",
    )
    return env


StartBot = Callable[[DiscordStandin], Awaitable[BotProcess]]


@pytest.fixture
async def start_bot(tmp_path: Path) -> AsyncIterator[StartBot]:
    """Factory fixture: ``await start_bot(standin)`` runs ``python -m bot``; killed on teardown."""
    started: list[BotProcess] = []

    async def start(standin: DiscordStandin) -> BotProcess:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            cwd=REPO_ROOT,
            env=_bot_env(standin, tmp_path),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        bot = BotProcess(proc)
        bot.drains = [
            asyncio.create_task(_drain(proc.stdout, bot.stdout)),
            asyncio.create_task(_drain(proc.stderr, bot.stderr)),
        ]
        started.append(bot)
        return bot

    yield start

    for bot in started:
        if not bot.exited:
            bot.proc.kill()
            await bot.proc.wait()
        for task in bot.drains:
            task.cancel()


@pytest.fixture
async def standin() -> AsyncIterator[DiscordStandin]:
    # A short heartbeat interval exercises the keep-alive path a few times during the test.
    async with DiscordStandin(heartbeat_interval_ms=1000) as server:
        yield server


async def _wait(standin: DiscordStandin, bot: BotProcess, predicate: Callable[[], T], seconds: float) -> T:
    """standin.wait_for, but a timeout fails the test with the bot's own output attached."""
    try:
        return await standin.wait_for(predicate, seconds)
    except TimeoutError as exc:
        pytest.fail(f"{exc}\n{bot.output()}")


async def test_bot_connects_syncs_and_answers_privacy_info(standin: DiscordStandin, start_bot: StartBot) -> None:
    bot = await start_bot(standin)

    def synced_or_dead() -> bool:
        synced = bool(standin.state.synced_commands) and standin.state.identify is not None
        return synced or bot.exited

    await _wait(standin, bot, synced_or_dead, STARTUP_TIMEOUT)
    if bot.exited:
        returncode = await bot.wait_exit(5)
        pytest.fail(f"bot exited early with {returncode}\n{standin.summary()}\n{bot.output()}")
    context = f"{standin.summary()}\n{bot.output()}"
    assert standin.state.heartbeats_acked >= 1, context
    assert "privacy" in standin.synced_command_names(), context

    await standin.send_interaction("privacy", subcommand="info")

    def answered() -> InteractionReply | None:
        # A deferred (type 5) callback has no text; it counts once an edit or followup brings it.
        return next((r for r in reversed(standin.replies) if r.text), None)

    reply = await _wait(standin, bot, answered, REPLY_TIMEOUT)
    assert reply is not None  # _wait only returns truthy values; this narrows the type
    context = f"{standin.summary()}\n{bot.output()}"
    callback = next((r for r in standin.replies if r.kind == "callback"), None)
    assert callback is not None, f"no interaction callback\n{context}"
    # Ephemerality is decided by the first response (send_message or defer), never later.
    assert callback.ephemeral, f"reply is not ephemeral (flags 64)\n{context}"
    assert "store" in reply.text.lower(), f"reply does not say what Hearth stores\n{context}"

    bot.proc.send_signal(signal.SIGTERM)
    try:
        returncode = await bot.wait_exit(SHUTDOWN_TIMEOUT)
    except TimeoutError:
        pytest.fail(f"bot still running {SHUTDOWN_TIMEOUT}s after SIGTERM\n{bot.output()}")
    output = bot.output()
    assert returncode == 0, f"exit code {returncode} after SIGTERM\n{output}"
    assert "Traceback" not in output, output
    assert standin.token not in output, "the bot printed its token"

    # Checked last so a wrong intent does not hide whether everything else works. Members is the one
    # privileged intent Hearth asks for (to notice members leaving); never presences or message content.
    identify = standin.state.identify
    assert identify is not None
    intents = int(identify.get("intents", 0))
    privileged = {"members": 1 << 1, "presences": 1 << 8, "message_content": 1 << 15}
    asked = [name for name, bit in privileged.items() if intents & bit]
    assert asked == ["members"], f"bot asks for privileged intents {asked} (IDENTIFY intents={intents})"

    if standin.unknown_routes:
        # Not a failure (the stand-in is deliberately small), but worth seeing in the report.
        routes = ", ".join(map(str, standin.unknown_routes))
        warnings.warn(f"bot called routes the stand-in does not serve: {routes}", stacklevel=1)


async def test_rejected_token_exits_nonzero_without_traceback(start_bot: StartBot) -> None:
    async with DiscordStandin(reject_token=True) as standin:
        bot = await start_bot(standin)
        try:
            returncode = await bot.wait_exit(STARTUP_TIMEOUT)
        except TimeoutError:
            pytest.fail(f"bot kept running with a rejected token\n{standin.summary()}\n{bot.output()}")
        assert any(r.path == "/users/@me" and r.status == 401 for r in standin.requests), standin.summary()

    output = bot.output()
    assert returncode != 0, output
    assert "Traceback" not in output, output
    # discord.py's own INFO line "logging in using static token" must not count as the message.
    stderr_lines = bot.stderr.decode(errors="replace").splitlines()
    about_token = [ln for ln in stderr_lines if "token" in ln.lower() and "static token" not in ln]
    assert about_token, f"no stderr line about the rejected token\n{output}"
    assert standin.token not in output, "the bot printed its token"


async def test_sync_subcommand_pushes_commands_to_one_guild(standin: DiscordStandin, tmp_path: Path) -> None:
    """`python -m bot sync --guild ID` logs in over REST only, pushes the tree to that guild, and exits 0."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "sync",
        "--guild",
        "123456789012345678",
        cwd=REPO_ROOT,
        env=_bot_env(standin, tmp_path),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(proc.communicate(), STARTUP_TIMEOUT)
    assert proc.returncode == 0, stderr.decode()
    assert "to guild 123456789012345678" in stdout.decode()
    puts = [r for r in standin.requests if r.method == "PUT" and "/guilds/123456789012345678/commands" in r.path]
    assert len(puts) == 1
    assert "privacy" in standin.synced_command_names()
    assert standin.state.identify is None  # REST only: no gateway connection for a sync


async def _check(standin: DiscordStandin, tmp_path: Path) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "check",
        cwd=REPO_ROOT, env=_bot_env(standin, tmp_path), stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    stdout, stderr = await asyncio.wait_for(proc.communicate(), STARTUP_TIMEOUT)
    assert proc.returncode is not None
    return proc.returncode, stdout.decode(), stderr.decode()


async def test_check_asks_discord_whether_the_token_is_real(tmp_path: Path) -> None:
    """A made-up token has the right shape too: only Discord can say it is not a bot's."""
    async with DiscordStandin() as standin:
        code, out, err = await _check(standin, tmp_path)
        assert code == 0, err
        assert "discord: token accepted, logged in as" in out
        assert any(r.path == "/users/@me" and r.status == 200 for r in standin.requests), standin.summary()
        assert standin.state.identify is None  # REST only: check never connects to the gateway
    async with DiscordStandin(reject_token=True) as standin:
        refused = tmp_path / "refused"
        refused.mkdir()
        code, out, err = await _check(standin, refused)
        assert code == 2, out + err
        lines = [line for line in err.splitlines() if line.startswith("hearth:")]
        assert lines == [
            "hearth: Discord rejected DISCORD_TOKEN: copy a fresh token from the Developer Portal (Bot tab)"
        ]
        assert "Traceback" not in err
