# syntax=docker/dockerfile:1
# Both stages must use the same Python image: the venv's interpreter
# symlinks point at /usr/local/bin/python3.11 of the base image.
ARG PYTHON_IMAGE=python:3.11-slim

# ---- builder: install hearth and its dependencies into a self-contained venv
FROM ${PYTHON_IMAGE} AS builder
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
# README* glob: pyproject's `readme` needs README.md for the build metadata.
COPY pyproject.toml README* ./
COPY bot/ bot/
COPY cogs/ cogs/
RUN pip install .

# ---- runtime: just Python, the venv and the bot
FROM ${PYTHON_IMAGE} AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1
# Fixed uid/gid so files in the data volume keep a stable owner across rebuilds.
RUN groupadd --system --gid 10001 hearth \
 && useradd --system --uid 10001 --gid hearth --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin hearth
WORKDIR /app
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
