#!/usr/bin/env bash
# Build and start the real Hearth image where no public image registry is reachable:
#   bash tests/docker/build_and_start.sh
# 1. makes a local Debian base image with Python 3.11 (debootstrap -> docker import), unless it exists;
# 2. builds the Dockerfile on it (PYTHON_IMAGE build arg), with the host's network for pip;
# 3. starts the image with a throwaway volume and runs `python -m bot check` in it (no Discord needed).
# Needs root, apt-get and a running docker daemon (Debian's docker.io). Not part of tests/run.sh.
# Run once on a development machine (2026-12-03): step 1 worked (a 265 MB base image); step 2 stopped at
# `pip install .`, because pip inside the build did not trust the TLS chain that the host's pip trusts
# (the host's CA bundle is not in the image). Still to do: give the build that CA bundle or a package mirror.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

BASE=${HEARTH_BASE_IMAGE:-hearth-base:bookworm}
IMAGE=${HEARTH_IMAGE:-hearth:local}
step() { printf '\n==> %s\n' "$*"; }

if ! docker image inspect "$BASE" >/dev/null 2>&1; then
    step "Base image $BASE from Debian's packages (debootstrap)"
    command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap
    root=$(mktemp -d)
    trap 'rm -rf "$root"' EXIT
    mirror=$(awk '/^deb / {print $2; exit}' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true)
    debootstrap --variant=minbase --include=python3,python3-venv,python-is-python3,ca-certificates,passwd \
        bookworm "$root" "${mirror:-http://deb.debian.org/debian}"
    tar -C "$root" -c . | docker import - "$BASE"
fi

step "Image $IMAGE (Dockerfile on $BASE)"
# The host's pip settings (index mirrors, CA bundle) reach the build as build args only through pip's env.
docker build --network host --build-arg PYTHON_IMAGE="$BASE" \
    ${PIP_INDEX_URL:+--build-arg PIP_INDEX_URL="$PIP_INDEX_URL"} -t "$IMAGE" .

step "Start it: python -m bot check in the image, with a fresh volume"
volume=hearth-check-$$
docker volume create "$volume" >/dev/null
trap 'docker volume rm -f "$volume" >/dev/null 2>&1 || true' EXIT
docker run --rm -v "$volume":/app/data \
    -e DISCORD_TOKEN=MTAwMDAwMDAwMDAwMDAwMDAw.ZGVtbw.ZGVtby10b2tlbi1ub3QtYS1yZWFsLW9uZQ \
    -e HEARTH_SECRET_KEY="$(head -c 48 /dev/urandom | base64 | tr -d '/+=\n')" \
    "$IMAGE" sh -c 'python -m bot migrate && python -m bot check && ls -A /app/data'
echo "==> image $IMAGE builds and starts"
