#!/usr/bin/env bash
# Run the whole test suite against real services:  bash scripts/test.sh [pytest args…]
#
# Installs what is missing (Debian packages, .venv), starts a throw-away PostgreSQL cluster and Redis on
# 127.0.0.1 in temporary directories, runs the migrations check, ruff, the dependency contracts (lint-imports),
# mypy and pytest (arguments are passed to pytest, e.g. `bash scripts/test.sh -k scoring`), then stops the
# services and removes the directories,
# also on failure or Ctrl-C. Exits with pytest's status; "no tests collected" (5) counts as a failure.
#
# `bash scripts/test.sh --bench` starts the same services but runs the benchmarks instead of the tests
# (benchmarks/bench_scoring.py, then benchmarks/bench_pages.py, bench_batches.py, bench_recompute.py and
# bench_reports.py on the throw-away PostgreSQL and Redis, then the load benchmark benchmarks/bench_load.py on
# gunicorn: BENCH_LOAD_RATE requests/s, default 50, for BENCH_LOAD_SECONDS, default 60); arguments after --bench go
# to bench_batches.py (e.g. --timeline).
set -euo pipefail

BENCH=0
if [ "${1:-}" = "--bench" ]; then
    BENCH=1
    shift
fi

# shellcheck source=scripts/bootstrap.sh
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"

PG_TMP=""
RUN_TMP=""
PGDATA=""
PG_OWNER=""

# Run a PostgreSQL server program as the cluster owner (PostgreSQL refuses to run as root).
as_pg_owner() {
    if [ -n "$PG_OWNER" ]; then
        (cd "$PG_TMP" && runuser -u "$PG_OWNER" -- "$@")
    else
        "$@"
    fi
}

cleanup() {
    local status=$?
    set +e
    trap - EXIT INT TERM
    phase "Cleaning up"
    if [ -n "$RUN_TMP" ]; then
        local worker_pid_file
        for worker_pid_file in "$RUN_TMP"/celery-worker*.pid; do
            [ -f "$worker_pid_file" ] || continue
            kill "$(cat "$worker_pid_file")" 2>/dev/null && note "stopped a leftover Celery worker"
        done
        # private Redis servers of the broker-outage tests (indicators/tests/test_broker_outage.py)
        for worker_pid_file in "$RUN_TMP"/redis-private-*.pid; do
            [ -f "$worker_pid_file" ] || continue
            kill "$(cat "$worker_pid_file")" 2>/dev/null && note "stopped a leftover private Redis"
        done
    fi
    if [ -n "$PGDATA" ] && [ -f "$PGDATA/postmaster.pid" ]; then
        as_pg_owner "$PG_BIN/pg_ctl" -D "$PGDATA" -m immediate -w -t 20 stop >/dev/null 2>&1
        note "stopped PostgreSQL"
    fi
    if [ -n "$RUN_TMP" ] && [ -f "$RUN_TMP/redis.pid" ]; then
        local pid i
        pid="$(cat "$RUN_TMP/redis.pid")"
        kill "$pid" 2>/dev/null
        for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null
        note "stopped Redis"
    fi
    [ -n "$PG_TMP" ] && rm -rf "$PG_TMP"
    [ -n "$RUN_TMP" ] && rm -rf "$RUN_TMP"
    note "removed temporary directories"
    printf '\n==> [%3ss] %s (exit %s)\n' "$((SECONDS - _BOOTSTRAP_T0))" "$([ "$status" -eq 0 ] && echo PASSED || echo FAILED)" "$status"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

phase "System packages"
pg_packages=()
if ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
    pg_packages=(postgresql postgresql-client)
fi
# shellcheck disable=SC2046
ensure_packages $(venv_packages) "${pg_packages[@]}" redis-server chromium poppler-utils fonts-thai-tlwg \
    libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0

phase "Python environment (.venv)"
ensure_venv requirements-dev.txt

phase "PostgreSQL (throw-away cluster)"
# Debian's versioned binaries, newest first; /usr/local/bin may hold other copies.
PG_BIN="$(find /usr/lib/postgresql -path '*/bin/initdb' 2>/dev/null | sort -V | tail -n 1 | xargs -r dirname)"
if [ -z "$PG_BIN" ]; then
    PG_BIN="$(dirname "$(command -v initdb || die 'initdb not found')")"
fi
PG_TMP="$(mktemp -d "${TMPDIR:-/tmp}/dsdw-pg.XXXXXX")"
PGDATA="$PG_TMP/data"
if [ "$(id -u)" -eq 0 ]; then
    PG_OWNER=postgres
    id -u "$PG_OWNER" >/dev/null 2>&1 || die "running as root but there is no 'postgres' user to run PostgreSQL"
    chown "$PG_OWNER:" "$PG_TMP"
fi
PG_PORT="$(free_port 55432)"
as_pg_owner "$PG_BIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 --no-locale --no-sync >"$PG_TMP/initdb.log" 2>&1 \
    || { cat "$PG_TMP/initdb.log"; die "initdb failed"; }
# Listen on 127.0.0.1 only, socket in the temp dir; durability is pointless for a throw-away cluster.
as_pg_owner "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$PG_TMP/postgresql.log" -w -t 30 start -o \
    "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_TMP -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    >/dev/null || { cat "$PG_TMP/postgresql.log"; die "PostgreSQL did not start"; }
"$PG_BIN/psql" -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 \
    -c "CREATE ROLE dsdw_kpi LOGIN CREATEDB" -c "CREATE DATABASE dsdw_kpi OWNER dsdw_kpi" >/dev/null
export DATABASE_URL="postgres://dsdw_kpi@127.0.0.1:$PG_PORT/dsdw_kpi"
note "$("$PG_BIN/postgres" --version) on 127.0.0.1:$PG_PORT, data in $PGDATA"

phase "Redis (throw-away)"
RUN_TMP="$(mktemp -d "${TMPDIR:-/tmp}/dsdw-run.XXXXXX")"
REDIS_PORT="$(free_port 56379)"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
    --pidfile "$RUN_TMP/redis.pid" --dir "$RUN_TMP" --logfile "$RUN_TMP/redis.log" >/dev/null
for _ in $(seq 50); do
    [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ] && break
    sleep 0.1
done
[ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ] || { cat "$RUN_TMP/redis.log"; die "Redis did not start"; }
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
note "$(redis-server --version | cut -d' ' -f1-3) on 127.0.0.1:$REDIS_PORT"

# The environment of the checks and the tests.
export DEBUG=0
# A fresh strong key per run: the settings refuse short or placeholder keys when DEBUG is off.
SECRET_KEY="$(python3 -c 'import secrets; print(secrets.token_urlsafe(64))')"
export SECRET_KEY
export CHROMIUM_PATH="${CHROMIUM_PATH:-$(command -v chromium || echo /usr/bin/chromium)}"
export DSDW_TEST_RUN_DIR="$RUN_TMP"
# For the fault tests (a PostgreSQL restart, a backup and restore): the throw-away cluster and its binaries.
export DSDW_TEST_PG_BIN="$PG_BIN" DSDW_TEST_PGDATA="$PGDATA" DSDW_TEST_PG_OWNER="$PG_OWNER" DSDW_TEST_PG_PORT="$PG_PORT"
default_shared_dir
note "DATABASE_URL=$DATABASE_URL REDIS_URL=$REDIS_URL"
note "CHROMIUM_PATH=$CHROMIUM_PATH DSDW_SHARED_DIR=${DSDW_SHARED_DIR:-(settings default)}"

if [ "$BENCH" -eq 1 ]; then
    phase "Benchmark: scoring engine"
    python benchmarks/bench_scoring.py
    phase "Benchmark: entry and review pages (PostgreSQL)"
    DEBUG=1 python benchmarks/bench_pages.py
    phase "Benchmark: report batches on one and two Celery workers (PostgreSQL, Redis)"
    python benchmarks/bench_batches.py "$@"
    phase "Benchmark: recompute of a synthetic department year against the pure engine (PostgreSQL)"
    DEBUG=1 python benchmarks/bench_recompute.py
    phase "Benchmark: PDF documents, warm WeasyPrint against headless Chromium (PostgreSQL)"
    DEBUG=1 python benchmarks/bench_reports.py
    phase "Benchmark: load on gunicorn, open loop at ${BENCH_LOAD_RATE:-50} requests/s, then 50+5+2 users closed loop (PostgreSQL, Redis, a Celery worker)"
    python benchmarks/bench_load.py --rate "${BENCH_LOAD_RATE:-50}" --duration "${BENCH_LOAD_SECONDS:-60}"
    python benchmarks/bench_load.py --closed --duration "${BENCH_LOAD_SECONDS:-60}"
    exit 0
fi

phase "Migrations are up to date (makemigrations --check)"
python manage.py makemigrations --check --dry-run

phase "Lint (ruff check .)"
ruff check .

phase "Dependency rules (lint-imports, see .importlinter and docs/architecture.md)"
lint-imports --no-cache

phase "Types (mypy --strict with django-stubs: scoring, score inputs, selectors, services)"
mypy --strict indicators/scoring indicators/score_inputs.py indicators/year_structure.py indicators/selectors.py indicators/events.py indicators/services \
    reporting/services reporting/selectors.py reporting/errors.py outbox/services.py outbox/models.py outbox/celery_task.py

phase "Tests (pytest $*)"
set +e
python -m pytest "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
    printf '\nERROR: pytest collected no tests — treating that as a failure.\n' >&2
    status=1
fi
exit "$status"
