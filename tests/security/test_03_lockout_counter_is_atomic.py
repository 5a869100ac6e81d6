"""Finding 3: the failed-login counter was read, then written back; 48 wrong passwords sent 12 at a time left the
account unlocked on PostgreSQL. Real threads, each with its own connection, against the real database."""

from __future__ import annotations

from db.engine import write
from services.accounts import accounts
from tests.security.conftest import run_in_threads

ADDRESS = "203.0.113.7"


def _wrong_password(_index: int, engine) -> str:
    with write(engine) as conn:
        return accounts.authenticate(conn, "motcua.nhs", "sai-mat-khau", client_key=ADDRESS).message


def test_48_wrong_passwords_12_at_a_time_lock_the_account_after_5(demo):
    messages = []
    for _ in range(4):
        messages += run_in_threads(12, _wrong_password, demo.engine)
    assert not [m for m in messages if isinstance(m, Exception)], messages
    evaluated = [m for m in messages if "Còn" in m]
    assert len(evaluated) <= accounts.MAX_FAILED_LOGINS - 1, "at most four 'tries left' answers, then locked"
    with write(demo.engine) as conn:
        locked = accounts.authenticate(conn, "motcua.nhs", "motcua@2026", client_key=ADDRESS)
    assert locked.actor is None and "tạm khóa" in locked.message
