"""Throwaway PostgreSQL servers for the test suite.

``postgres_server()`` runs a private cluster (initdb + postgres) in a temp
dir on a free loopback port, so tests never touch a developer's real
database and need no Docker.  ``create_database``/``drop_database`` give
each test module its own cheap database inside that one server.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
from sqlalchemy.engine import make_url

__all__ = [
    "REQUIRE_ENV",
    "SUPERUSER",
    "create_database",
    "drop_database",
    "find_postgres_bin",
    "postgres_server",
    "require_postgres_bin",
    "temporary_database",
]

# Set by tests/run.sh in CI: a missing PostgreSQL must fail, not skip.
REQUIRE_ENV = "HEARTH_REQUIRE_POSTGRES"
# Fixed superuser name so the URL does not depend on who runs the tests.
SUPERUSER = "postgres"
TEST_DATABASE = "hearth_test"
START_TIMEOUT = 20.0
_REQUIRED_BINARIES = ("initdb", "postgres", "pg_ctl")
# Database names are interpolated into SQL, so keep them boring.
_DB_NAME_RE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
# sun_path is 108 bytes on Linux; the socket name adds ~20 of them.
_MAX_SOCKET_DIR_LEN = 80

# Loopback only; speed over durability since the cluster is deleted anyway.
_SERVER_SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
}

_T = TypeVar("_T")


def _has_binaries(directory: Path) -> bool:
    return all(os.access(directory / name, os.X_OK) for name in _REQUIRED_BINARIES)


def _version_key(directory: Path) -> tuple[int, ...]:
    # /usr/lib/postgresql/<version>/bin -> sort numerically, so 16 > 9.6.
    parts = re.findall(r"\d+", directory.parent.name)
    return tuple(int(p) for p in parts) or (-1,)


def find_postgres_bin() -> Path | None:
    """Directory holding initdb, postgres and pg_ctl, or None.

    PATH wins (lets CI or a developer pin a version); otherwise the newest
    Debian-style /usr/lib/postgresql/*/bin.
    """
    on_path = shutil.which("initdb")
    if on_path is not None:
        # /usr/local/bin may only symlink some tools; the real dir has them all.
        for candidate in (Path(on_path).resolve().parent, Path(on_path).parent):
            if _has_binaries(candidate):
                return candidate
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=_version_key, reverse=True)
    for candidate in versions:
        if _has_binaries(candidate):
            return candidate
    return None


def require_postgres_bin() -> Path:
    """Return the bin dir, or skip the calling test (fail when REQUIRE_ENV=1)."""
    import pytest  # local: keep the module importable outside pytest

    bin_dir = find_postgres_bin()
    if bin_dir is None:
        reason = (
            "PostgreSQL binaries (initdb/postgres/pg_ctl) not found on PATH or in "
            "/usr/lib/postgresql/*/bin; install them with "
            "`apt-get install postgresql` or run `bash tests/run.sh`"
        )
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"{REQUIRE_ENV}=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    return bin_dir


def _run_as_user() -> str | None:
    """OS user to run the server as; None means "the current user".

    PostgreSQL refuses to start as root, so root drops to `postgres` (created
    by the Debian package) or, failing that, `nobody`.
    """
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    raise RuntimeError("running as root but neither 'postgres' nor 'nobody' exists")


def _as_user(user: str | None, argv: list[str]) -> list[str]:
    if user is None:
        return argv
    if shutil.which("runuser"):
        return ["runuser", "-u", user, "--", *argv]
    if shutil.which("setpriv"):
        return ["setpriv", f"--reuid={user}", f"--regid={user}", "--init-groups", *argv]
    raise RuntimeError("running as root but neither runuser nor setpriv is available")


def _free_port() -> int:
    # Racy by nature (another process may grab it); callers retry on failure.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run_sync(coro: Coroutine[Any, Any, _T]) -> _T:
    """Run a coroutine from sync code, even if an event loop is running."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    # Called from inside a loop (e.g. an async fixture): use a private one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "<no log>"


def _make_tempdir(owner: str | None) -> Path:
    tmp = Path(tempfile.mkdtemp(prefix="hearth-pg-"))
    if len(str(tmp)) > _MAX_SOCKET_DIR_LEN:
        # A long $TMPDIR would overflow the unix socket path; /tmp is short.
        shutil.rmtree(tmp, ignore_errors=True)
        tmp = Path(tempfile.mkdtemp(prefix="hearth-pg-", dir="/tmp"))
    if owner is not None:
        pw = pwd.getpwnam(owner)
        os.chown(tmp, pw.pw_uid, pw.pw_gid)
    return tmp


async def _wait_ready(port: int, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    last_error: BaseException | None = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"postgres exited with code {proc.returncode} during startup:\n" + _tail(log))
        try:
            conn = await asyncpg.connect(
                host="127.0.0.1",
                port=port,
                user=SUPERUSER,
                database="postgres",
                timeout=2,
            )
        except (TimeoutError, OSError, asyncpg.PostgresError) as exc:
            # Refused while starting, or "the database system is starting up".
            last_error = exc
            await asyncio.sleep(0.1)
            continue
        try:
            await conn.execute(f'CREATE DATABASE "{TEST_DATABASE}"')
        finally:
            await conn.close()
        return
    raise TimeoutError(f"postgres not ready after {START_TIMEOUT:.0f}s (last error: {last_error!r}):\n" + _tail(log))


@contextlib.contextmanager
def postgres_server(bin_dir: Path | None = None) -> Iterator[str]:
    """Run a throwaway PostgreSQL; yield ``postgresql+asyncpg://...:<port>/hearth_test``.

    The server listens on 127.0.0.1 only, with trust auth; everything lives in
    a temp dir removed on exit.  Use a session-scoped fixture: startup costs
    ~1-2 s, while ``create_database`` per module is cheap.
    """
    bin_dir = bin_dir or find_postgres_bin()
    if bin_dir is None:
        raise FileNotFoundError("PostgreSQL binaries not found (see find_postgres_bin)")
    user = _run_as_user()
    tmp = _make_tempdir(user)
    data_dir, sock_dir, log = tmp / "data", tmp / "sock", tmp / "postgres.log"
    # cwd=tmp: the postgres user may not be able to enter the caller's cwd
    # (e.g. /root).  LC_ALL=C: don't depend on host locales being generated.
    env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
    env.pop("PGDATA", None)
    proc: subprocess.Popen[bytes] | None = None
    try:
        sock_dir.mkdir()
        if user is not None:
            pw = pwd.getpwnam(user)
            os.chown(sock_dir, pw.pw_uid, pw.pw_gid)
        initdb = subprocess.run(
            _as_user(
                user,
                [
                    str(bin_dir / "initdb"),
                    f"--pgdata={data_dir}",
                    f"--username={SUPERUSER}",
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--locale=C",
                    "--no-sync",  # throwaway cluster: durability is wasted time
                ],
            ),
            cwd=tmp,
            env=env,
            capture_output=True,
            check=False,
        )
        if initdb.returncode != 0:
            raise RuntimeError(
                f"initdb failed ({initdb.returncode}):\n"
                + initdb.stdout.decode(errors="replace")
                + initdb.stderr.decode(errors="replace")
            )

        for attempt in range(3):  # retry: the "free" port can be taken meanwhile
            port = _free_port()
            argv = [str(bin_dir / "postgres"), "-D", str(data_dir), "-p", str(port), "-k", str(sock_dir)]
            argv += [arg for key, value in _SERVER_SETTINGS.items() for arg in ("-c", f"{key}={value}")]
            with log.open("ab") as log_fh:
                proc = subprocess.Popen(
                    _as_user(user, argv),
                    cwd=tmp,
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=log_fh,
                    stderr=subprocess.STDOUT,
                )
            try:
                _run_sync(_wait_ready(port, proc, log))
                break
            except RuntimeError:
                if proc.poll() is None or attempt == 2:
                    raise
                proc = None  # exited (likely port clash): try another port

        yield f"postgresql+asyncpg://{SUPERUSER}@127.0.0.1:{port}/{TEST_DATABASE}"
    finally:
        if proc is not None:
            _stop(bin_dir, user, data_dir, tmp, env, proc)
        shutil.rmtree(tmp, ignore_errors=True)


def _stop(
    bin_dir: Path,
    user: str | None,
    data_dir: Path,
    tmp: Path,
    env: dict[str, str],
    proc: subprocess.Popen[bytes],
) -> None:
    if proc.poll() is None:
        subprocess.run(
            _as_user(
                user,
                [str(bin_dir / "pg_ctl"), "stop", "-D", str(data_dir), "-m", "fast", "-w"],
            ),
            cwd=tmp,
            env=env,
            capture_output=True,
            check=False,
            timeout=30,
        )
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        # pg_ctl failed; don't leave a postmaster behind.
        proc.kill()
        proc.wait(timeout=10)


def _admin_connect_kwargs(url: str) -> dict[str, Any]:
    # Connect to the maintenance db: CREATE/DROP DATABASE can't target itself.
    u = make_url(url)
    return {
        "host": u.host or "127.0.0.1",
        "port": u.port or 5432,
        "user": u.username,
        "password": u.password,
        "database": "postgres",
    }


def _check_name(name: str) -> str:
    if not _DB_NAME_RE.match(name):
        raise ValueError(f"unsafe database name {name!r}: use [a-z0-9_], max 63 chars")
    return name


async def create_database(url: str, name: str) -> str:
    """Create database ``name`` on the server of ``url``; return its URL.

    Cloning template1 takes a few ms, so one database per test/module is fine.
    """
    _check_name(name)
    conn = await asyncpg.connect(**_admin_connect_kwargs(url))
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return make_url(url).set(database=name).render_as_string(hide_password=False)


async def drop_database(url: str, name: str) -> None:
    """Drop ``name`` if it exists, kicking out leftover connections (PG 13+)."""
    _check_name(name)
    conn = await asyncpg.connect(**_admin_connect_kwargs(url))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@contextlib.asynccontextmanager
async def temporary_database(url: str, name: str | None = None) -> AsyncIterator[str]:
    """``create_database`` on enter, ``drop_database`` on exit; yields the URL."""
    name = name or f"t_{os.urandom(6).hex()}"
    db_url = await create_database(url, name)
    try:
        yield db_url
    finally:
        await drop_database(url, name)
