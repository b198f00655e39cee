"""Online backups of the SQLite database (``python -m bot backup [PATH]``).

SQLite's backup API copies a consistent snapshot while the bot keeps running: in WAL mode a reader
never blocks writers, and the copy contains exactly what was committed when it started. The copy
is switched to a rollback journal so it is one self-contained file, checked with
``PRAGMA integrity_check``, and only then moved into place, so a half-written backup never looks
like a good one. PostgreSQL has its own tools (pg_dump / pg_restore); see the README.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.clock import Clock


class BackupError(Exception):
    """Why a backup could not be made; one line an operator can act on."""


@dataclass(frozen=True)
class BackupResult:
    source: Path
    target: Path
    size_bytes: int
    tables: int


def sqlite_file(database_url: str) -> Path | None:
    """The database file behind a SQLite URL; None for any other database."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return None
    if not url.database or url.database == ":memory:":
        raise BackupError("the database is in memory: there is nothing on disk to back up")
    return Path(url.database)


def default_target(source: Path, now: datetime, folder: Path | None = None) -> Path:
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    return (folder or source.parent / "backups") / f"{source.stem}-{stamp}.sqlite3"


def backup_sqlite(source: Path, target: Path | None = None, *, clock: Clock | None = None) -> BackupResult:
    """Copy ``source`` to ``target`` while it is in use.

    ``target``: a file (``nightly.sqlite3``), a folder (existing, or a name without a suffix), or None
    for ``backups/`` next to the database; in a folder the file is named with the UTC time."""
    if not source.is_file():
        raise BackupError(f"no database file at {source}: check HEARTH_DATABASE_URL")
    now = (clock or Clock()).now()
    if target is None or target.is_dir() or not target.suffix:  # a folder (made if missing)
        target = default_target(source, now, target)
    if target.exists():
        raise BackupError(f"{target} already exists: choose another path (backups never overwrite)")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BackupError(f"cannot create {target.parent}: {error.strerror}") from None
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        with _connect(source) as src, _connect(partial) as dst:
            src.execute("PRAGMA busy_timeout=10000")
            src.backup(dst)  # one step: a consistent snapshot of what was committed
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
            verdict = dst.execute("PRAGMA integrity_check").fetchone()[0]
            tables = dst.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        if verdict != "ok":
            raise BackupError(f"the copy failed its integrity check ({verdict}); the source may be damaged")
        partial.replace(target)
    except sqlite3.Error as error:
        raise BackupError(f"backup of {source} failed: {error}") from None
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(source=source, target=target, size_bytes=target.stat().st_size, tables=int(tables))


def _connect(path: Path) -> closing[sqlite3.Connection]:
    """A connection that closes at the end of the ``with`` (sqlite3's own only ends a transaction)."""
    return closing(sqlite3.connect(path, isolation_level=None))
