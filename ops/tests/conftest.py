"""Helpers for the ops tests."""

from __future__ import annotations

import socket


def dead_port() -> int:
    """A loopback TCP port nothing listens on (bound and released again)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port
