"""The lock files agree with pyproject.toml.

requirements.lock (the image), requirements-demo.lock (the image's demo target), requirements-dev.lock
(tests/run.sh) and requirements-build.lock (the setuptools the image builds hearth with) are installed
with hashes and strictly: a dependency added to pyproject but not locked would be missing at run time,
and a range changed so the pin falls outside it would run a version pyproject forbids. These tests fail
then, and say to run `bash scripts/update_locks.sh`.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

REPO = Path(__file__).resolve().parents[2]
FIX = "the lock is out of date: run `bash scripts/update_locks.sh` (CONTRIBUTING.md, Dependencies)"
PROJECT = "hearth (pyproject.toml)"


@dataclass
class Pin:
    name: str
    version: Version
    marker: Marker | None
    hashes: int
    via: list[str] = field(default_factory=list)


def read_lock(name: str) -> list[Pin]:
    pins: list[Pin] = []
    in_via = False
    for line in (REPO / name).read_text().splitlines():
        pinned = re.match(r"^([A-Za-z0-9._-]+)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$", line)
        if pinned:
            marker = Marker(pinned.group(3)) if pinned.group(3) else None
            pins.append(Pin(canonicalize_name(pinned.group(1)), Version(pinned.group(2)), marker, 0))
            in_via = False
        elif line.strip().startswith("--hash=sha256:"):
            pins[-1].hashes += 1
        elif line.strip() == "# via":
            in_via = True
        elif line.strip().startswith("# via "):
            pins[-1].via.append(line.strip().removeprefix("# via "))
            in_via = False
        elif in_via and line.strip().startswith("#   "):
            pins[-1].via.append(line.strip().removeprefix("#   "))
        else:
            in_via = False
    return pins


def wanted(extras: tuple[str, ...]) -> list[Requirement]:
    """pyproject's runtime dependencies plus those of the extras, hearth[...] self-references expanded."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    optional = project.get("optional-dependencies", {})
    requirements = [Requirement(text) for text in project["dependencies"]]
    todo, seen = list(extras), set()
    while todo:
        extra = todo.pop()
        if extra in seen:
            continue
        seen.add(extra)
        for text in optional[extra]:
            requirement = Requirement(text)
            if canonicalize_name(requirement.name) == "hearth":
                todo.extend(requirement.extras)
            else:
                requirements.append(requirement)
    return requirements


LOCKS = {
    "requirements.lock": (),
    "requirements-demo.lock": ("demo",),
    "requirements-dev.lock": ("dev",),
}


@pytest.mark.parametrize(("lock", "extras"), LOCKS.items())
def test_every_dependency_in_pyproject_is_locked_within_its_range(lock: str, extras: tuple[str, ...]) -> None:
    pins = read_lock(lock)
    problems = []
    for requirement in wanted(extras):
        mine = [pin for pin in pins if pin.name == canonicalize_name(requirement.name)]
        if not mine:
            problems.append(f"{requirement} is not in {lock}")
        for pin in mine:
            if not requirement.specifier.contains(pin.version, prereleases=True):
                problems.append(f"{lock} pins {pin.name}=={pin.version}, outside pyproject's {requirement}")
    assert not problems, "\n".join([*problems, FIX])


@pytest.mark.parametrize(("lock", "extras"), LOCKS.items())
def test_nothing_is_locked_for_a_dependency_pyproject_no_longer_has(lock: str, extras: tuple[str, ...]) -> None:
    names = {canonicalize_name(requirement.name) for requirement in wanted(extras)}
    pins = read_lock(lock)
    locked = {pin.name for pin in pins}
    problems = []
    for pin in pins:
        if PROJECT in pin.via and pin.name not in names:
            problems.append(f"{lock} has {pin.name} for hearth, but pyproject no longer asks for it")
        # Every pin is there because something asks for it: hearth, another pin, or the runtime lock.
        reasons = [reason for reason in pin.via if reason not in (PROJECT, "-c requirements.lock")]
        problems += [f"{lock}: {pin.name} is there for {r}, which is not locked" for r in reasons if r not in locked]
        if not pin.via:
            problems.append(f"{lock}: nothing says why {pin.name} is there")
    assert not problems, "\n".join([*problems, FIX])


@pytest.mark.parametrize("lock", LOCKS)
def test_every_pin_is_hashed_so_pip_refuses_a_changed_file(lock: str) -> None:
    pins = read_lock(lock)
    assert len(pins) > 10, f"{lock} looks empty or unreadable"
    assert [pin.name for pin in pins if pin.hashes == 0] == []


@pytest.mark.parametrize("lock", ["requirements-demo.lock", "requirements-dev.lock"])
def test_the_tests_and_the_demo_run_the_versions_the_image_ships(lock: str) -> None:
    runtime = {(pin.name, str(pin.marker)): pin.version for pin in read_lock("requirements.lock")}
    other = {(pin.name, str(pin.marker)): pin.version for pin in read_lock(lock)}
    differ = [
        f"{name}: {version} in the image, {other.get((name, marker))} in {lock}"
        for (name, marker), version in runtime.items()
        if other.get((name, marker)) != version
    ]
    assert not differ, "\n".join([*differ, FIX])


def test_the_tools_that_build_hearths_wheel_are_locked_within_pyprojects_build_requires() -> None:
    requires = tomllib.loads((REPO / "pyproject.toml").read_text())["build-system"]["requires"]
    pins = {pin.name: pin for pin in read_lock("requirements-build.lock")}
    problems = []
    for requirement in map(Requirement, requires):
        pin = pins.get(canonicalize_name(requirement.name))
        if pin is None or not requirement.specifier.contains(pin.version, prereleases=True):
            problems.append(f"requirements-build.lock does not satisfy pyproject's build requirement {requirement}")
    problems += [f"requirements-build.lock: {pin.name} has no hash" for pin in pins.values() if not pin.hashes]
    assert not problems, "\n".join([*problems, FIX])


def test_every_pip_install_in_the_dockerfile_takes_only_locked_packages() -> None:
    # Runs without Docker, in CI: an install that resolves on its own would bring unlocked versions.
    text = (REPO / "Dockerfile").read_text().replace("\\\n", " ")
    installs = re.findall(r"pip install ([^&\n]+)", text)
    assert len(installs) >= 3, installs
    loose = [
        args
        for args in installs
        if not re.search(r"--require-hashes -r requirements[-a-z]*\.lock", args) and "--no-deps" not in args
    ]
    assert not loose, f"pip installs in the Dockerfile that are not from a lock: {loose}"
    locks = set(re.findall(r"-r (requirements[-a-z]*\.lock)", text))
    assert locks == {"requirements.lock", "requirements-build.lock", "requirements-demo.lock"}, locks
