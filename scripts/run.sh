#!/usr/bin/env bash
# Start DSDW KPI with the FY2566 reference data, FY2564 results and demo users:  bash scripts/run.sh
#
# Quick start: DEBUG=1, SQLite (./db.sqlite3) and Celery tasks run in-process, unless you exported
# DATABASE_URL / REDIS_URL / DEBUG yourself. Safe to run again: every loader is idempotent.
set -euo pipefail

# shellcheck source=scripts/bootstrap.sh
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"

ADDR="${RUNSERVER_ADDR:-127.0.0.1:8000}"

# The URL people reach a runserver address at ("8000", "0:8000", "0.0.0.0:8000", "10.0.0.5:8000", "[::1]:8000"):
# a wildcard address becomes this machine's first IP address, so e-mailed links work from other computers too.
site_url_for() {
    local addr="$1" host port
    case "$addr" in
        *:*) host="${addr%:*}" port="${addr##*:}" ;;
        *) host=127.0.0.1 port="$addr" ;;
    esac
    case "$host" in
        "" | 0 | 0.0.0.0 | "[::]")
            host="$(hostname -I 2>/dev/null | awk '{print $1}' || true)"
            host="${host:-127.0.0.1}"
            [[ "$host" == *:* ]] && host="[$host]"
            ;;
    esac
    printf 'http://%s:%s\n' "$host" "$port"
}

phase "System packages"
# WeasyPrint (PDF reports) needs Pango and HarfBuzz; fonts-thai-tlwg is optional (Sarabun ships with the app).
# shellcheck disable=SC2046
ensure_packages $(venv_packages) libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0

phase "Python environment (.venv)"
ensure_venv requirements.txt

export DEBUG="${DEBUG:-1}"
if [ -z "${SITE_URL:-}" ]; then
    SITE_URL="$(site_url_for "$ADDR")"
    export SITE_URL
    note "e-mail links: $SITE_URL (the server's address; export SITE_URL=https://… to use another)"
else
    note "e-mail links: SITE_URL=$SITE_URL from your environment"
fi
default_shared_dir
if [ -z "${DATABASE_URL:-}" ]; then
    note "database: SQLite ${SQLITE_PATH:-$REPO_DIR/db.sqlite3} (export DATABASE_URL=postgres://… to use PostgreSQL)"
else
    note "database: DATABASE_URL from your environment"
fi
if [ -z "${REDIS_URL:-}" ]; then
    note "celery: tasks run in-process (export REDIS_URL=redis://… and start a worker to use Redis)"
else
    note "celery: REDIS_URL from your environment — start a worker: .venv/bin/celery -A dsdw_kpi worker -l info"
fi

phase "Database migrations"
python manage.py migrate --noinput

phase "FY2566 reference data (load_reference_data)"
python manage.py load_reference_data

phase "FY2564 results and annual book texts (load_fy2564)"
python manage.py load_fy2564

phase "Demo units, users and results (load_demo_data)"
python manage.py load_demo_data

phase "Starting the development server"
cat <<EOF

    DSDW KPI is starting at  http://${ADDR}/
      sign in:               http://${ADDR}/accounts/login/
      admin:                 http://${ADDR}/admin/
    Use a demo username and password from the table above. Stop with Ctrl-C.

EOF
exec python manage.py runserver "$ADDR"
