"""Backups an operator can trust: taken while the bot writes, restored by the README's steps, and the
bot starts on the restored file with everything there."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.backup import BackupError, backup_sqlite, sqlite_file
from bot.db.models import HearthState
from cogs.sharing.models import AnonymousPost
from cogs.sharing.views import TEXT_ID, WARNING_ID
from tests.conftest import Harness, release
from tests.core.test_cli import assert_one_clear_line, run_bot
from tests.support.groups import make_group


def said(result: object) -> str:
    parts = [result.response, *result.followups]  # type: ignore[attr-defined]
    return "\n".join(p.content for p in parts if p is not None)


def break_database(source: Path) -> None:
    source.write_bytes(b"this is not a database" * 100)
    Path(f"{source}-wal").write_bytes(b"garbage")  # and a stale WAL beside it


def restore_as_the_readme_says(backup: Path, source: Path) -> None:
    """README, Restore: copy the backup over the database file, then remove its -wal and -shm files."""
    shutil.copyfile(backup, source)
    for leftover in (Path(f"{source}-wal"), Path(f"{source}-shm")):
        leftover.unlink(missing_ok=True)


async def test_back_up_during_writes_break_restore_start_everything_there(harness: Harness) -> None:
    env = harness.env
    bot = harness.bot
    guild = env.create_guild()
    alice = guild.add_member(env.create_user("alice"))
    group = await make_group(harness, guild, "Recovery", members=[alice])
    shown = await alice.slash(group.channel, "share")
    await alice.submit_modal(shown, {TEXT_ID: "Ninety days today.", WARNING_ID: ""})

    # A writer keeps committing while the backup runs.
    committed: list[int] = []
    stop = asyncio.Event()
    waiting: dict[int, asyncio.Event] = {}

    async def commits(count: int) -> None:
        waiting[count] = asyncio.Event()
        await waiting[count].wait()

    async def writer() -> None:
        n = 0
        while not stop.is_set():
            async with bot.db.write() as session:
                session.add(HearthState(key=f"write-{n}", value="x" * 200))
            committed.append(n)
            n += 1
            for count, event in waiting.items():
                if len(committed) >= count:
                    event.set()
            await asyncio.sleep(0)

    task = asyncio.create_task(writer())
    await commits(50)
    before = len(committed)
    source = sqlite_file(harness.settings.database_url)
    assert source is not None
    result = await asyncio.to_thread(backup_sqlite, source, source.parent / "backups")
    after = len(committed)
    await commits(after + 20)  # the bot carried on writing after the backup too
    stop.set()
    await task
    assert result.target.parent == source.parent / "backups"
    assert not list(result.target.parent.glob("*.partial"))

    with closing(sqlite3.connect(result.target)) as copy:
        keys = {k for (k,) in copy.execute("SELECT key FROM hearth_state WHERE key LIKE 'write-%'")}
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one self-contained file
    assert {f"write-{n}" for n in range(before)} <= keys  # everything committed before it started
    assert len(keys) <= len(committed)

    # Break: the bot stops, the database file is damaged (a stale WAL beside it).
    await release(bot)
    break_database(source)
    with pytest.raises(sqlite3.DatabaseError), closing(sqlite3.connect(source)) as broken:
        broken.execute("SELECT count(*) FROM hearth_state").fetchone()

    restore_as_the_readme_says(result.target, source)

    # Start: a new process on the restored file; members find what they had, and can carry on.
    bot = await harness.restart()
    listing = await alice.slash(group.channel, "group list")
    assert "Recovery" in said(listing)
    async with bot.db.read() as session:
        posts = list(await session.scalars(select(AnonymousPost)))
        restored_keys = set(await session.scalars(select(HearthState.key).where(HearthState.key.like("write-%"))))
    assert [p.content for p in posts] == ["Ninety days today."]
    assert restored_keys == keys
    assert group.channel.last_message is not None
    shown = await alice.slash(group.channel, "share")
    answer = await alice.submit_modal(shown, {TEXT_ID: "Still here after the restore.", WARNING_ID: ""})
    assert answer.response is not None or answer.followups
    assert group.channel.last_message.content == "Still here after the restore."


def test_backup_command(tmp_path: Path) -> None:
    assert run_bot(tmp_path, "migrate").returncode == 0
    first = run_bot(tmp_path, "backup")
    assert first.returncode == 0, first.stderr
    assert "integrity ok" in first.stdout
    (made,) = (tmp_path / "data" / "backups").glob("hearth-*.sqlite3")
    with closing(sqlite3.connect(made)) as copy:
        assert copy.execute("SELECT count(*) FROM alembic_version").fetchone()[0] >= 1

    chosen = tmp_path / "nightly.sqlite3"
    assert run_bot(tmp_path, "backup", str(chosen)).returncode == 0
    assert chosen.is_file()
    assert_one_clear_line(run_bot(tmp_path, "backup", str(chosen)), 1, "already exists")


def test_backup_command_on_postgresql_points_at_pg_dump(tmp_path: Path) -> None:
    result = run_bot(tmp_path, "backup", env={"HEARTH_DATABASE_URL": "postgresql://u:p@127.0.0.1:1/hearth"})
    assert_one_clear_line(result, 2, "pg_dump")


def test_backup_of_a_missing_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="no database file"):
        backup_sqlite(tmp_path / "nothing.sqlite3")
