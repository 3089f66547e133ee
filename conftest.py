"""Project-wide pytest fixtures for the real services: a Celery worker process and Debian's Chromium.

`bash scripts/test.sh` starts PostgreSQL and Redis and exports DATABASE_URL, REDIS_URL and CHROMIUM_PATH.
Plain `pytest` (SQLite, no Redis) still runs everything else: tests marked ``needs_services`` are skipped
with a hint, and the browser tests are skipped when there is no Chromium and CHROMIUM_PATH is unset.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

import pytest

# Before Django's settings load (pytest-django loads them right after this file is imported, see pytest.ini):
# the settings require a strong SECRET_KEY whenever DEBUG is off, and tests run with DEBUG off. The test client and
# live_server speak plain HTTP, so the HTTPS redirect and Secure-only cookies of the production defaults are off,
# and there is no collectstatic: static files come from the source folders (ops/tests check the production values).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dsdw_kpi.settings")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(64))
for _name in ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "STATIC_MANIFEST"):
    os.environ.setdefault(_name, "0")

import django  # noqa: E402
import django.conf  # noqa: E402

# Set Django up now, as pytest-django does when the settings module comes from pytest.ini: the conftest.py files
# of the apps import models at module level.
django.setup()

if TYPE_CHECKING:
    from playwright.sync_api import Browser

REPO_DIR = Path(__file__).resolve().parent
SERVICES_HINT = "run `bash scripts/test.sh`, which starts PostgreSQL, Redis and a Celery worker"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WORKER_START_TIMEOUT = 60.0


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test that uses the Celery worker needs the services; without REDIS_URL those tests are skipped."""
    for item in items:
        if "celery_worker_process" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.needs_services)
    if os.environ.get("REDIS_URL"):
        return
    skip = pytest.mark.skip(reason=f"needs_services: REDIS_URL is not set — {SERVICES_HINT}")
    for item in items:
        if item.get_closest_marker("needs_services"):
            item.add_marker(skip)


def _database_url_for(name: str) -> str:
    """DATABASE_URL with the database name replaced (the worker must use pytest-django's test database)."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + name))


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no worker log)"


def _worker_database_env() -> dict[str, str]:
    """Environment for a worker process that must use pytest-django's test database (fails on SQLite)."""
    from django.db import connection

    if connection.vendor == "sqlite" or not os.environ.get("DATABASE_URL"):
        pytest.fail(
            "REDIS_URL is set but the tests use SQLite, which a worker process cannot share: "
            f"set DATABASE_URL to PostgreSQL or {SERVICES_HINT}"
        )
    return {
        "DATABASE_URL": _database_url_for(str(connection.settings_dict["NAME"])),
        "DB_CONN_MAX_AGE": "0",  # no idle connection may keep the test database from being flushed or dropped
        "PYTHONUNBUFFERED": "1",
    }


def _pid_file(nodename: str) -> Path | None:
    """Where scripts/test.sh finds the workers to kill if pytest itself is killed."""
    run_dir = os.environ.get("DSDW_TEST_RUN_DIR")
    return Path(run_dir) / f"celery-worker-{nodename.split('@')[0]}.pid" if run_dir else None


def celery_app_for(broker_url: str) -> Any:
    """A Celery app with the project's queues and task routes on another broker: a test may give its workers a
    private Redis, and the messages, control commands and results must travel there too."""
    from celery import Celery

    settings: Any = django.conf.settings
    app = Celery("dsdw_kpi_test", broker=broker_url, backend=broker_url, set_as_current=False)
    app.conf.update(
        task_routes=settings.CELERY_TASK_ROUTES, task_queues=settings.CELERY_TASK_QUEUES,
        task_default_queue=settings.CELERY_TASK_DEFAULT_QUEUE,
    )  # fmt: skip
    return app


@pytest.fixture(name="celery_app_for")
def _celery_app_for_fixture() -> Any:
    """``celery_app_for(broker_url)``: a Celery app of the project's settings on a test's private broker."""
    return celery_app_for


def _answers_ping(app: Any, nodename: str, broker_url: str | None) -> bool:
    """Whether the worker answers ping on its own broker."""
    if broker_url and broker_url != os.environ.get("REDIS_URL"):
        app = celery_app_for(broker_url)
    replies = app.control.ping(destination=[nodename], timeout=0.5) or []
    return any(nodename in reply for reply in replies)


def start_celery_worker(
    nodename: str, log_path: Path, *, extra_env: dict[str, str] | None = None, extra_args: list[str] | None = None
) -> subprocess.Popen[bytes]:
    """Start a real Celery worker (solo pool) on REDIS_URL and the test database; return once it answers ping.

    Its pid is written to DSDW_TEST_RUN_DIR/celery-worker-<name>.pid until stop_celery_worker() (or a kill noticed
    by the caller) so scripts/test.sh can stop it if pytest dies.
    """
    from dsdw_kpi.celery import app

    env = dict(os.environ)
    env.update(_worker_database_env())
    env.update(extra_env or {})
    args = list(extra_args or [])
    if not {"-Q", "--queues"} & {arg.split("=", 1)[0] for arg in args}:
        # every queue of CELERY_TASK_QUEUES (celery, scores, documents, email), as a production worker without -Q
        args += ["-Q", ",".join(queue.name for queue in django.conf.settings.CELERY_TASK_QUEUES)]
    command = [
        sys.executable, "-m", "celery", "-A", "dsdw_kpi", "worker",
        "--pool=solo", "--concurrency=1", "-l", "warning", "-n", nodename,
        "--without-gossip", "--without-mingle", "--without-heartbeat", *args,
    ]  # fmt: skip
    with log_path.open("ab") as log:
        process = subprocess.Popen(command, cwd=REPO_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
    pid_file = _pid_file(nodename)
    if pid_file:
        pid_file.write_text(str(process.pid))
    deadline = time.monotonic() + WORKER_START_TIMEOUT
    while True:
        if process.poll() is not None:
            pytest.fail(f"the Celery worker exited with {process.returncode}:\n{_tail(log_path)}")
        if _answers_ping(app, nodename, env.get("REDIS_URL")):
            return process
        if time.monotonic() > deadline:
            process.kill()
            process.wait()
            pytest.fail(f"the Celery worker did not answer ping within {WORKER_START_TIMEOUT:.0f}s:\n{_tail(log_path)}")


def stop_celery_worker(process: subprocess.Popen[bytes], nodename: str, *, warm: bool = True) -> None:
    """Warm shutdown (finishes the current task), killed after 20 s; ``warm=False`` kills at once."""
    if process.poll() is None:
        if warm:
            process.terminate()
        else:
            process.kill()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    pid_file = _pid_file(nodename)
    if pid_file:
        pid_file.unlink(missing_ok=True)


@pytest.fixture(scope="session")
def celery_worker_process(
    django_db_setup: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[subprocess.Popen[bytes]]:
    """A real Celery worker (solo pool) on REDIS_URL, using pytest-django's test database.

    Started after the test database exists; tests that use it must also use ``transactional_db`` so the worker
    sees committed rows. Enqueue with ``task.delay(...)`` and wait with ``.get(timeout=...)``.
    """
    if not os.environ.get("REDIS_URL"):
        pytest.skip(f"REDIS_URL is not set — {SERVICES_HINT}")
    nodename = f"pytest-{os.getpid()}@localhost"
    log_path = tmp_path_factory.mktemp("celery") / "worker.log"
    process = start_celery_worker(nodename, log_path)
    try:
        yield process
    finally:
        stop_celery_worker(process, nodename)


@pytest.fixture
def celery_worker_factory(
    django_db_setup: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Any]:
    """Start extra workers with their own settings: ``start(nodename, env={...}, args=[...]) -> Popen``.

    For tests that kill and restart workers. Give them a queue of their own (``-Q`` in args, and the matching
    setting in env) so the session worker never takes their tasks. Every worker still alive is stopped afterwards.
    """
    if not os.environ.get("REDIS_URL"):
        pytest.skip(f"REDIS_URL is not set — {SERVICES_HINT}")
    started: list[tuple[subprocess.Popen[bytes], str]] = []
    log_dir = tmp_path_factory.mktemp("celery-extra")

    def start(
        nodename: str, *, env: dict[str, str] | None = None, args: list[str] | None = None
    ) -> subprocess.Popen[bytes]:
        log_path = log_dir / f"{nodename.split('@')[0]}.log"
        process = start_celery_worker(nodename, log_path, extra_env=env, extra_args=args)
        process.log_path = log_path  # type: ignore[attr-defined]
        started.append((process, nodename))
        return process

    try:
        yield start
    finally:
        for process, nodename in started:
            stop_celery_worker(process, nodename, warm=False)  # no warm shutdown needed; a kill cannot hang


def _chromium_path() -> tuple[str | None, bool]:
    """(executable or None, whether CHROMIUM_PATH was set explicitly)."""
    configured = os.environ.get("CHROMIUM_PATH")
    candidate = configured or "/usr/bin/chromium"
    found = shutil.which(candidate)
    return found, bool(configured)


@contextlib.contextmanager
def _subprocesses_in_own_session() -> Iterator[None]:
    """Start Playwright's driver in its own session, away from the terminal's Ctrl-C.

    Otherwise Ctrl-C reaches the driver too; it exits at once and the next Playwright call spins forever instead
    of pytest stopping and tearing down (stopping the worker, dropping the test database). The driver still exits
    when pytest does: it stops when its stdin pipe closes. Only the driver is spawned while this is active.
    """
    original = asyncio.create_subprocess_exec

    async def create_subprocess_exec(*args: Any, **kwargs: Any) -> asyncio.subprocess.Process:
        kwargs.setdefault("start_new_session", True)
        return await original(*args, **kwargs)

    asyncio.create_subprocess_exec = create_subprocess_exec  # type: ignore[assignment]
    try:
        yield
    finally:
        asyncio.create_subprocess_exec = original


@pytest.fixture(scope="session")
def live_chromium() -> Iterator[Browser]:
    """Debian's Chromium, headless, driven by Playwright (its bundled browsers are never downloaded).

    Use with pytest-django's ``live_server``. While the browser is open Playwright's event loop runs in the main
    thread, so DJANGO_ALLOW_ASYNC_UNSAFE is set for that time: the tests' ORM calls are synchronous code that
    merely shares the thread with that loop.
    """
    executable, configured = _chromium_path()
    if executable is None:
        message = f"Chromium not found at {os.environ.get('CHROMIUM_PATH', '/usr/bin/chromium')}"
        if configured:
            pytest.fail(f"{message} (CHROMIUM_PATH is set)")
        pytest.skip(f"{message}; install Debian's chromium package or {SERVICES_HINT}")
    from playwright.sync_api import sync_playwright

    with _subprocesses_in_own_session():
        playwright = sync_playwright().start()
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            yield CspGuardedBrowser(browser, CSP_RECORDER)  # type: ignore[misc]  # records CSP violations
        finally:
            browser.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


# --- Content-Security-Policy violations fail every browser test (issue 9) ---
CSP_PROBE = """document.addEventListener("securitypolicyviolation", (event) => {
  if (window.__dsdwCspViolation) {
    window.__dsdwCspViolation([event.effectiveDirective, event.blockedURI || "(inline)",
      (event.sourceFile || event.documentURI) + ":" + event.lineNumber, event.sample].join(" "));
  }
}, true);"""


class CspRecorder:
    """What the test browser reports about the Content-Security-Policy: ``securitypolicyviolation`` events (through
    a binding that an init script calls, neither of which the page's policy can block) and "Refused to ..." console
    messages (Chromium logs one for every blocked script, style, font, image, form target or frame)."""

    def __init__(self) -> None:
        self.violations: list[str] = []

    def watch(self, context: Any) -> Any:
        context.expose_binding("__dsdwCspViolation", lambda _source, text: self.violations.append(f"event: {text}"))
        context.add_init_script(CSP_PROBE)
        context.on("console", self._console)
        return context

    def _console(self, message: Any) -> None:
        if "Refused to" in message.text:
            self.violations.append(f"console: {message.text} ({message.location.get('url', '')})")


CSP_RECORDER = CspRecorder()


class CspGuardedBrowser:
    """``live_chromium``: the Playwright Browser, whose every new context and page records CSP violations."""

    def __init__(self, browser: Browser, recorder: CspRecorder) -> None:
        self._browser = browser
        self._recorder = recorder

    def new_context(self, **kwargs: Any) -> Any:
        return self._recorder.watch(self._browser.new_context(**kwargs))

    def new_page(self, **kwargs: Any) -> Any:
        page = self._browser.new_page(**kwargs)
        self._recorder.watch(page.context)  # init scripts and bindings also apply to pages already open
        return page

    def __getattr__(self, name: str) -> Any:
        return getattr(self._browser, name)


@pytest.fixture
def csp_violations() -> list[str]:
    """The violations recorded so far in this test (a test that provokes one on purpose clears the list)."""
    return CSP_RECORDER.violations


@pytest.fixture(autouse=True)
def _no_csp_violations_in_browser_tests(request: pytest.FixtureRequest) -> Iterator[None]:
    """A browser test fails when a page it opened broke the Content-Security-Policy (checked after its pages and
    contexts have closed: this fixture is set up before them, so it is torn down after them)."""
    if "live_chromium" not in request.fixturenames:
        yield
        return
    CSP_RECORDER.violations.clear()
    yield
    found, CSP_RECORDER.violations[:] = list(CSP_RECORDER.violations), []
    if found:
        pytest.fail("Content-Security-Policy violations in the browser:\n" + "\n".join(dict.fromkeys(found)))


def pytest_report_header(config: pytest.Config) -> list[str]:
    settings: Any = django.conf.settings
    database = settings.DATABASES["default"]
    return [
        f"dsdw: database={database['ENGINE'].rsplit('.', 1)[-1]} "
        f"celery={'redis' if os.environ.get('REDIS_URL') else 'eager (REDIS_URL unset)'} "
        f"chromium={_chromium_path()[0] or 'not found'} DEBUG={settings.DEBUG}"
    ]


@pytest.fixture(autouse=True)
def _tasks_in_process_for_committing_tests(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """A test that commits (transaction=True, live_server) but runs no worker executes its tasks in this process;
    one that runs the worker waits, before the database is truncated, until the worker has drained the score
    recompute requests its commits recorded.

    Otherwise the session's Celery worker would drain them on the test database while pytest-django truncates it at
    teardown (a deadlock).
    """
    marker = request.node.get_closest_marker("django_db")
    commits = (marker is not None and marker.kwargs.get("transaction")) or "live_server" in request.fixturenames
    uses_worker = any(name in request.fixturenames for name in ("celery_worker_process", "celery_worker_factory"))
    if commits and not uses_worker:
        from dsdw_kpi.celery import app

        monkeypatch.setitem(app.conf, "CELERY_TASK_ALWAYS_EAGER", True)
    yield
    if commits and uses_worker:
        from reporting.models import ScoreJob

        busy = (ScoreJob.Status.QUEUED, ScoreJob.Status.RETRYING, ScoreJob.Status.RUNNING)
        deadline = time.monotonic() + 60
        while ScoreJob.objects.filter(status__in=busy).exists() and time.monotonic() < deadline:
            time.sleep(0.2)
