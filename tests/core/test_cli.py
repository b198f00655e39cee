"""``python -m bot`` as an operator meets it: subcommands, and one clear line for each bad start."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import REPO_ROOT
from tests.conftest import SECRET, TOKEN


def run_bot(
    tmp_path: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    environ = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(REPO_ROOT),
        "HOME": str(tmp_path),
        "DISCORD_TOKEN": TOKEN,
        "HEARTH_SECRET_KEY": SECRET,
        "HEARTH_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/data/hearth.sqlite3",
        **(env or {}),
    }
    environ = {k: v for k, v in environ.items() if v is not None and v != "<unset>"}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=tmp_path,  # no config.toml or .env from the repository
        env=environ,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def assert_one_clear_line(result: subprocess.CompletedProcess[str], code: int, needle: str) -> None:
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("hearth:")]
    assert len(lines) == 1, result.stderr
    assert needle in lines[0]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_missing_token(tmp_path: Path) -> None:
    assert_one_clear_line(run_bot(tmp_path, "run", env={"DISCORD_TOKEN": "<unset>"}), 2, "DISCORD_TOKEN is not set")


def test_malformed_token(tmp_path: Path) -> None:
    assert_one_clear_line(run_bot(tmp_path, env={"DISCORD_TOKEN": "not-a-token"}), 2, "does not look like a bot token")


def test_missing_secret_key(tmp_path: Path) -> None:
    assert_one_clear_line(run_bot(tmp_path, env={"HEARTH_SECRET_KEY": "<unset>"}), 2, "HEARTH_SECRET_KEY is not set")


def test_unknown_config_key(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("[rounds]\nwarning_secs = 10\n")
    assert_one_clear_line(run_bot(tmp_path, "check"), 2, "unknown key rounds.warning_secs")


def test_unreadable_config(tmp_path: Path) -> None:
    folder = tmp_path / "config-dir"
    folder.mkdir()
    result = run_bot(tmp_path, "check", env={"HEARTH_CONFIG": str(folder)})
    assert_one_clear_line(result, 2, "cannot read")


def test_unwritable_data_dir(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the data folder should be")
    url = f"sqlite+aiosqlite:///{blocker}/data/hearth.sqlite3"
    assert_one_clear_line(
        run_bot(tmp_path, "check", env={"HEARTH_DATABASE_URL": url}), 1, "cannot create the data folder"
    )


def test_database_url_to_nowhere(tmp_path: Path) -> None:
    url = f"postgresql+asyncpg://hearth:pw@127.0.0.1:{closed_port()}/hearth"
    result = run_bot(tmp_path, "check", env={"HEARTH_DATABASE_URL": url})
    assert_one_clear_line(result, 1, "cannot reach the database at postgresql+asyncpg://hearth:***@127.0.0.1")
    assert "pw" not in result.stderr.replace("***", "")


def test_check_reports_state_and_prints_the_invite(tmp_path: Path) -> None:
    migrate = run_bot(tmp_path, "migrate")
    assert migrate.returncode == 0, migrate.stderr
    result = run_bot(tmp_path, "check", "--offline")
    assert result.returncode == 0, result.stderr
    assert "migrations: up to date" in result.stdout
    assert "discord: token not checked (--offline)" in result.stdout
    assert "invite: https://discord.com/oauth2/authorize?client_id=" in result.stdout
    assert "scope=bot+applications.commands" in result.stdout
    assert run_bot(tmp_path, "check", "--quiet").stdout == ""


def test_check_says_pending_migrations_apply_on_start(tmp_path: Path) -> None:
    result = run_bot(tmp_path, "check", "--offline")
    assert result.returncode == 0, result.stderr
    assert "Hearth applies them itself when it starts (nothing to do)" in result.stdout
    (tmp_path / "config.toml").write_text("[database]\nmigrate_on_start = false\n")
    result = run_bot(tmp_path, "check", "--offline")
    assert "run `python -m bot migrate` before starting" in result.stdout


def test_every_configuration_problem_is_reported_at_once(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(
        "[rounds]\nwarning_secs = 3\nbalance_rounds = 'ten'\n[logging]\nlevel = 'LOUD'\n[colours]\nx = 1\n"
    )
    result = run_bot(tmp_path, "run", env={"DISCORD_TOKEN": "<unset>"})
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("hearth:")]
    for needle in ("unknown section [colours]", "unknown key rounds.warning_secs", "rounds.balance_rounds must be"):
        assert any(needle in line for line in lines), result.stderr
    assert any("logging.level is 'LOUD'" in line for line in lines), result.stderr
    (tmp_path / "config.toml").unlink()
    both = run_bot(tmp_path, "run", env={"DISCORD_TOKEN": "<unset>", "HEARTH_SECRET_KEY": "<unset>"})
    lines = [line for line in both.stderr.splitlines() if line.startswith("hearth:")]
    assert [("DISCORD_TOKEN" in line, "HEARTH_SECRET_KEY" in line) for line in lines] == [(True, False), (False, True)]


def test_commands_lists_privacy(tmp_path: Path) -> None:
    text = run_bot(tmp_path, "commands")
    assert text.returncode == 0, text.stderr
    assert "/privacy delete" in text.stdout
    rows = json.loads(run_bot(tmp_path, "commands", "--json").stdout)
    names = {row["name"] for row in rows}
    assert {"/privacy info", "/privacy export", "/privacy delete"} <= names
    assert all(row["description"] for row in rows if row["type"] == "slash")  # context menus have none
    assert {row["who"] for row in rows} >= {"members", "facilitators", "moderators", "server admins (Manage Server)"}
    assert any(row["name"] == "Report message" and row["type"] == "message" for row in rows)


@pytest.mark.parametrize("argv", [["frobnicate"], ["--help"]])
def test_usage(tmp_path: Path, argv: list[str]) -> None:
    result = run_bot(tmp_path, *argv)
    assert "usage: python -m bot" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_features_can_be_chosen_and_unknown_ones_are_refused(tmp_path: Path) -> None:
    only = run_bot(tmp_path, "commands", "--json", env={"HEARTH_FEATURES": "privacy"})
    assert only.returncode == 0, only.stderr
    assert {row["name"].split()[0] for row in json.loads(only.stdout)} == {"/privacy"}
    assert_one_clear_line(
        run_bot(tmp_path, "commands", env={"HEARTH_FEATURES": "privacy,telepathy"}),
        2,
        "bot.features names unknown features: telepathy",
    )
