"""Hearth installed the way the Docker image installs it (not editable), started from the image's layout.

The Dockerfile's builder stage copies a few paths and runs ``pip install .``; its runtime stage runs from
/app with only config.example.toml and an empty data/. This test builds from exactly the paths the builder
copies, installs the wheel into a fresh venv, and starts Hearth from a directory laid out like /app: a
shipped file read from the source tree instead of the package, or a path the Dockerfile forgets, fails here.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from tests.conftest import SECRET, TOKEN

REPO = Path(__file__).resolve().parents[2]


def dockerfile_stages() -> dict[str, list[str]]:
    """Instructions of each named stage, continuation lines joined."""
    text = (REPO / "Dockerfile").read_text().replace("\\\n", " ")
    stages: dict[str, list[str]] = {}
    current: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        found = re.match(r"FROM \S+ AS (\w+)", line, re.IGNORECASE)
        if found:
            current = stages.setdefault(found.group(1), [])
        current.append(line)
    return stages


def copied_sources(instructions: list[str]) -> list[str]:
    sources: list[str] = []
    for line in instructions:
        if line.upper().startswith("COPY ") and "--from=" not in line:
            parts = [p for p in line.split()[1:] if not p.startswith("--")]
            sources.extend(parts[:-1])
    return sources


def test_the_runtime_stage_ships_no_source_and_no_shipped_data_into_the_volume() -> None:
    runtime = dockerfile_stages()["runtime"]
    copied = copied_sources(runtime)
    # data/ is the volume with the database: shipped texts copied there would never be updated.
    assert not any(source.startswith("data") for source in copied), copied
    # Code comes from the installed package only, so the image runs what the test below runs.
    assert not any(source.startswith(("bot", "cogs")) for source in copied), copied
    assert 'VOLUME ["/app/data"]' in runtime
    assert not any(path.suffix != ".sqlite3" and path.name != ".gitkeep" for path in (REPO / "data").iterdir())


def test_a_non_editable_install_from_the_builder_context_starts_from_the_image_layout(tmp_path: Path) -> None:
    # The build context as the builder stage sees it: only what it copies.
    context = tmp_path / "src"
    context.mkdir()
    for source in copied_sources(dockerfile_stages()["builder"]):
        for path in REPO.glob(source.rstrip("/")):
            if path.is_dir():
                shutil.copytree(path, context / path.name, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy2(path, context / path.name)
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(context)],
        check=True,
        capture_output=True,
    )
    (wheel,) = wheels.glob("hearth-*.whl")

    # A fresh venv with Hearth installed from the wheel; its dependencies are borrowed from this venv
    # through a .pth path (not a site dir, so this venv's editable hook for Hearth stays off).
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = Path(
        subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    (site / "borrowed-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), str(wheel)],
        check=True,
        capture_output=True,
    )

    # /app of the runtime stage: config.example.toml and an empty data/.
    app = tmp_path / "app"
    (app / "data").mkdir(parents=True)
    shutil.copy2(REPO / "config.example.toml", app)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DISCORD_TOKEN": TOKEN,
        "HEARTH_SECRET_KEY": SECRET,
    }

    def hearth(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([python, *args], cwd=app, env=env, capture_output=True, text=True, timeout=120)

    where = hearth("-c", "import bot, cogs; print(bot.__file__); print(cogs.__file__)")
    assert where.returncode == 0, where.stderr
    assert all(line.startswith(str(site)) for line in where.stdout.split()), where.stdout

    migrated = hearth("-m", "bot", "migrate")
    assert migrated.returncode == 0, migrated.stderr
    checked = hearth("-m", "bot", "check", "--offline")
    assert checked.returncode == 0, checked.stderr
    assert "migrations: up to date" in checked.stdout
    assert (app / "data" / "hearth.sqlite3").exists()  # the database, and only it, lands in data/

    # The shipped texts load from the package: crisis resources, safety keywords, default guidelines.
    shipped = hearth(
        "-c",
        "from bot.config import load_settings; from bot.safety import SafetyNet;"
        "from cogs.groups.cog import load_default_guidelines, FALLBACK_GUIDELINES;"
        "net = SafetyNet.from_settings(load_settings(None, {}).safety);"
        "print(len(net.keywords), net.matches('i want to kill myself'), bool(net.resources));"
        "print(load_default_guidelines() != FALLBACK_GUIDELINES)",
    )
    assert shipped.returncode == 0, shipped.stderr
    assert shipped.stdout.split() == [shipped.stdout.split()[0], "True", "True", "True"], shipped.stdout
    assert int(shipped.stdout.split()[0]) > 5
    assert all(p.name.startswith("hearth.sqlite3") for p in (app / "data").iterdir())
