#!/usr/bin/env bash
# Start one DSDW KPI process in the foreground:  deploy/process.sh web|worker|beat
#
# Used by the systemd units (deploy/systemd/) and by the container supervisor (deploy/supervise.py), so both start
# exactly the same commands. The environment (the env file of scripts/serve.sh) must already be loaded. Run as root
# outside systemd, it drops to DSDW_SERVICE_USER (default dsdw-kpi) when that user exists.
set -euo pipefail

APP_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$APP_DIR"
VENV_DIR="${VENV_DIR:-$APP_DIR/.venv}"
STATE_DIR="${DSDW_STATE_DIR:-/var/lib/dsdw-kpi}"
export PYTHONUNBUFFERED=1

run() {
    local user="${DSDW_SERVICE_USER:-dsdw-kpi}"
    if [ "$(id -u)" -eq 0 ] && [ "$user" != root ] && id -u "$user" >/dev/null 2>&1; then
        # setpriv execs in place (runuser would stay as a parent and SIGKILL the child 2 s after a SIGTERM,
        # cutting short the worker's warm shutdown).
        HOME="$(getent passwd "$user" | cut -d: -f6)" USER="$user" LOGNAME="$user" \
            exec setpriv --reuid="$user" --regid="$user" --init-groups -- "$@"
    fi
    exec "$@"
}

case "${1:-}" in
    web)
        run "$VENV_DIR/bin/gunicorn" -c "$APP_DIR/deploy/gunicorn.conf.py" dsdw_kpi.wsgi:application
        ;;
    worker)
        # Queues: all four by default; one worker per queue on bigger installations (docs/deployment.md).
        run "$VENV_DIR/bin/celery" -A dsdw_kpi worker \
            -Q "${CELERY_WORKER_QUEUES:-celery,scores,documents,email}" \
            -c "${CELERY_WORKER_CONCURRENCY:-2}" \
            --max-tasks-per-child "${CELERY_WORKER_MAX_TASKS_PER_CHILD:-200}" \
            -n "${CELERY_WORKER_NAME:-worker}@%h" -l "${CELERY_LOG_LEVEL:-info}"
        ;;
    beat)
        # Exactly one beat for the whole installation; its schedule state lives in the state directory.
        run "$VENV_DIR/bin/celery" -A dsdw_kpi beat -l "${CELERY_LOG_LEVEL:-info}" \
            -s "${CELERY_BEAT_SCHEDULE_FILE:-$STATE_DIR/celerybeat-schedule}"
        ;;
    *)
        echo "usage: $0 web|worker|beat" >&2
        exit 2
        ;;
esac
