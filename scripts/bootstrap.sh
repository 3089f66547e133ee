# Shared helpers for scripts/run.sh and scripts/test.sh (sourced, not executed).
#
# After sourcing, the working directory is the repository root and REPO_DIR points at it.
# shellcheck shell=bash

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_DIR"

VENV_DIR="${VENV_DIR:-$REPO_DIR/.venv}"
PYTHON_BIN="${PYTHON:-python3}"
export DEBIAN_FRONTEND=noninteractive
export PIP_DISABLE_PIP_VERSION_CHECK=1
export PYTHONUNBUFFERED=1

_BOOTSTRAP_T0=$SECONDS

# Print a phase header with the seconds elapsed since the script started.
phase() {
    printf '\n==> [%3ss] %s\n' "$((SECONDS - _BOOTSTRAP_T0))" "$*"
}

note() {
    printf '    %s\n' "$*"
}

die() {
    printf '\nERROR: %s\n' "$*" >&2
    exit 1
}

# Run a command as root: directly when we are root, through sudo otherwise.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "need root (or sudo) to run: $*"
    fi
}

# True when the Debian package is installed.
pkg_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

# Install the Debian packages that are missing; apt is not touched when they are all present.
ensure_packages() {
    local missing=() pkg
    for pkg in "$@"; do
        pkg_installed "$pkg" || missing+=("$pkg")
    done
    if [ "${#missing[@]}" -eq 0 ]; then
        note "system packages already installed: $*"
        return 0
    fi
    command -v apt-get >/dev/null 2>&1 || die "missing system packages (${missing[*]}) and no apt-get to install them"
    note "installing: ${missing[*]}"
    as_root apt-get update -qq
    as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Add python3-venv to the package list when `python3 -m venv` cannot create a virtualenv with pip.
venv_packages() {
    if [ -x "$VENV_DIR/bin/python" ]; then
        return 0
    fi
    if ! "$PYTHON_BIN" -c 'import venv, ensurepip' >/dev/null 2>&1; then
        echo python3-venv
    fi
}

# Create .venv if absent and install the given requirements file into it (quietly).
ensure_venv() {
    local requirements="$1"
    if [ ! -x "$VENV_DIR/bin/python" ]; then
        note "creating $VENV_DIR with $("$PYTHON_BIN" --version 2>&1)"
        "$PYTHON_BIN" -m venv "$VENV_DIR"
    fi
    "$VENV_DIR/bin/python" -c 'import sys; sys.exit(sys.version_info[:2] < (3, 11))' \
        || die "$VENV_DIR uses Python < 3.11; remove it and run again"
    note "pip install -r $requirements"
    "$VENV_DIR/bin/python" -m pip install -q -r "$requirements"
    export VIRTUAL_ENV="$VENV_DIR"
    export PATH="$VENV_DIR/bin:$PATH"
}

# DSDW_SHARED_DIR defaults to the shared/ checkout beside the repository, when there is one.
default_shared_dir() {
    if [ -z "${DSDW_SHARED_DIR:-}" ] && [ -d "$REPO_DIR/../shared" ]; then
        DSDW_SHARED_DIR="$(cd "$REPO_DIR/../shared" && pwd)"
        export DSDW_SHARED_DIR
    fi
}

# First TCP port >= $1 on 127.0.0.1 that nothing listens on and that we can bind.
free_port() {
    "$PYTHON_BIN" - "$1" <<'PY'
import socket
import sys

port = int(sys.argv[1])
while port < 65535:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            port += 1
            continue
    print(port)
    break
else:
    sys.exit("no free port")
PY
}
