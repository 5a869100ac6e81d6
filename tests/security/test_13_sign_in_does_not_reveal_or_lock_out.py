"""Finding 13: sign-in told existing from unknown usernames (another message, 299 ms against 1 ms), and anyone
could lock any account, admin included. The lock-out is now per account *and* address (README, Security)."""

from __future__ import annotations

import time

import bcrypt
from sqlalchemy import update

from db.engine import write
from db.schema import users
from services.accounts import accounts


def _login(engine, username, password, client="198.51.100.66"):
    with write(engine) as conn:
        return accounts.authenticate(conn, username, password, client_key=client)


def test_an_unknown_username_gets_the_same_answers_as_a_wrong_password(demo):
    for attempt in range(accounts.MAX_FAILED_LOGINS + 1):
        known = _login(demo.engine, "admin", "sai-mat-khau")
        unknown = _login(demo.engine, "khong-ai-ca", "sai-mat-khau")
        assert known.message == unknown.message, attempt


def test_an_unknown_username_costs_the_same_bcrypt_time_as_a_known_one(demo, monkeypatch):
    monkeypatch.setattr(accounts, "BCRYPT_ROUNDS", 10)  # ~60 ms per check: clearly above the noise of a query
    slow_hash = bcrypt.hashpw(b"mat-khau-tam-2026", bcrypt.gensalt(10)).decode()
    with write(demo.engine) as conn:
        conn.execute(update(users).where(users.c.username == "hotich.nhs").values(password_hash=slow_hash))
    _login(demo.engine, "warm-up", "x", client="warm")  # the dummy hash is made once per process

    def timed(username: str) -> float:
        best = float("inf")
        for n in range(3):
            started = time.perf_counter()
            _login(demo.engine, username, "sai-mat-khau", client=f"t{n}")
            best = min(best, time.perf_counter() - started)
        return best

    known, unknown = timed("hotich.nhs"), timed("khong-ai-ca")
    assert unknown > 0.5 * known, f"unknown {unknown * 1000:.0f} ms, known {known * 1000:.0f} ms"


def test_a_stranger_hammering_admin_locks_only_their_own_address_out(demo):
    for _ in range(accounts.MAX_FAILED_LOGINS + 3):
        _login(demo.engine, "admin", "sai-mat-khau", client="198.51.100.66")
    assert _login(demo.engine, "admin", "motcua@2026", client="198.51.100.66").actor is None
    assert _login(demo.engine, "admin", "motcua@2026", client="10.1.2.3").actor is not None
