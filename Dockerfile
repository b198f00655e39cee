# Hearth's image. Needs BuildKit (`docker buildx build`, or `DOCKER_BUILDKIT=1 docker build` on Docker 20.10).
#   docker build -t hearth .                  the bot (default target): runs `python -m bot`
#   docker build --target demo -t hearth-demo .   the browser demo: `docker run --rm --network host hearth-demo`
# Every Python package comes from a hashed lock (requirements.lock, and requirements-build.lock for the
# setuptools that builds hearth): pip refuses anything else.
#
# Behind a TLS-inspecting proxy or a private index, hand pip your settings as BuildKit secrets. They are
# mounted only while pip runs, in the build stages, and are in no layer of any image:
#   docker build --secret id=pip_ca,src=/etc/ssl/certs/ca-certificates.crt \
#                --secret id=pip_conf,src="$HOME/.config/pip/pip.conf" -t hearth .
# Both are optional; tests/docker/build_and_start.sh finds them on the host.
#
# No `# syntax=` line on purpose: it makes BuildKit pull a frontend image from a registry, and the
# built-in frontend already has RUN --mount.
#
# All stages must use the same Python image: the venv's interpreter symlinks point into it.
ARG PYTHON_IMAGE=python:3.11-slim

# ---- builder: the locked packages and hearth, in a self-contained venv
FROM ${PYTHON_IMAGE} AS builder
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
# Sourced before each pip run: use the secrets when they were given, ignore them otherwise.
RUN printf '%s\n' \
        'if [ -s /run/secrets/pip_conf ]; then export PIP_CONFIG_FILE=/run/secrets/pip_conf; fi' \
        'if [ -s /run/secrets/pip_ca ]; then export PIP_CERT=/run/secrets/pip_ca; fi' \
        > /opt/pip-secrets.sh
WORKDIR /src
# Dependencies first: this layer is rebuilt only when a lock changes, not on every code change.
# /opt/build holds the locked setuptools and wheel that build hearth below; it stays in this stage.
COPY requirements.lock requirements-build.lock ./
RUN --mount=type=secret,id=pip_conf --mount=type=secret,id=pip_ca \
    . /opt/pip-secrets.sh \
 && pip install --require-hashes -r requirements.lock \
 && python -m venv /opt/build \
 && /opt/build/bin/pip install --require-hashes -r requirements-build.lock
# README* glob: pyproject's `readme` needs README.md for the build metadata.
COPY pyproject.toml README* ./
COPY bot/ bot/
COPY cogs/ cogs/
# Offline: the wheel is built with /opt/build's setuptools (no isolated download), and --no-deps because
# everything hearth needs is already installed from the lock.
RUN /opt/build/bin/pip wheel --no-deps --no-build-isolation -w /tmp/wheels . \
 && pip install --no-deps /tmp/wheels/hearth-*.whl

# ---- demo_builder: the same venv plus the demo extra (SimCord and its preview's runtime)
FROM builder AS demo_builder
COPY requirements-demo.lock ./
RUN --mount=type=secret,id=pip_conf --mount=type=secret,id=pip_ca \
    . /opt/pip-secrets.sh && pip install --require-hashes -r requirements-demo.lock

# ---- base: Python and a non-root user, shared by both images
FROM ${PYTHON_IMAGE} AS base
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1
# Fixed uid/gid so files in the data volume keep a stable owner across rebuilds.
RUN groupadd --system --gid 10001 hearth \
 && useradd --system --uid 10001 --gid hearth --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin hearth
WORKDIR /app

# ---- demo: `python -m bot demo` on 127.0.0.1 inside the container. Run it with --network host so the
# address it prints opens on your machine's loopback and nowhere else (the address is a credential).
FROM base AS demo
COPY --from=demo_builder /opt/venv /opt/venv
USER hearth
# The demo stops cleanly on Ctrl-C and deletes its temporary data; `docker stop` sends the same.
STOPSIGNAL SIGINT
CMD ["python", "-m", "bot", "demo"]

# ---- runtime (default target): the bot
FROM base AS runtime
# Hearth runs from the installed package (code and shipped texts, read-only); no source copy here.
COPY --from=builder /opt/venv /opt/venv
COPY config.example.toml ./
# data/ holds only the database and the operator's own files. The shipped keywords, crisis resources
# and guidelines live in the package, so an upgraded image brings new ones even with an old volume.
RUN mkdir data && chown hearth:hearth data
# Declared after data/ is made and chowned, so a fresh named volume starts with that ownership.
VOLUME ["/app/data"]
USER hearth
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD python -m bot check --quiet || exit 1
CMD ["python", "-m", "bot"]
