"""Finding 7: POST /tra-cuu did its database work on the event loop; with the SQLite write lock held, every other
request of the process (the staff screens share it) waited. Blocking handlers now run in the thread pool."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from starlette.testclient import TestClient

from tests.security.conftest import public_app

HOLD_SECONDS = 2.0


def test_a_lookup_waiting_for_the_database_does_not_hold_up_other_requests(demo, public_client):
    if demo.backend != "sqlite":
        pytest.skip("the SQLite write lock is the simplest way to make a lookup wait")
    with TestClient(public_app(), follow_redirects=False) as client:  # one event loop for every request below
        locker = sqlite3.connect(demo.url.removeprefix("sqlite:///"), isolation_level=None)
        locker.execute("BEGIN IMMEDIATE")
        lookup = threading.Thread(target=client.post, args=("/tra-cuu",), kwargs={"content": "ma=X-1&so=1234"})
        lookup.start()
        time.sleep(0.3)  # the lookup is now waiting for the write lock
        started = time.monotonic()
        health = client.get("/api/health")
        waited = time.monotonic() - started
        time.sleep(max(0.0, HOLD_SECONDS - 0.3 - waited))
        locker.execute("ROLLBACK")
        locker.close()
        lookup.join(timeout=30)
    assert health.status_code == 200
    assert waited < 1.0, f"health check waited {waited:.1f} s behind the lookup"
