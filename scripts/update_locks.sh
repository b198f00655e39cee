#!/usr/bin/env bash
# Regenerate the lock files from pyproject.toml (see CONTRIBUTING.md, "Dependencies"):
#   bash scripts/update_locks.sh                      keep every pin that still fits pyproject.toml
#   bash scripts/update_locks.sh --upgrade            move every pin to the newest allowed release
#   bash scripts/update_locks.sh --upgrade-package X  move one package
# requirements.lock: the runtime packages, what the Docker image installs.
# requirements-demo.lock: runtime + the demo extra, what the image's `demo` target installs.
# requirements-dev.lock: runtime + dev + demo, what tests/run.sh installs.
# The last two are resolved within the runtime pins, so the tests run exactly the versions the image ships.
# requirements-build.lock: pyproject's [build-system] requires, what the image builds hearth's wheel with.
# Both are universal (any OS, Python 3.11+) and hashed, so pip refuses a file that changed on the index.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

UV=${UV:-}
if [[ -z "$UV" ]]; then
    if [[ -x .venv/bin/uv ]]; then UV=.venv/bin/uv; else UV=uv; fi
fi
common=(--quiet --generate-hashes --universal --python-version 3.11
    --custom-compile-command "bash scripts/update_locks.sh")
"$UV" pip compile pyproject.toml "${common[@]}" "$@" -o requirements.lock
"$UV" pip compile pyproject.toml --extra demo --constraint requirements.lock "${common[@]}" "$@" \
    -o requirements-demo.lock
"$UV" pip compile pyproject.toml --extra dev --constraint requirements.lock "${common[@]}" "$@" \
    -o requirements-dev.lock
"${PYTHON:-python3}" -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"]))' |
    "$UV" pip compile - --constraint requirements.lock "${common[@]}" "$@" -o requirements-build.lock
