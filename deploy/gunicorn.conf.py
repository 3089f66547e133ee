"""gunicorn settings for DSDW KPI, read from the environment (the env file of scripts/serve.sh).

Started by deploy/process.sh web:  gunicorn -c deploy/gunicorn.conf.py dsdw_kpi.wsgi:application
"""

from __future__ import annotations

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


# Where gunicorn listens: 127.0.0.1:8000 behind a reverse proxy on the same machine; 0.0.0.0:8000 on a web node
# that the proxy reaches over the network (then restrict the port with a firewall).
bind = [address.strip() for address in os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",") if address]
# Sync workers (one request at a time each): 2 × cores + 1 by default. Threads > 1 switch to the gthread worker.
workers = _int("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1)
threads = _int("GUNICORN_THREADS", 1)
# A request running longer than this (seconds) kills its worker; PDF downloads of a whole book take a few seconds.
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Each worker is replaced after this many requests (plus a random jitter), so slow leaks cannot grow forever.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 100)
# Access log: "-" is standard output (the journal under systemd); a path writes a file; empty turns it off.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms "%(a)s"'
# The reverse proxy's addresses whose X-Forwarded-* headers gunicorn trusts (comma separated).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Heartbeat files of the workers in memory, not on a disk that may stall.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# Bounded request lines and headers (the body limit is the reverse proxy's client_max_body_size and Django's).
limit_request_line = 8190
limit_request_fields = 100
proc_name = "dsdw-kpi-web"
