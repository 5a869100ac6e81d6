"""Finding 12: anyone could block a citizen's status lookup for 10 minutes with 5 wrong tries for that code."""

from __future__ import annotations

from db.engine import write
from services.dossiers import public_status
from tests.builders import actor
from tests.intake_builders import receive_marriage

SECRET = "s" * 32


def _lookup(engine, code, digits, client):
    with write(engine) as conn:
        return public_status.lookup_by_code(conn, secret=SECRET, code=code, phone_last4=digits, client_key=client)


def test_five_wrong_tries_from_a_stranger_do_not_lock_the_citizen_out(demo, tmp_path):
    from services.core.files import LocalFileStore

    receipt = receive_marriage(demo.engine, actor(demo.engine, "motcua.nhs"), LocalFileStore(tmp_path / "f"))
    code = receipt.code
    for guess in range(6):
        assert _lookup(demo.engine, code, f"{guess:04d}", "198.51.100.66").token is None
    assert _lookup(demo.engine, code, "0000", "198.51.100.66").throttled, "the stranger is slowed down"
    assert _lookup(demo.engine, code, "3456", "203.0.113.5").token, "the citizen still gets in"
