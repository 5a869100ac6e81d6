"""Shared builders for tests: actors of the demo seed, and small random data."""

from __future__ import annotations

from sqlalchemy import Engine

from db.engine import read
from services.accounts.accounts import load_actor
from services.core.roles import Actor


def actor(engine: Engine, username: str) -> Actor:
    with read(engine) as conn:
        found = load_actor(conn, username)
    assert found is not None, f"demo user {username} missing"
    return found
