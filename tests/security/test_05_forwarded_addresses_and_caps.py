"""Finding 5: per-address limits trusted any client's X-Forwarded-For; with no cookie and no phone the queue caps were
skipped; the per-code lookup limit on /tra-cuu raced on PostgreSQL (15 concurrent wrong guesses, limit 5)."""

from __future__ import annotations

import ipaddress

from db.engine import write
from services.core.client_address import client_address
from services.dossiers import public_status
from services.queue import tickets as queue
from tests.security.conftest import run_in_threads
from tests.test_queue_web import UNIT, open_all_day

PROXY = (ipaddress.ip_network("10.0.0.0/8"),)


def test_x_forwarded_for_from_a_client_that_is_not_our_proxy_is_ignored():
    assert client_address("198.51.100.9", "1.2.3.4", PROXY) == "198.51.100.9"
    assert client_address("198.51.100.9", "1.2.3.4", ()) == "198.51.100.9"


def test_behind_our_proxy_the_client_is_the_nearest_hop_our_proxies_did_not_add():
    assert client_address("10.0.0.2", "6.6.6.6, 198.51.100.9, 10.0.0.5", PROXY) == "198.51.100.9"
    assert client_address("10.0.0.2", "", PROXY) == "10.0.0.2"


def test_a_client_with_no_cookie_and_no_phone_still_meets_a_per_address_cap(public_client, demo):
    groups = open_all_day(demo.engine)
    answers = []
    for number in range(queue.MAX_TICKETS_PER_ADDRESS + 1):
        public_client.cookies.clear()
        forged = {"X-Forwarded-For": f"192.0.2.{number}"}  # changing it every time must not help
        answers.append(public_client.post(f"/lay-so/{UNIT}", data={"nhom": groups["A"]}, headers=forged))
    assert [a.status_code for a in answers[:-1]] == [303] * queue.MAX_TICKETS_PER_ADDRESS
    assert answers[-1].status_code == 400 and "cùng một địa chỉ mạng" in answers[-1].text


def _wrong_guess(index: int, engine, code: str):
    with write(engine) as conn:
        return public_status.lookup_by_code(
            conn, secret="s" * 32, code=code, phone_last4=f"{index:04d}", client_key="198.51.100.9"
        )


def test_15_concurrent_wrong_guesses_from_one_address_are_evaluated_at_most_5_times(demo):
    from sqlalchemy import select

    from db.engine import read
    from db.schema import dossiers

    with read(demo.engine) as conn:
        code = conn.scalar(select(dossiers.c.code).order_by(dossiers.c.id).limit(1))
    outcomes = run_in_threads(15, _wrong_guess, demo.engine, code)
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    evaluated = [o for o in outcomes if not o.throttled]
    assert len(evaluated) <= public_status.MAX_FAILURES
    assert len(outcomes) - len(evaluated) >= 10
