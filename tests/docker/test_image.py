"""The real images, built by tests/docker/build_and_start.sh and started as an operator would.

Slow (the first build takes minutes) and needs a Docker daemon, so it is opt-in and not in tests/run.sh:

    HEARTH_DOCKER_TESTS=1 .venv/bin/python -m pytest -m docker tests/docker

Without HEARTH_DOCKER_TESTS=1, or without a usable docker, every test here is skipped with the reason.
The bot's image runs the real `python -m bot` against the loopback Discord stand-in of the wire smoke test
(`--network host`, so the container reaches 127.0.0.1 on this machine).
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
import socket
import subprocess
import time
import urllib.request
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.wire.standin import DiscordStandin, InteractionReply

pytestmark = pytest.mark.docker

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "tests" / "docker" / "build_and_start.sh"
SECRET_KEY = "docker-test-secret-key-0123456789abcdef-xyz"
UNAVAILABLE = 3  # build_and_start.sh's exit code for "no usable docker here"


@dataclass(frozen=True)
class Images:
    docker: str
    bot: str
    demo: str

    def run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run([self.docker, *args], capture_output=True, text=True, timeout=timeout, check=False)


def _docker_cli() -> str | None:
    """The CLI build_and_start.sh would pick: one that builds with BuildKit."""
    for cli in (os.environ.get("DOCKER"), "docker", "/usr/bin/docker"):
        if not cli or not shutil.which(cli):
            continue
        if subprocess.run([cli, "buildx", "version"], capture_output=True, check=False).returncode == 0:
            return cli
        helped = subprocess.run(
            [cli, "build", "--help"], capture_output=True, text=True, env={**os.environ, "DOCKER_BUILDKIT": "1"}
        )
        if "--secret" in helped.stdout:
            return cli
    return None


@pytest.fixture(scope="module")
def images() -> Images:
    if os.environ.get("HEARTH_DOCKER_TESTS") != "1":
        pytest.skip("builds the Docker image (minutes): run with HEARTH_DOCKER_TESTS=1 pytest -m docker tests/docker")
    docker = _docker_cli()
    if docker is None:
        pytest.skip("no docker CLI that builds with BuildKit (Debian's docker.io, or buildx)")
    built = Images(docker, "hearth:pytest", "hearth-demo:pytest")
    env = {**os.environ, "DOCKER": docker, "HEARTH_IMAGE": built.bot, "HEARTH_DEMO_IMAGE": built.demo}
    result = subprocess.run(
        ["bash", str(SCRIPT), "build"], capture_output=True, text=True, env=env, timeout=1800, check=False
    )
    if result.returncode == UNAVAILABLE:
        pytest.skip(result.stderr.strip().splitlines()[-1])
    assert result.returncode == 0, f"the build failed\n{result.stdout[-6000:]}\n{result.stderr[-6000:]}"
    return built


@pytest.fixture
def volume(images: Images) -> Iterator[str]:
    name = f"hearth-pytest-{uuid.uuid4().hex[:8]}"
    images.run("volume", "create", name)
    yield name
    images.run("volume", "rm", "-f", name)


@pytest.fixture
def container(images: Images) -> Iterator[str]:
    name = f"hearth-pytest-{uuid.uuid4().hex[:8]}"
    yield name
    images.run("rm", "-f", name)


def _host_ca_bundle() -> Path | None:
    for candidate in (
        os.environ.get("PIP_CERT"),
        os.environ.get("SSL_CERT_FILE"),
        "/etc/ssl/certs/ca-certificates.crt",
    ):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


@pytest.mark.parametrize("which", ["bot", "demo"])
def test_the_image_runs_as_an_unprivileged_user_and_keeps_no_pip_secret(images: Images, which: str) -> None:
    image = getattr(images, which)
    user = images.run("image", "inspect", "-f", "{{.Config.User}}", image).stdout.strip()
    assert user == "hearth"
    env = images.run("image", "inspect", "-f", "{{json .Config.Env}}", image).stdout
    assert "PIP_CERT" not in env and "PIP_CONFIG_FILE" not in env, env
    inside = images.run("run", "--rm", image, "sh", "-c", "id -u; ls /run/secrets /opt/pip-secrets.sh 2>&1 || true")
    assert inside.stdout.splitlines()[0] == "10001", inside.stdout
    # Both absent: the secrets were mounted only while pip ran, and the helper that read them stayed in the builder.
    assert inside.stdout.count("No such file") == 2, inside.stdout

    # The CA bundle handed to the build as a secret is in no file of the image (the base image's own
    # bundle is Debian's, so it differs wherever the host trusts an extra certificate).
    bundle = _host_ca_bundle()
    if bundle is None:
        return
    digest = hashlib.sha256(bundle.read_bytes()).hexdigest()
    size = bundle.stat().st_size
    found = images.run(
        "run", "--rm", "--user", "0", image, "sh", "-c",
        f"find / -xdev -type f -size {size}c -exec sha256sum {{}} + 2>/dev/null || true",
    )  # fmt: skip
    assert digest not in found.stdout, f"the host's CA bundle {bundle} was copied into {image}"


async def _docker(images: Images, *args: str) -> str:
    proc = await asyncio.create_subprocess_exec(
        images.docker, *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    out, _ = await proc.communicate()
    return out.decode(errors="replace").strip()


@pytest.fixture
async def standin() -> AsyncIterator[DiscordStandin]:
    async with DiscordStandin(heartbeat_interval_ms=1000) as server:
        yield server


async def test_the_bot_in_its_image_logs_in_answers_and_reports_healthy(
    images: Images, volume: str, container: str, standin: DiscordStandin
) -> None:
    await _docker(
        images, "run", "-d", "--name", container, "--network", "host", "-v", f"{volume}:/app/data",
        "-e", f"DISCORD_TOKEN={standin.token}", "-e", f"HEARTH_SECRET_KEY={SECRET_KEY}",
        "-e", f"HEARTH_DISCORD_API_URL={standin.http_base}", "-e", f"HEARTH_DISCORD_GATEWAY_URL={standin.gateway_url}",
        "--health-interval", "1s", "--health-start-period", "0s", images.bot,
    )  # fmt: skip

    async def logs() -> str:
        return await _docker(images, "logs", container)

    try:
        await standin.wait_for(lambda: bool(standin.state.synced_commands) and standin.state.identify, 90)
    except TimeoutError:
        pytest.fail(f"the bot in the image did not log in and sync\n{standin.summary()}\n{await logs()}")
    await standin.send_interaction("privacy", subcommand="info")

    def answered() -> InteractionReply | None:
        return next((r for r in reversed(standin.replies) if r.text), None)

    reply = await standin.wait_for(answered, 30)
    callback = next(r for r in standin.replies if r.kind == "callback")
    assert callback.ephemeral, "the answer to /privacy info is not private"
    assert "store" in reply.text.lower()

    health = "starting"
    deadline = time.monotonic() + 60
    while health == "starting" and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
        health = await _docker(images, "inspect", "-f", "{{.State.Health.Status}}", container)
    assert health == "healthy", await _docker(images, "inspect", "-f", "{{json .State.Health}}", container)

    await _docker(images, "stop", "-t", "20", container)
    output = await logs()
    assert await _docker(images, "inspect", "-f", "{{.State.ExitCode}}", container) == "0", output
    assert "Traceback" not in output, output
    assert standin.token not in output, "the bot printed its token"
    owner = await _docker(images, "run", "--rm", "-v", f"{volume}:/app/data", images.bot, "stat", "-c", "%u %n",
                          "/app/data/hearth.sqlite3")  # fmt: skip
    assert owner == "10001 /app/data/hearth.sqlite3"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_the_demo_image_prints_a_loopback_address_that_answers_and_stops_cleanly(
    images: Images, container: str
) -> None:
    port = _free_port()
    started = time.monotonic()
    images.run("run", "-d", "--name", container, "--network", "host", images.demo,
               "python", "-m", "bot", "demo", "--port", str(port))  # fmt: skip
    url = ""
    while not url and time.monotonic() - started < 90:
        time.sleep(0.2)
        out = images.run("logs", container).stdout
        url = next((word for word in out.split() if word.startswith("http://")), "")
    seconds = time.monotonic() - started
    assert url.startswith(f"http://127.0.0.1:{port}/"), images.run("logs", container).stdout
    with urllib.request.urlopen(url, timeout=10) as page:  # noqa: S310 - our own loopback address
        assert page.status == 200
        assert "Peer Support Commons" in page.read().decode()
    print(f"demo image: address printed {seconds:.1f} s after docker run")  # noqa: T201 - a measurement for -s

    images.run("stop", "-t", "15", container)
    assert images.run("inspect", "-f", "{{.State.ExitCode}}", container).stdout.strip() == "0"
    assert "stopping" in images.run("logs", container).stdout
