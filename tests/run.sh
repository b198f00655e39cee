#!/usr/bin/env bash
# The project's one test command, for newcomers and CI alike:
#   bash tests/run.sh [extra pytest args...]
# Works from a fresh clone on a fresh machine: makes .venv, installs the
# locked packages (requirements-dev.lock) and the package itself, installs PostgreSQL and chromium if needed (root + apt only),
# then runs ruff, ruff format, mypy, lint-imports, the duplicate-code check and pytest.  Exits non-zero if any fails.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

VENV=.venv
PY="$VENV/bin/python"
step() { printf '\n==> %s\n' "$*"; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }
is_root() { [[ "$(id -u)" -eq 0 ]]; }
have_apt() { command -v apt-get >/dev/null 2>&1; }

apt_install() {
    # Only as root: never prompt for sudo in the middle of a test run.
    is_root && have_apt || return 1
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# Same search as tests/support/postgres.py: PATH, then /usr/lib/postgresql/*/bin.
have_postgres() {
    if command -v initdb >/dev/null 2>&1 && command -v postgres >/dev/null 2>&1; then
        return 0
    fi
    local d
    for d in /usr/lib/postgresql/*/bin; do
        [[ -x "$d/initdb" && -x "$d/postgres" && -x "$d/pg_ctl" ]] && return 0
    done
    return 1
}

step "Python virtualenv ($VENV)"
# A venv without pip (e.g. python3-venv was missing when it was made) is broken: redo it.
if [[ -x "$PY" ]] && ! "$PY" -m pip --version >/dev/null 2>&1; then
    warn "$VENV is broken (no pip); recreating it"
    rm -rf "$VENV"
fi
if [[ ! -x "$PY" ]]; then
    if ! python3 -m venv "$VENV"; then
        # Debian ships venv support separately.
        rm -rf "$VENV"
        apt_install python3-venv || { echo "python3 -m venv failed; install python3-venv" >&2; exit 1; }
        python3 -m venv "$VENV"
    fi
fi
"$PY" --version

step "Install the pinned packages (requirements-dev.lock), then hearth itself (-e . --no-deps)"
# The lock is hashed: pip refuses any file that differs from the one locked. --no-deps keeps pyproject's
# looser ranges from pulling anything the lock did not choose (tests/core/test_lockfiles.py keeps them in step).
"$PY" -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
"$PY" -m pip install --quiet --disable-pip-version-check --no-deps -e .

step "PostgreSQL binaries"
if [[ "${CI:-}" == "true" ]]; then
    # The conftest turns "PostgreSQL missing" from a skip into a failure.
    export HEARTH_REQUIRE_POSTGRES=1
fi
if have_postgres; then
    echo "found"
elif is_root && have_apt; then
    echo "not found; installing the Debian 'postgresql' package"
    # The server is only used as a throwaway per-run cluster; an install
    # failure is reported here and (in CI) fails the PostgreSQL tests.
    apt_install postgresql || warn "apt-get install postgresql failed"
    have_postgres || warn "PostgreSQL still missing: the PostgreSQL suite will be skipped${HEARTH_REQUIRE_POSTGRES:+ (and fail, since HEARTH_REQUIRE_POSTGRES=1)}"
else
    warn "PostgreSQL not found and cannot install it (needs root + apt-get): the PostgreSQL suite will be skipped${HEARTH_REQUIRE_POSTGRES:+ (and fail, since HEARTH_REQUIRE_POSTGRES=1)}"
fi

step "Chromium (the demo's browser test drives Debian's chromium; never a downloaded browser)"
# In CI (CI=true) the browser tests fail when chromium is missing; elsewhere they are skipped with the reason.
browser_tests="be skipped"
[[ "${CI:-}" == "true" ]] && browser_tests="fail"
if command -v chromium >/dev/null 2>&1 || [[ -x /usr/bin/chromium ]]; then
    echo "found"
elif is_root && have_apt; then
    echo "not found; installing the Debian 'chromium' package"
    apt_install chromium || warn "apt-get install chromium failed: the demo's browser tests will $browser_tests"
else
    warn "chromium not found and cannot install it (needs root + apt-get): the demo's browser tests will $browser_tests"
fi

step "Node.js (the scale-out tests run the REST proxy, deploy/rest-proxy, with Debian's nodejs)"
# In CI (CI=true) the proxy tests fail when node or npm is missing; elsewhere they are skipped with the reason.
proxy_tests="be skipped"
[[ "${CI:-}" == "true" ]] && proxy_tests="fail"
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
    echo "found"
elif is_root && have_apt; then
    echo "not found; installing the Debian 'nodejs' and 'npm' packages"
    apt_install nodejs npm || warn "apt-get install nodejs npm failed: the REST proxy tests will $proxy_tests"
else
    warn "node/npm not found and cannot install them (needs root + apt-get): the REST proxy tests will $proxy_tests"
fi

# Run every check even if an earlier one fails, so one run shows everything.
failed=()
run_step() {
    local name=$1
    shift
    step "$name"
    local rc=0
    "$@" || rc=$?
    if [[ $rc -ne 0 ]]; then
        echo "FAILED: $name (exit $rc)" >&2
        failed+=("$name")
    fi
    return 0
}

duplicate_code() {
    # Exact copies of 6+ lines (imports, signatures and docstrings ignored) in the shipped code.
    # Same-shape code with other names is a judgement call, reviewed with `duplicates` (CONTRIBUTING.md).
    git ls-files -z 'bot/*.py' 'cogs/*.py' | xargs -0 "$VENV/bin/pylint" --disable=all --enable=duplicate-code \
        --min-similarity-lines=6 --ignore-imports=y --ignore-signatures=y --ignore-docstrings=y --score=n
}

run_pytest() {
    local rc=0
    "$PY" -m pytest "$@" || rc=$?
    # 5 = no tests collected: a broken path/filter, never a pass.
    if [[ $rc -eq 5 ]]; then
        echo "pytest collected no tests" >&2
    fi
    return "$rc"
}

run_step "ruff check ." "$VENV/bin/ruff" check .
run_step "ruff format --check ." "$VENV/bin/ruff" format --check .
run_step "mypy" "$VENV/bin/mypy"
run_step "lint-imports (.importlinter)" "$VENV/bin/lint-imports"
run_step "duplicate code (pylint symilar)" duplicate_code
run_step "pytest $*" run_pytest "$@"

echo
if [[ ${#failed[@]} -gt 0 ]]; then
    printf '==> FAILED: %s\n' "$(IFS=,; echo "${failed[*]}" | sed 's/,/, /g')"
    exit 1
fi
echo "==> All checks passed"
