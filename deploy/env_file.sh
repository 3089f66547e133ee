# Reading the production env file (/etc/dsdw-kpi/env), shared by scripts/serve.sh, scripts/backup.sh,
# scripts/restore.sh and deploy/manage.sh (sourced, not executed).
# shellcheck shell=bash

# Export every KEY=VALUE line of the file $1 without evaluating it as shell code (values may hold spaces; one pair
# of surrounding quotes is removed; comments and blank lines are skipped). With $2 = keep, a variable the
# environment already sets wins over the file.
env_file_load() {
    local file="$1" keep="${2:-}" line key value
    while IFS= read -r line || [ -n "$line" ]; do
        case "$line" in '' | '#'*) continue ;; esac
        [[ "$line" == *=* ]] || continue
        key="${line%%=*}" value="${line#*=}"
        key="${key// /}"
        [[ "$key" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || continue
        if [[ "$value" =~ ^\"(.*)\"$ ]] || [[ "$value" =~ ^\'(.*)\'$ ]]; then value="${BASH_REMATCH[1]}"; fi
        if [ "$keep" = keep ] && [ -n "${!key:-}" ]; then
            continue
        fi
        export "$key=$value"
    done <"$file"
}
