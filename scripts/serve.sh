#!/usr/bin/env bash
# Production start of DSDW KPI on one Debian 12 machine:  sudo bash scripts/serve.sh [--foreground | --no-start]
#
# Installs the system packages it needs, creates .venv, reads its settings from an env file (ENV_FILE, default
# /etc/dsdw-kpi/env; created on the first run from .env.production.example with a generated SECRET_KEY, mode 0600),
# uses DATABASE_URL / REDIS_URL when given or else installs and starts a local PostgreSQL and Redis, migrates,
# collects the static files, loads the reference data (never the demo data), creates the first administrator
# (DSDW_ADMIN_USERNAME / DSDW_ADMIN_EMAIL / DSDW_ADMIN_PASSWORD, or asked on the terminal), then starts gunicorn,
# a Celery worker and Celery beat:
#   - as systemd services (deploy/systemd/, plus a nightly backup timer) when systemd runs the machine;
#   - otherwise, or with --foreground, as supervised foreground processes (deploy/supervise.py; for containers).
# --no-start does everything but the start. Running it again upgrades in place (pip, migrations, static files,
# reference data, units) and restarts the services. docs/deployment.md explains every step and variable.
set -euo pipefail

# The services run as an unprivileged user: the virtualenv is built on Debian's Python, which every user may run
# (a Python under /root, e.g. pyenv, is not). PYTHON=… chooses another.
if [ -z "${PYTHON:-}" ] && [ -x /usr/bin/python3 ]; then
    export PYTHON=/usr/bin/python3
fi
# shellcheck source=scripts/bootstrap.sh
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
# shellcheck source=deploy/env_file.sh
source "$REPO_DIR/deploy/env_file.sh"

MODE=auto
for arg in "$@"; do
    case "$arg" in
        --foreground) MODE=foreground ;;
        --no-start) MODE=none ;;
        -h | --help) sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown argument: $arg (use --foreground, --no-start or --help)" ;;
    esac
done

[ "$(id -u)" -eq 0 ] || die "the production start configures system services: run it as root (sudo bash scripts/serve.sh)"

ENV_FILE="${ENV_FILE:-/etc/dsdw-kpi/env}"
SERVICE_USER="${DSDW_SERVICE_USER:-dsdw-kpi}"
STATE_DIR="${DSDW_STATE_DIR:-/var/lib/dsdw-kpi}"
EXAMPLE_FILE="$REPO_DIR/.env.production.example"
# Variables taken from the command line's environment into the env file on every run (so the systemd units, which
# read only the file, see them too). Anything else: edit the env file.
PASSED_KEYS=(
    DATABASE_URL REDIS_URL ALLOWED_HOSTS CSRF_TRUSTED_ORIGINS SITE_URL
    SECURE_SSL_REDIRECT SESSION_COOKIE_SECURE CSRF_COOKIE_SECURE SECURE_HSTS_SECONDS SECURE_PROXY_SSL_HEADER
    GUNICORN_BIND GUNICORN_WORKERS GUNICORN_THREADS GUNICORN_TIMEOUT GUNICORN_MAX_REQUESTS GUNICORN_ACCESS_LOG
    CELERY_WORKER_QUEUES CELERY_WORKER_CONCURRENCY
    EMAIL_BACKEND EMAIL_HOST EMAIL_PORT EMAIL_HOST_USER EMAIL_HOST_PASSWORD EMAIL_USE_TLS DEFAULT_FROM_EMAIL
    MEDIA_ROOT PRIVATE_MEDIA_ROOT STATIC_ROOT BACKUP_DIR BACKUP_KEEP LOG_LEVEL
)

systemd_runs_machine() {
    [ -d /run/systemd/system ] && [ "$(ps -p 1 -o comm= 2>/dev/null)" = systemd ]
}

random_secret() {  # $1 bytes of randomness, URL-safe characters only
    head -c "$1" /dev/urandom | base64 -w0 | tr '+/' '-_' | tr -d '='
}

# ---- the env file (KEY=VALUE lines, the format of systemd's EnvironmentFile) ------------------------------------

env_file_get() {
    [ -f "$ENV_FILE" ] || return 0
    K="$1" awk -F= '$1 == ENVIRON["K"] { sub(/^[^=]*=/, ""); value = $0 } END { printf "%s", value }' "$ENV_FILE"
}

env_file_set() {
    local tmp
    tmp="$(mktemp "$ENV_FILE.XXXXXX")"
    K="$1" V="$2" awk '
        BEGIN { done = 0 }
        index($0, ENVIRON["K"] "=") == 1 { if (!done) print ENVIRON["K"] "=" ENVIRON["V"]; done = 1; next }
        { print }
        END { if (!done) print ENVIRON["K"] "=" ENVIRON["V"] }' "$ENV_FILE" >"$tmp"
    chmod 600 "$tmp"
    mv "$tmp" "$ENV_FILE"
}

env_file_unset() {
    local tmp
    tmp="$(mktemp "$ENV_FILE.XXXXXX")"
    K="$1" awk 'index($0, ENVIRON["K"] "=") == 1 { print "# " $0 "   (not set: scripts/serve.sh starts a local service)"; next } { print }' \
        "$ENV_FILE" >"$tmp"
    chmod 600 "$tmp"
    mv "$tmp" "$ENV_FILE"
}

# Export every KEY=VALUE of the env file (deploy/env_file.sh: no shell evaluation).
load_env_file() {
    env_file_load "$ENV_FILE"
}

create_env_file() {
    [ -f "$EXAMPLE_FILE" ] || die "$EXAMPLE_FILE is missing: it is the template of the env file"
    install -d -m 0750 "$(dirname "$ENV_FILE")"
    (umask 077 && cp "$EXAMPLE_FILE" "$ENV_FILE")
    chmod 600 "$ENV_FILE"
    env_file_set SECRET_KEY "$(random_secret 64)"
    env_file_set DEBUG 0
    # The example's database and broker are placeholders: given ones are written below, else local services.
    env_file_unset DATABASE_URL
    env_file_unset REDIS_URL
    env_file_set MEDIA_ROOT "$STATE_DIR/media"
    env_file_set PRIVATE_MEDIA_ROOT "$STATE_DIR/private"
    env_file_set STATIC_ROOT "$STATE_DIR/static"
    env_file_set BACKUP_DIR /var/backups/dsdw-kpi
    note "created $ENV_FILE (mode 0600) from .env.production.example with a new SECRET_KEY"
}

phase "Environment file ($ENV_FILE)"
if [ -f "$ENV_FILE" ]; then
    note "using $ENV_FILE"
else
    create_env_file
fi
chmod 600 "$ENV_FILE"
for key in "${PASSED_KEYS[@]}"; do
    if [ -n "${!key:-}" ] && [ "$(env_file_get "$key")" != "${!key}" ]; then
        env_file_set "$key" "${!key}"
        note "$key taken from the command line into $ENV_FILE"
    fi
done
# A database or broker given on the command line replaces the local one a previous run set up.
[ -n "${DATABASE_URL:-}" ] && env_file_set DSDW_LOCAL_POSTGRESQL 0
[ -n "${REDIS_URL:-}" ] && env_file_set DSDW_LOCAL_REDIS 0
load_env_file
case "${DEBUG:-0}" in
    0 | false | False | no | off | "") ;;
    *) die "DEBUG=$DEBUG in $ENV_FILE: the production start runs with DEBUG=0 only (use scripts/run.sh to try it)" ;;
esac
export DEBUG=0
LOCAL_POSTGRESQL=0
LOCAL_REDIS=0
if [ -z "${DATABASE_URL:-}" ] || [ "${DSDW_LOCAL_POSTGRESQL:-0}" = 1 ]; then LOCAL_POSTGRESQL=1; fi
if [ -z "${REDIS_URL:-}" ] || [ "${DSDW_LOCAL_REDIS:-0}" = 1 ]; then LOCAL_REDIS=1; fi
note "database: $([ "$LOCAL_POSTGRESQL" = 1 ] && echo 'local PostgreSQL' || echo 'DATABASE_URL of the env file')"
note "broker:   $([ "$LOCAL_REDIS" = 1 ] && echo 'local Redis' || echo 'REDIS_URL of the env file')"

phase "System packages"
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 postgresql-client)
[ "$LOCAL_POSTGRESQL" = 1 ] && packages+=(postgresql)
[ "$LOCAL_REDIS" = 1 ] && packages+=(redis-server)
# shellcheck disable=SC2046
ensure_packages $(venv_packages) "${packages[@]}"

phase "Service user and directories"
if ! id -u "$SERVICE_USER" >/dev/null 2>&1; then
    useradd --system --user-group --home-dir "$STATE_DIR" --no-create-home --shell /usr/sbin/nologin "$SERVICE_USER"
    note "created the system user $SERVICE_USER"
fi
MEDIA_ROOT="${MEDIA_ROOT:-$STATE_DIR/media}" PRIVATE_MEDIA_ROOT="${PRIVATE_MEDIA_ROOT:-$STATE_DIR/private}"
BACKUP_DIR="${BACKUP_DIR:-/var/backups/dsdw-kpi}"
export MEDIA_ROOT PRIVATE_MEDIA_ROOT BACKUP_DIR
install -d -m 0750 -o "$SERVICE_USER" -g "$SERVICE_USER" "$STATE_DIR" "$MEDIA_ROOT"
install -d -m 0700 -o "$SERVICE_USER" -g "$SERVICE_USER" "$PRIVATE_MEDIA_ROOT" "$BACKUP_DIR"
runuser -u "$SERVICE_USER" -- test -r "$REPO_DIR/manage.py" \
    || die "the service user $SERVICE_USER cannot read $REPO_DIR: install the application where it can (e.g. /opt/dsdw-kpi)"
note "user $SERVICE_USER; state $STATE_DIR; private files $PRIVATE_MEDIA_ROOT; backups $BACKUP_DIR"

phase "Python environment (.venv)"
service_user_runs_venv() { runuser -u "$SERVICE_USER" -- "$VENV_DIR/bin/python" -c '' 2>/dev/null; }
if [ -x "$VENV_DIR/bin/python" ] && ! service_user_runs_venv; then
    die "$SERVICE_USER cannot run $VENV_DIR/bin/python ($(readlink -f "$VENV_DIR/bin/python")): remove $VENV_DIR and run again (it is rebuilt on $PYTHON_BIN)"
fi
ensure_venv requirements.txt
service_user_runs_venv || die "$SERVICE_USER cannot run $VENV_DIR/bin/python: build the virtualenv with a Python every user may run (PYTHON=/usr/bin/python3)"

phase "PostgreSQL"
start_local_postgresql() {
    if systemd_runs_machine; then
        systemctl enable --now postgresql >/dev/null
    else
        local version cluster
        while read -r version cluster _; do
            pg_ctlcluster "$version" "$cluster" status >/dev/null 2>&1 || pg_ctlcluster "$version" "$cluster" start
        done < <(pg_lsclusters --no-header)
    fi
    for _ in $(seq 60); do
        runuser -u postgres -- psql -X -q -d postgres -c 'SELECT 1' >/dev/null 2>&1 && return 0
        sleep 0.5
    done
    die "the local PostgreSQL did not start (pg_lsclusters; /var/log/postgresql/)"
}
if [ "$LOCAL_POSTGRESQL" = 1 ]; then
    [ -n "$(pg_lsclusters --no-header 2>/dev/null)" ] || die "the postgresql package created no cluster (pg_createcluster)"
    start_local_postgresql
    pg_port="$(pg_lsclusters --no-header | awk 'NR == 1 { print $3 }')"
    db_password="$(env_file_get DSDW_LOCAL_POSTGRESQL_PASSWORD)"
    if [ -z "$db_password" ]; then
        db_password="$(random_secret 24)"
        env_file_set DSDW_LOCAL_POSTGRESQL_PASSWORD "$db_password"
    fi
    pg_sql() { runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -d postgres -tA "$@"; }
    if [ "$(pg_sql -c "SELECT 1 FROM pg_roles WHERE rolname = 'dsdw_kpi'")" != 1 ]; then
        pg_sql -c "CREATE ROLE dsdw_kpi LOGIN" >/dev/null
        note "created the role dsdw_kpi"
    fi
    pg_sql -c "ALTER ROLE dsdw_kpi PASSWORD '$db_password'" >/dev/null
    if [ "$(pg_sql -c "SELECT 1 FROM pg_database WHERE datname = 'dsdw_kpi'")" != 1 ]; then
        pg_sql -c "CREATE DATABASE dsdw_kpi OWNER dsdw_kpi ENCODING 'UTF8' TEMPLATE template0" >/dev/null
        note "created the database dsdw_kpi"
    fi
    export DATABASE_URL="postgres://dsdw_kpi:$db_password@127.0.0.1:$pg_port/dsdw_kpi"
    env_file_set DATABASE_URL "$DATABASE_URL"
    env_file_set DSDW_LOCAL_POSTGRESQL 1
    note "local PostgreSQL $(pg_lsclusters --no-header | awk 'NR == 1 { print $1 "/" $2 }') on 127.0.0.1:$pg_port, database dsdw_kpi"
fi
"$VENV_DIR/bin/python" - <<'PY' || die "cannot connect to DATABASE_URL (see above)"
import os, sys
import psycopg2
try:
    psycopg2.connect(os.environ["DATABASE_URL"], connect_timeout=10).close()
except psycopg2.Error as error:
    sys.exit(f"    {error}".rstrip())
PY
note "DATABASE_URL answers"

phase "Redis"
if [ "$LOCAL_REDIS" = 1 ]; then
    if systemd_runs_machine; then
        systemctl enable --now redis-server >/dev/null
    elif [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" != PONG ]; then
        service redis-server start >/dev/null 2>&1 \
            || runuser -u redis -- redis-server /etc/redis/redis.conf --daemonize yes
    fi
    for _ in $(seq 50); do
        [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = PONG ] && break
        sleep 0.2
    done
    [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = PONG ] || die "the local Redis did not start (/var/log/redis/)"
    export REDIS_URL=redis://127.0.0.1:6379/0
    env_file_set REDIS_URL "$REDIS_URL"
    env_file_set DSDW_LOCAL_REDIS 1
    note "local $(redis-server --version | cut -d' ' -f1-3) on 127.0.0.1:6379"
fi

phase "Django: checks, migrations, static files"
default_shared_dir
manage() { "$VENV_DIR/bin/python" manage.py "$@"; }
manage check --fail-level ERROR
manage check --deploy --fail-level ERROR 2>&1 | sed 's/^/    /' || true
manage migrate --noinput
manage collectstatic --noinput -v 0
note "static files collected into $(manage shell --no-imports -c 'from django.conf import settings; print(settings.STATIC_ROOT)')"

phase "Reference data (load_reference_data, load_fy2564; never the demo data)"
manage load_reference_data
manage load_fy2564

phase "First administrator"
"$VENV_DIR/bin/python" deploy/create_admin.py || die "no administrator: see the message above"
# Files written by the commands above (run as root) belong to the service user.
chown -R "$SERVICE_USER:" "$STATE_DIR" "$MEDIA_ROOT" "$PRIVATE_MEDIA_ROOT"

bind_address() { printf '%s' "${GUNICORN_BIND:-127.0.0.1:8000}" | cut -d, -f1 | sed 's/^0\.0\.0\.0:/127.0.0.1:/'; }

# Wait up to $1 seconds for /healthz/ to answer 200; print what it says.
wait_for_health() {
    "$VENV_DIR/bin/python" - "$(bind_address)" "${ALLOWED_HOSTS:-localhost}" "$1" <<'PY'
import json, sys, time, urllib.error, urllib.request
address, hosts, timeout = sys.argv[1], sys.argv[2], float(sys.argv[3])
host = next((h.strip().lstrip(".") for h in hosts.split(",") if h.strip() and h.strip() != "*"), "localhost")
request = urllib.request.Request(f"http://{address}/healthz/", headers={"Host": host, "X-Forwarded-Proto": "https"})
deadline, last = time.monotonic() + timeout, "no answer"
while time.monotonic() < deadline:
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            print(f"    /healthz/ {response.status}: {response.read().decode()[:300]}")
            sys.exit(0)
    except urllib.error.HTTPError as error:
        last = f"{error.code}: {error.read().decode()[:300]}"
    except OSError as error:
        last = str(error)
    time.sleep(1)
print(f"    /healthz/ not healthy after {timeout:.0f}s ({last})")
sys.exit(1)
PY
}

install_units() {
    local writable="$STATE_DIR $MEDIA_ROOT $PRIVATE_MEDIA_ROOT" unit
    for unit in "$REPO_DIR"/deploy/systemd/*; do
        sed -e "s|@APP_DIR@|$REPO_DIR|g" -e "s|@ENV_FILE@|$ENV_FILE|g" -e "s|@SERVICE_USER@|$SERVICE_USER|g" \
            -e "s|@STATE_DIR@|$STATE_DIR|g" -e "s|@WRITABLE_PATHS@|$writable|g" -e "s|@BACKUP_DIR@|$BACKUP_DIR|g" \
            "$unit" >"/etc/systemd/system/$(basename "$unit")"
    done
    systemctl daemon-reload
    systemctl enable dsdw-kpi.target dsdw-kpi-web.service dsdw-kpi-worker.service dsdw-kpi-beat.service \
        dsdw-kpi-backup.timer >/dev/null 2>&1
}

case "$MODE" in
    none)
        phase "Done (--no-start): start with  bash scripts/serve.sh  or  bash scripts/serve.sh --foreground"
        ;;
    auto | foreground)
        if [ "$MODE" = auto ] && systemd_runs_machine; then
            phase "Starting the systemd services (dsdw-kpi.target, dsdw-kpi-backup.timer)"
            install_units
            systemctl restart dsdw-kpi.target
            systemctl start dsdw-kpi-backup.timer
            wait_for_health 60 || { systemctl --no-pager status 'dsdw-kpi-*' | tail -n 40; die "the services are not healthy"; }
            cat <<EOF

    DSDW KPI runs as systemd services on ${GUNICORN_BIND:-127.0.0.1:8000} (put the reverse proxy of
    docs/deployment.md in front of it).  Logs: journalctl -u 'dsdw-kpi-*' -f
    Status: systemctl status dsdw-kpi.target   Restart: systemctl restart dsdw-kpi.target
EOF
        else
            phase "Starting gunicorn, the Celery worker and Celery beat in the foreground (Ctrl-C or SIGTERM stops all)"
            if "$VENV_DIR/bin/python" -c "import socket,sys; h,p=sys.argv[1].rsplit(':',1); socket.create_connection((h,int(p)),1)" \
                "$(bind_address)" 2>/dev/null; then
                die "something already listens on $(bind_address): stop the running DSDW KPI first"
            fi
            export DSDW_SERVICE_USER="$SERVICE_USER" DSDW_STATE_DIR="$STATE_DIR"
            (sleep 2 && wait_for_health 60 >&2 || true) &
            umask 077
            exec "$VENV_DIR/bin/python" "$REPO_DIR/deploy/supervise.py"
        fi
        ;;
esac
