"""Test helpers for the broker-outage tests: a private Redis server that a test stops and starts again, and
pointing this process's Celery app at another broker for a while."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

from dsdw_kpi.celery import app as celery_app


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PrivateRedis:
    """A throw-away redis-server on a free loopback port (no persistence, as scripts/test.sh starts its own).

    Runs in the foreground as a child process; its pid is kept in DSDW_TEST_RUN_DIR/redis-private-<port>.pid so
    scripts/test.sh stops it if the tests are killed. `stop()` and `start()` keep the same port and arguments.
    """

    def __init__(self, directory: Path) -> None:
        executable = shutil.which("redis-server")
        if executable is None:
            raise RuntimeError("redis-server is not installed (scripts/test.sh installs it)")
        self.port = free_port()
        self.directory = directory
        self.command = [
            executable, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--daemonize", "no", "--dir", str(directory), "--logfile", str(directory / "redis.log"),
        ]
        self.process: subprocess.Popen[bytes] | None = None
        run_dir = os.environ.get("DSDW_TEST_RUN_DIR")
        self.pid_file = Path(run_dir) / f"redis-private-{self.port}.pid" if run_dir else None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(self.command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if self.pid_file:
            self.pid_file.write_text(str(self.process.pid))
        deadline = time.monotonic() + 10
        while not self.answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start on port {self.port}")
            time.sleep(0.05)

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        if self.pid_file:
            self.pid_file.unlink(missing_ok=True)


@contextlib.contextmanager
def use_broker(url: str) -> Iterator[None]:
    """This process publishes to `url` while the block runs (with pools of its own, thrown away afterwards).

    The settings' keys (namespace CELERY) are what the app reads: `conf.broker_url` would not override them; the
    producer pool is cached apart from the connection pool, so both are swapped."""
    conf, amqp = celery_app.conf, celery_app.amqp
    saved = (conf.get("CELERY_BROKER_URL"), conf.get("CELERY_TASK_ALWAYS_EAGER"), celery_app._pool, amqp._producer_pool)
    conf["CELERY_BROKER_URL"], conf["CELERY_TASK_ALWAYS_EAGER"] = url, False
    celery_app._pool = amqp._producer_pool = None
    try:
        yield
    finally:
        if celery_app._pool is not None:
            celery_app._pool.force_close_all()
        conf["CELERY_BROKER_URL"], conf["CELERY_TASK_ALWAYS_EAGER"], celery_app._pool, amqp._producer_pool = saved
