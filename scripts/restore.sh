#!/usr/bin/env bash
# Restore a backup of scripts/backup.sh:  bash scripts/restore.sh BACKUP_DIRECTORY
#
# Into an EMPTY database (DATABASE_URL: create it first, e.g. `createdb -O dsdw_kpi dsdw_kpi`) and an empty
# PRIVATE_MEDIA_ROOT: it refuses a database that has any table, and a media directory that has any file, so it can
# never mix a backup with live data. Checks SHA256SUMS first, restores in one transaction (pg_restore --no-owner:
# the objects belong to DATABASE_URL's role), unpacks the private files (directories 0700, files 0600, owned by
# DSDW_SERVICE_USER when run as root and that user exists), then runs the smoke test: `migrate --check` (the code
# and the restored schema agree), `check`, and the number of users, units and results in the restored database.
#
# Stop the web server, worker and beat before restoring over a live installation's database (see
# docs/deployment.md, "Restore drill"). Settings as scripts/backup.sh (environment, else ENV_FILE).
set -euo pipefail
umask 077

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/backup_common.sh
source "$REPO_DIR/scripts/backup_common.sh"

[ $# -eq 1 ] || fail "usage: bash scripts/restore.sh BACKUP_DIRECTORY (one made by scripts/backup.sh)"
SOURCE="$(cd "$1" && pwd)" || fail "no backup directory $1"
load_settings
MEDIA_DIR="$(private_media_root)"
PYTHON="${VENV_DIR:-$REPO_DIR/.venv}/bin/python"

echo "==> checking $SOURCE"
[ -f "$SOURCE/database.dump" ] && [ -f "$SOURCE/private-media.tar.gz" ] && [ -f "$SOURCE/SHA256SUMS" ] \
    || fail "$SOURCE is not a backup of scripts/backup.sh (database.dump, private-media.tar.gz, SHA256SUMS)"
(cd "$SOURCE" && sha256sum --quiet --check SHA256SUMS) || fail "the backup's checksums do not match: it is damaged"

echo "==> the target must be empty: $(redacted_url "$DATABASE_URL"), $MEDIA_DIR"
relations="$("$PG_BIN/psql" -X -q -tA -v ON_ERROR_STOP=1 --dbname="$DATABASE_URL" -c "
    SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
      AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'")" \
    || fail "cannot connect to DATABASE_URL"
[ "$relations" = 0 ] || fail "the database is not empty ($relations tables, views or sequences): restore only into a new, empty database"
if [ -d "$MEDIA_DIR" ] && [ -n "$(find "$MEDIA_DIR" -mindepth 1 -print -quit)" ]; then
    fail "$MEDIA_DIR is not empty: restore the private files only into an empty directory"
fi

echo "==> pg_restore"
"$PG_BIN/pg_restore" --exit-on-error --single-transaction --no-owner --no-privileges \
    --dbname="$DATABASE_URL" "$SOURCE/database.dump" || fail "pg_restore failed; the database was left unchanged"

echo "==> private files into $MEDIA_DIR"
mkdir -p "$MEDIA_DIR"
tar -C "$MEDIA_DIR" -xzf "$SOURCE/private-media.tar.gz" --no-same-owner
find "$MEDIA_DIR" -type d -exec chmod 700 {} +
find "$MEDIA_DIR" -type f -exec chmod 600 {} +
user="${DSDW_SERVICE_USER:-dsdw-kpi}"
if [ "$(id -u)" -eq 0 ] && id -u "$user" >/dev/null 2>&1; then
    chown -R "$user:" "$MEDIA_DIR"
fi
echo "    $(find "$MEDIA_DIR" -type f | wc -l) files"

echo "==> smoke test"
cd "$REPO_DIR"
"$PYTHON" manage.py migrate --check >/dev/null || fail "the restored schema does not match this code's migrations (migrate --check)"
"$PYTHON" manage.py check --fail-level ERROR >/dev/null || fail "manage.py check failed"
"$PYTHON" manage.py shell --no-imports -c '
from django.contrib.auth import get_user_model
from indicators.models import OrgUnit, Result
print(f"    users={get_user_model().objects.count()} units={OrgUnit.objects.count()} results={Result.objects.count()}")
'
echo "restored $SOURCE"
