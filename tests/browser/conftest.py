"""Browser tests: the real server (streamlit run server.py) on a free port, driven by Debian's Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from contextlib import closing
from pathlib import Path

import pytest
from playwright.sync_api import expect

from db.engine import build_engine
from tests.conftest import BACKENDS, ROOT, TestDatabase, _postgres_url_with_schema

# Generous limits for a shared two-core machine: every wait is on a concrete state, so a long limit costs nothing
# when things go well and only makes a loaded machine slower, not flaky.
STEP_TIMEOUT_MS = 30000
expect.set_options(timeout=STEP_TIMEOUT_MS)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(items):
    # No retries: each step waits for the state it needs (tests/browser/helpers.py), so a failure is real.
    for item in items:
        item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _step_timeout(request):
    if "page" in request.fixturenames:
        request.getfixturevalue("page").set_default_timeout(STEP_TIMEOUT_MS)


@pytest.fixture(scope="session")
def browser_type_launch_args():
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is missing: run `make test`, which installs it")
    return {"executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """One `streamlit run server.py` per test process and database, started at first use and kept for the session.

    Starting the app and importing its pages costs 5–20 s; paid once per process instead of once per test, that is
    most of the browser tests' time. Each test still starts from a fresh demo: the server's database (a fixed SQLite
    file, or the process's PostgreSQL schema) is refilled in place before the test, and its files folder emptied.
    Nothing else carries over: the app keeps its state in the database (the IOC cache is turned off here)."""

    def __init__(self, database_url: str, folder: Path):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.files = folder / "files"
        self.log_path = folder / "server.log"
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "MOTCUA_DEMO": "true",
            "MOTCUA_STORAGE_DIR": str(self.files),
            "MOTCUA_PUBLIC_BASE_URL": self.url,
            "MOTCUA_IOC_CACHE_SECONDS": "0",
        }
        # A file, not a pipe: a pipe nobody reads fills up and stalls a server that lives for the whole session.
        self.log = open(self.log_path, "w")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "server.py",
                "--server.headless",
                "true",
                "--server.address",
                "127.0.0.1",
                "--server.port",
                str(self.port),
                "--browser.gatherUsageStats",
                "false",
                "--server.fileWatcherType",
                "none",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def ready(self) -> str:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the app exited early:\n{self.log_path.read_text()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.read() == b"ok":
                        return self.url
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("the app did not become healthy in time")

    def clear_files(self) -> None:
        shutil.rmtree(self.files, ignore_errors=True)
        self.files.mkdir(parents=True)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


@pytest.fixture(scope="session")
def live_servers(tmp_path_factory):
    servers: dict[str, LiveServer] = {}
    yield servers, tmp_path_factory
    for server in servers.values():
        server.stop()


def refill_sqlite(path: Path, template: Path) -> None:
    """Make the live file equal the template without replacing the file the server has open."""
    with closing(sqlite3.connect(path, timeout=60, isolation_level=None)) as conn:
        conn.execute("PRAGMA foreign_keys=OFF")
        conn.execute("ATTACH DATABASE ? AS src", (str(template),))
        conn.execute("BEGIN IMMEDIATE")
        tables = [
            name for (name,) in conn.execute("SELECT name FROM src.sqlite_master WHERE type = 'table' ORDER BY name")
        ]
        for name in tables:
            conn.execute(f'DELETE FROM main."{name}"')
        for name in tables:
            conn.execute(f'INSERT INTO main."{name}" SELECT * FROM src."{name}"')
        conn.execute("COMMIT")
        conn.execute("DETACH DATABASE src")


@pytest.fixture(params=BACKENDS)
def database(request, live_servers):
    """The demo database the live server of this process serves, refilled for each test (browser tests only)."""
    servers, tmp_factory = live_servers
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_templates").demo()
        if "sqlite" not in servers:
            folder = tmp_factory.mktemp("live-sqlite")
            shutil.copy(template, folder / "live.db")
            servers["sqlite"] = LiveServer(f"sqlite:///{folder / 'live.db'}", folder)
        server = servers["sqlite"]
        path = server.log_path.parent / "live.db"
        refill_sqlite(path, template)
        url = f"sqlite:///{path}"
        engine = build_engine(url)
        server.clear_files()
        request.node.live_server = server
        yield TestDatabase("sqlite", url, engine)
        engine.dispose()
        return
    schemas = request.getfixturevalue("postgres_schemas")
    schemas.demo()
    url = _postgres_url_with_schema(schemas.schema)
    if "postgresql" not in servers:
        servers["postgresql"] = LiveServer(url, tmp_factory.mktemp("live-postgresql"))
    servers["postgresql"].clear_files()
    request.node.live_server = servers["postgresql"]
    yield TestDatabase("postgresql", url, schemas.engine)


@pytest.fixture
def live_app(request, demo, browser) -> str:
    """The whole app (staff screens and public routes) on the demo database of this test; pages a test opened in
    contexts of its own are closed after it, so they stop polling the server the next test uses."""
    url = request.node.live_server.ready()
    yield url
    for context in list(browser.contexts):
        context.close()
