"""Fixtures of the security regression tests: the public routes as st.App serves them (same routes, middleware and
exception handlers), and environments for production mode."""

from __future__ import annotations

import secrets

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from web import runtime
from web.routes import ROUTES
from web.security import EXCEPTION_HANDLERS, MIDDLEWARE

PRODUCTION_VARIABLES = ("MOTCUA_DEMO", "MOTCUA_COOKIE_KEY", "MOTCUA_TOKEN_SECRET", "MOTCUA_PUBLIC_BASE_URL")


def public_app() -> Starlette:
    return Starlette(routes=ROUTES, middleware=MIDDLEWARE, exception_handlers=EXCEPTION_HANDLERS)


@pytest.fixture
def fresh_runtime():
    runtime.settings.cache_clear()
    runtime.engine.cache_clear()
    yield
    runtime.engine.cache_clear()
    runtime.settings.cache_clear()


@pytest.fixture
def public_client(demo, monkeypatch, tmp_path, fresh_runtime) -> TestClient:
    monkeypatch.setenv("DATABASE_URL", demo.url)
    monkeypatch.setenv("MOTCUA_STORAGE_DIR", str(tmp_path / "files"))
    monkeypatch.setenv("MOTCUA_PUBLIC_BASE_URL", "https://motcua.example.vn")
    with TestClient(public_app(), follow_redirects=False, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def production(monkeypatch, tmp_path):
    """Production mode with real random secrets: `monkeypatch` to change one of them in a test."""
    monkeypatch.setenv("MOTCUA_SECRETS_FILE", str(tmp_path / "no-secrets.toml"))
    monkeypatch.setenv("MOTCUA_DEMO", "false")
    monkeypatch.setenv("MOTCUA_COOKIE_KEY", secrets.token_urlsafe(48))
    monkeypatch.setenv("MOTCUA_TOKEN_SECRET", secrets.token_urlsafe(48))
    monkeypatch.setenv("MOTCUA_PUBLIC_BASE_URL", "https://motcua.example.vn")
    return monkeypatch


def run_in_threads(count: int, function, *args) -> list:
    """Starts `count` real threads together (a barrier) and returns what each returned or raised."""
    import threading

    barrier = threading.Barrier(count)
    results: list = [None] * count

    def worker(index: int) -> None:
        barrier.wait()
        try:
            results[index] = function(index, *args)
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results[index] = exc

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results
