"""Finding 8: changing one's password, or an admin resetting it, did not end sessions already signed in."""

from __future__ import annotations

from datetime import timedelta

from db.engine import read, write
from services.accounts import accounts
from services.core.clock import now
from tests.builders import actor


def _session_started(engine, username: str):
    """A cookie issued a minute ago: app.py passes its start time to load_actor on every run."""
    started = now() - timedelta(minutes=1)
    with read(engine) as conn:
        assert accounts.load_actor(conn, username, signed_in_at=started) is not None
    return started


def test_changing_ones_own_password_ends_the_sessions_already_signed_in(demo):
    started = _session_started(demo.engine, "motcua.nhs")
    with write(demo.engine) as conn:
        accounts.change_own_password(
            conn, actor(demo.engine, "motcua.nhs"), current="motcua@2026", new="mat-khau-moi-2026"
        )
    with read(demo.engine) as conn:
        assert accounts.load_actor(conn, "motcua.nhs", signed_in_at=started) is None
        assert accounts.load_actor(conn, "motcua.nhs", signed_in_at=now() + timedelta(seconds=1)) is not None


def test_an_admin_reset_ends_the_users_sessions(demo):
    started = _session_started(demo.engine, "chuyenvien.nhs")
    with write(demo.engine) as conn:
        accounts.reset_password(
            conn,
            actor(demo.engine, "admin"),
            user_id=actor(demo.engine, "chuyenvien.nhs").user_id,
            password="tam-thoi-2026",
        )
    with read(demo.engine) as conn:
        assert accounts.load_actor(conn, "chuyenvien.nhs", signed_in_at=started) is None
