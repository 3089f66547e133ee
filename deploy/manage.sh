#!/usr/bin/env bash
# Run a manage.py command with the production settings:  sudo bash deploy/manage.sh createsuperuser
#
# Reads ENV_FILE (default /etc/dsdw-kpi/env, readable by root only) without evaluating it as shell code (values may
# contain spaces), then runs the command as the service user DSDW_SERVICE_USER (default dsdw-kpi), so the files it
# writes belong to the services.
set -euo pipefail

APP_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ENV_FILE="${ENV_FILE:-/etc/dsdw-kpi/env}"
[ -r "$ENV_FILE" ] || { echo "ERROR: cannot read $ENV_FILE (run with sudo)" >&2; exit 1; }
# shellcheck source=deploy/env_file.sh
source "$APP_DIR/deploy/env_file.sh"
env_file_load "$ENV_FILE"
cd "$APP_DIR"
user="${DSDW_SERVICE_USER:-dsdw-kpi}"
if [ "$(id -u)" -eq 0 ] && [ "$user" != root ] && id -u "$user" >/dev/null 2>&1; then
    HOME="$(getent passwd "$user" | cut -d: -f6)" USER="$user" LOGNAME="$user" \
        exec setpriv --reuid="$user" --regid="$user" --init-groups -- "$APP_DIR/.venv/bin/python" manage.py "$@"
fi
exec "$APP_DIR/.venv/bin/python" manage.py "$@"
