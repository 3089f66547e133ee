# Shared helpers for scripts/backup.sh and scripts/restore.sh (sourced, not executed; REPO_DIR must be set).
# shellcheck shell=bash

# shellcheck source=deploy/env_file.sh
source "$REPO_DIR/deploy/env_file.sh"

fail() {
    printf 'ERROR: %s\n' "$*" >&2
    exit 1
}

# DATABASE_URL etc. from the environment; the env file fills in what the environment does not set.
load_settings() {
    local env_file="${ENV_FILE:-/etc/dsdw-kpi/env}"
    if [ -r "$env_file" ]; then
        env_file_load "$env_file" keep
    fi
    case "${DATABASE_URL:-}" in
        postgres://* | postgresql://*) ;;
        *) fail "DATABASE_URL must be a postgres:// URL (set it or ENV_FILE)" ;;
    esac
    if [ -z "${PG_BIN:-}" ]; then
        PG_BIN="$(find /usr/lib/postgresql -path '*/bin/pg_dump' 2>/dev/null | sort -V | tail -n 1 | xargs -r dirname)"
        [ -n "$PG_BIN" ] || PG_BIN="$(dirname "$(command -v pg_dump || fail 'pg_dump not found (apt-get install postgresql-client)')")"
    fi
    [ -x "$PG_BIN/pg_dump" ] || fail "no pg_dump in $PG_BIN"
}

# PRIVATE_MEDIA_ROOT as Django resolves it (the environment, else the settings' default).
private_media_root() {
    if [ -n "${PRIVATE_MEDIA_ROOT:-}" ]; then
        printf '%s\n' "$PRIVATE_MEDIA_ROOT"
        return
    fi
    local python="${VENV_DIR:-$REPO_DIR/.venv}/bin/python"
    (cd "$REPO_DIR" && DJANGO_SETTINGS_MODULE=dsdw_kpi.settings "$python" -c \
        'import django; django.setup(); from django.conf import settings; print(settings.PRIVATE_MEDIA_ROOT)' \
        2>/dev/null) || fail "cannot read PRIVATE_MEDIA_ROOT from Django's settings: set PRIVATE_MEDIA_ROOT"
}

redacted_url() {
    printf '%s' "$1" | sed -E 's#(://[^:/@]+):[^@]*@#\1:***@#'
}
