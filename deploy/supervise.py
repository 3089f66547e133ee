"""Run the web server, the Celery worker and Celery beat in the foreground, as one unit (containers, no systemd).

    python3 deploy/supervise.py            # started by `bash scripts/serve.sh --foreground`

Each process is `deploy/process.sh web|worker|beat` in its own process group; their output is passed through
with a prefix. SIGTERM or SIGINT is forwarded to all three and the supervisor exits when they have stopped. When one
of them exits on its own, the supervisor says which and with what status, stops the other two and exits non-zero,
so the container runtime (or whoever started it) can restart the whole set. Standard library only.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import FrameType
from typing import IO

APP_DIR = Path(__file__).resolve().parent.parent
PROCESSES = ("web", "worker", "beat")
STOP_TIMEOUT = float(os.environ.get("DSDW_STOP_TIMEOUT", "30"))


def log(message: str) -> None:
    print(f"[supervise] {time.strftime('%Y-%m-%d %H:%M:%S')} {message}", flush=True)


def _pump(name: str, stream: IO[bytes]) -> None:
    """Copy a child's output line by line with its name in front."""
    prefix = f"[{name}] ".encode()
    for line in iter(stream.readline, b""):
        sys.stdout.buffer.write(prefix + line)
        sys.stdout.buffer.flush()


def start(name: str) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [str(APP_DIR / "deploy" / "process.sh"), name],
        cwd=APP_DIR, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    assert process.stdout is not None
    threading.Thread(target=_pump, args=(name, process.stdout), daemon=True).start()
    log(f"started {name} (pid {process.pid})")
    return process


def stop_all(children: dict[str, subprocess.Popen[bytes]]) -> None:
    """SIGTERM to each main process (gunicorn and Celery stop their own children gracefully); SIGKILL to the whole
    process group of one still running after STOP_TIMEOUT seconds, and to any stray left in a group."""
    for name, process in children.items():
        if process.poll() is None:
            log(f"stopping {name} (pid {process.pid})")
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    for name, process in children.items():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            log(f"{name} did not stop within {STOP_TIMEOUT:.0f}s: killing it")
            _signal_group(process, signal.SIGKILL)
            process.wait()
        _signal_group(process, signal.SIGKILL)


def _signal_group(process: subprocess.Popen[bytes], signum: int) -> None:
    try:
        os.killpg(process.pid, signum)
    except ProcessLookupError:
        pass


def main() -> int:
    stopping = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        log(f"received {signal.Signals(signum).name}: stopping web, worker and beat")
        stopping.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    children = {name: start(name) for name in PROCESSES}
    status = 0
    while not stopping.is_set():
        exited = [(name, process.returncode) for name, process in children.items() if process.poll() is not None]
        if exited:
            name, code = exited[0]
            log(f"ERROR: the {name} process exited with status {code}; stopping the others (see its output above)")
            status = 1
            break
        stopping.wait(0.5)
    stop_all(children)
    log("all stopped")
    return status


if __name__ == "__main__":
    sys.exit(main())
