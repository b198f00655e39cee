#!/usr/bin/env bash
# Build Hearth's two images and start each once, printing what it measured:
#   bash tests/docker/build_and_start.sh          build, then start (check --offline, health check, demo)
#   bash tests/docker/build_and_start.sh build    build only (tests/docker/test_image.py uses this)
#
# 1. Base image: $HEARTH_BASE_IMAGE if set, else python:3.11-slim when it is here or can be pulled, else a
#    local Debian bookworm image made with debootstrap and `docker import` (for machines that reach no image
#    registry; needs root and Debian's debootstrap, installed with apt-get when missing).
# 2. The Dockerfile's two targets, hearth:local (the bot) and hearth-demo:local (the demo), built with
#    BuildKit. The host's pip settings reach pip inside the build as BuildKit secrets, never as layers:
#    its CA bundle (PIP_CERT, pip's `cert`, SSL_CERT_FILE or REQUESTS_CA_BUNDLE) and, when pip here uses
#    another index than the default, a pip.conf naming it.
# 3. Starts: `python -m bot migrate` and `check --offline` on a fresh volume, as uid 10001; the image's
#    HEALTHCHECK until Docker reports healthy; the demo until it prints its address and that address answers.
# Needs a running Docker daemon with BuildKit (Docker >= 20.10 or buildx).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

IMAGE=${HEARTH_IMAGE:-hearth:local}
DEMO_IMAGE=${HEARTH_DEMO_IMAGE:-hearth-demo:local}
LOCAL_BASE=${HEARTH_LOCAL_BASE:-hearth-base:bookworm}
step() { printf '\n==> %s\n' "$*"; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
cleanup=()
# Undone last first: a container goes before the volume it uses.
trap 'for ((i = ${#cleanup[@]} - 1; i >= 0; i--)); do eval "${cleanup[i]}" >/dev/null 2>&1 || true; done' EXIT

# A docker CLI that can build with BuildKit: buildx, or Docker 20.10's built-in builder.
docker=${DOCKER:-}
build=()
for cli in ${docker:-docker /usr/bin/docker}; do
    command -v "$cli" >/dev/null 2>&1 || continue
    if "$cli" buildx version >/dev/null 2>&1; then
        docker=$cli
        build=("$cli" buildx build --load)
        break
    elif DOCKER_BUILDKIT=1 "$cli" build --help 2>/dev/null | grep -q -- '--secret'; then
        docker=$cli
        build=(env DOCKER_BUILDKIT=1 "$cli" build)
        break
    fi
done
if [[ ${#build[@]} -eq 0 ]]; then
    echo "no docker CLI that builds with BuildKit (install buildx, or Debian's docker.io)" >&2
    exit 3
fi
if ! "$docker" info >/dev/null 2>&1; then
    echo "the Docker daemon is not reachable (start it: dockerd, or systemctl start docker)" >&2
    exit 3
fi

step "Base image"
base=${HEARTH_BASE_IMAGE:-}
if [[ -z "$base" ]]; then
    if "$docker" image inspect python:3.11-slim >/dev/null 2>&1 || "$docker" pull -q python:3.11-slim >/dev/null 2>&1
    then
        base=python:3.11-slim
    else
        base=$LOCAL_BASE
        echo "no image registry reachable: using $base, made here from Debian's packages"
    fi
fi
if ! "$docker" image inspect "$base" >/dev/null 2>&1; then
    [[ "$base" == "$LOCAL_BASE" ]] || { echo "base image $base not found" >&2; exit 3; }
    command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap
    root=$(mktemp -d)
    cleanup+=("rm -rf '$root'")
    mirror=$(awk '/^deb / {print $2; exit}' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true)
    started=$(now)
    debootstrap --variant=minbase --include=python3,python3-venv,python-is-python3,ca-certificates,passwd \
        bookworm "$root" "${mirror:-http://deb.debian.org/debian}"
    # Package lists, caches and docs are of no use in an image.
    rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/* "$root"/usr/share/doc/* "$root"/usr/share/man/*
    tar -C "$root" -c . | "$docker" import -c 'CMD ["python3"]' - "$base"
    echo "made $base in $(since "$started") s"
fi
echo "base: $base"

step "pip settings for the build (BuildKit secrets)"
secrets=()
pip=$(command -v pip3 || command -v pip || true)
ca=${PIP_CERT:-}
[[ -z "$ca" && -n "$pip" ]] && ca=$("$pip" config get global.cert 2>/dev/null || true)
ca=${ca:-${SSL_CERT_FILE:-${REQUESTS_CA_BUNDLE:-}}}
if [[ -n "$ca" && -f "$ca" ]]; then
    secrets+=(--secret "id=pip_ca,src=$ca")
    echo "CA bundle: $ca"
fi
index=${PIP_INDEX_URL:-}
[[ -z "$index" && -n "$pip" ]] && index=$("$pip" config get global.index-url 2>/dev/null || true)
if [[ "$index" == http* ]]; then
    conf=$(mktemp)
    cleanup+=("rm -f '$conf'")
    printf '[global]\nindex-url = %s\n' "$index" >"$conf"
    secrets+=(--secret "id=pip_conf,src=$conf")
    echo "index: given to the build as a secret (it may hold a password)"
fi
[[ ${#secrets[@]} -gt 0 ]] || echo "none: pip in the build uses its defaults"

for target in runtime demo; do
    tag=$IMAGE
    [[ $target == demo ]] && tag=$DEMO_IMAGE
    step "Build $tag (target $target)"
    started=$(now)
    "${build[@]}" --build-arg PYTHON_IMAGE="$base" "${secrets[@]}" --target "$target" -t "$tag" .
    size=$("$docker" image inspect -f '{{.Size}}' "$tag")
    echo "built $tag in $(since "$started") s; size $((size / 1000000)) MB"
done

[[ "${1:-}" == build ]] && exit 0

key=$(head -c 48 /dev/urandom | base64 | tr -d '/+=\n')
token=MTAwMDAwMDAwMDAwMDAwMDAw.ZGVtbw.ZGVtby10b2tlbi1ub3QtYS1yZWFsLW9uZQ

step "Start $IMAGE: migrate and check --offline on a fresh volume"
volume=hearth-check-$$
"$docker" volume create "$volume" >/dev/null
cleanup+=("$docker volume rm -f $volume")
"$docker" run --rm -v "$volume":/app/data -e DISCORD_TOKEN=$token -e HEARTH_SECRET_KEY="$key" "$IMAGE" \
    sh -c 'echo "runs as uid $(id -u)"; python -m bot migrate && python -m bot check --offline && ls -ln /app/data'

step "Health check of $IMAGE (the image's own HEALTHCHECK, run every second)"
# The bot itself would try to log in to Discord with a fake token; a sleeping container keeps the
# health check running against the same volume and settings. tests/docker/test_image.py runs the real
# bot against a Discord stand-in instead.
name=hearth-health-$$
cleanup+=("$docker rm -f $name")
"$docker" run -d --name "$name" -v "$volume":/app/data -e DISCORD_TOKEN=$token -e HEARTH_SECRET_KEY="$key" \
    --health-interval 1s --health-start-period 0s "$IMAGE" sleep 120 >/dev/null
started=$(now)
status=starting
while [[ "$status" == starting ]] && [[ $(since "$started" | cut -d. -f1) -lt 60 ]]; do
    sleep 0.5
    status=$("$docker" inspect -f '{{.State.Health.Status}}' "$name")
done
echo "health: $status after $(since "$started") s"
[[ "$status" == healthy ]] || { "$docker" inspect -f '{{json .State.Health}}' "$name"; exit 1; }

step "Start $DEMO_IMAGE (--network host: its address is on this machine's 127.0.0.1 only)"
name=hearth-demo-$$
cleanup+=("$docker rm -f $name")
started=$(now)
"$docker" run -d --name "$name" --network host "$DEMO_IMAGE" >/dev/null
url=
while [[ -z "$url" ]] && [[ $(since "$started" | cut -d. -f1) -lt 60 ]]; do
    sleep 0.2
    url=$("$docker" logs "$name" 2>&1 | grep -o 'http://127\.0\.0\.1:[0-9]*/[A-Za-z0-9_-]*/' | head -n 1 || true)
done
[[ -n "$url" ]] || { "$docker" logs "$name"; echo "the demo printed no address within 60 s" >&2; exit 1; }
echo "address printed $(since "$started") s after docker run"
code=$(curl -s -o /dev/null -w '%{http_code}' "$url" || true)
echo "the lobby answers HTTP $code"
[[ "$code" == 200 ]] || exit 1
"$docker" stop -t 10 "$name" >/dev/null
echo "stopped: exit code $("$docker" inspect -f '{{.State.ExitCode}}' "$name")"
echo
echo "==> $IMAGE and $DEMO_IMAGE build and start"
