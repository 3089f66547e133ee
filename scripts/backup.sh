#!/usr/bin/env bash
# Back up DSDW KPI:  bash scripts/backup.sh [BACKUP_DIR]
#
# Writes BACKUP_DIR/dsdw-kpi-YYYYmmdd-HHMMSS/ (directory 0700, files 0600) with
#   database.dump         pg_dump -Fc of DATABASE_URL (restore with scripts/restore.sh into an empty database)
#   private-media.tar.gz  the private files (evidence, generated reports) under PRIVATE_MEDIA_ROOT
#   SHA256SUMS, manifest.txt
# then keeps the newest BACKUP_KEEP backups (default 14) and deletes older ones. A backup is written under a
# .partial name and renamed when complete, so an interrupted run never counts as a backup.
#
# Settings come from the environment, or from ENV_FILE (default /etc/dsdw-kpi/env) when it is readable:
# DATABASE_URL, PRIVATE_MEDIA_ROOT (default: Django's setting), BACKUP_DIR (default /var/backups/dsdw-kpi),
# BACKUP_KEEP, PG_BIN (directory of pg_dump; default the newest /usr/lib/postgresql/*/bin, which must not be older
# than the server).
set -euo pipefail
umask 077

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/backup_common.sh
source "$REPO_DIR/scripts/backup_common.sh"

load_settings
BACKUP_DIR="${1:-${BACKUP_DIR:-/var/backups/dsdw-kpi}}"
BACKUP_KEEP="${BACKUP_KEEP:-14}"
[[ "$BACKUP_KEEP" =~ ^[1-9][0-9]*$ ]] || fail "BACKUP_KEEP must be a positive number, not '$BACKUP_KEEP'"
MEDIA_DIR="$(private_media_root)"

mkdir -p "$BACKUP_DIR"
chmod 700 "$BACKUP_DIR"
NAME="dsdw-kpi-$(date +%Y%m%d-%H%M%S)"
TARGET="$BACKUP_DIR/$NAME"
PARTIAL="$TARGET.partial"
[ ! -e "$TARGET" ] || fail "$TARGET exists already (two backups in the same second?)"
rm -rf "$PARTIAL"
mkdir -m 700 "$PARTIAL"
trap 'rm -rf "$PARTIAL"' EXIT

started=$SECONDS
"$PG_BIN/pg_dump" --format=custom --compress=6 --no-owner --no-privileges --file="$PARTIAL/database.dump" \
    --dbname="$DATABASE_URL" || fail "pg_dump failed"
if [ -d "$MEDIA_DIR" ]; then
    tar -C "$MEDIA_DIR" -czf "$PARTIAL/private-media.tar.gz" . || fail "tar of $MEDIA_DIR failed"
else
    tar -czf "$PARTIAL/private-media.tar.gz" --files-from /dev/null
fi
{
    echo "created=$(date -Iseconds)"
    echo "host=$(hostname)"
    echo "database=$(redacted_url "$DATABASE_URL")"
    echo "pg_dump=$("$PG_BIN/pg_dump" --version)"
    echo "private_media_root=$MEDIA_DIR"
    echo "private_media_files=$(find "$MEDIA_DIR" -type f 2>/dev/null | wc -l)"
    echo "app_commit=$(git -C "$REPO_DIR" rev-parse HEAD 2>/dev/null || echo unknown)"
} >"$PARTIAL/manifest.txt"
(cd "$PARTIAL" && sha256sum database.dump private-media.tar.gz manifest.txt >SHA256SUMS)
chmod 600 "$PARTIAL"/*
# Run by hand as root: the backup belongs to the service user, whose nightly timer rotates it later.
service_user="${DSDW_SERVICE_USER:-dsdw-kpi}"
if [ "$(id -u)" -eq 0 ] && id -u "$service_user" >/dev/null 2>&1; then
    chown -R "$service_user:" "$PARTIAL"
fi
mv "$PARTIAL" "$TARGET"
trap - EXIT
echo "backup $TARGET ($(du -sh "$TARGET" | cut -f1), $((SECONDS - started))s)"

# Retention: the newest BACKUP_KEEP complete backups stay.
find "$BACKUP_DIR" -maxdepth 1 -type d -name 'dsdw-kpi-[0-9]*-[0-9]*' ! -name '*.partial' -printf '%f\n' \
    | sort -r | tail -n +"$((BACKUP_KEEP + 1))" | while read -r old; do
        rm -rf "${BACKUP_DIR:?}/$old"
        echo "removed old backup $BACKUP_DIR/$old (keeping $BACKUP_KEEP)"
    done
