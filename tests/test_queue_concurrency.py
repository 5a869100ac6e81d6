"""Real threads against the real database: numbers never repeat or skip, a citizen is never called twice."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from db.engine import read, write
from services.accounts import accounts
from services.core.clock import LOCAL_TZ
from services.core.units import unit_by_code
from services.queue import setup as queue_config
from services.queue import tickets as queue
from tests.builders import actor

AT = datetime(2026, 3, 10, 9, 0, tzinfo=LOCAL_TZ)
UNIT = "HAICHAU"


def _setup(engine) -> tuple[int, dict, dict]:
    with write(engine) as conn:
        unit_id = unit_by_code(conn, UNIT)["id"]
        queue_config.seed_sample_queue(conn, None, unit_id=unit_id)
        groups = {g["letter"]: g["id"] for g in queue_config.list_groups(conn, unit_id)}
        counters = {c["number"]: c["id"] for c in queue_config.counters_of(conn, unit_id)}
        accounts.create_user(
            conn,
            None,
            accounts.NewUser(
                username="motcua2.hc", full_name="Cán bộ thứ hai", roles=("clerk",), unit_id=unit_id, department_id=None
            ),
            "motcua@2026",
        )
    return unit_id, groups, counters


def _take(engine, group_id: int, index: int) -> str:
    with write(engine) as conn:
        ticket = queue.issue_ticket(
            conn, unit_code=UNIT, group_id=group_id, browser_id=f"b{index}", at=AT + timedelta(milliseconds=index)
        )
    return ticket["number"]


def test_200_tickets_taken_at_once_get_200_distinct_numbers_without_gaps(demo_engine):
    _, groups, _ = _setup(demo_engine)
    with ThreadPoolExecutor(max_workers=12) as pool:
        numbers = list(pool.map(lambda i: _take(demo_engine, groups["A"], i), range(200)))
    assert sorted(numbers) == list(range(1, 201))


def test_two_clerks_calling_next_at_the_same_instant_never_get_the_same_ticket(demo_engine):
    _, groups, counters = _setup(demo_engine)
    for index in range(30):
        _take(demo_engine, groups["A"], index)
    clerks = [actor(demo_engine, "motcua.hc"), actor(demo_engine, "motcua2.hc")]
    start = threading.Barrier(2)

    def work(clerk, counter_id) -> list[int]:
        taken = []
        start.wait()
        while True:
            with write(demo_engine) as conn:
                ticket = queue.call_next(conn, clerk, counter_id=counter_id, at=AT + timedelta(minutes=1))
                if ticket is None:
                    return taken
                queue.finish_service(conn, clerk, counter_id=counter_id, at=AT + timedelta(minutes=1))
            taken.append(ticket["id"])

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(work, clerks, [counters[1], counters[2]]))
    every = results[0] + results[1]
    assert len(every) == len(set(every)) == 30  # no citizen called twice, nobody skipped


def test_one_waiting_citizen_is_called_by_exactly_one_of_two_counters_pressing_at_once(demo_engine):
    _, groups, counters = _setup(demo_engine)
    clerks = [actor(demo_engine, "motcua.hc"), actor(demo_engine, "motcua2.hc")]
    for round_ in range(10):
        _take(demo_engine, groups["A"], round_)
        start = threading.Barrier(2)

        def press(clerk, counter_id, start=start):
            start.wait()
            with write(demo_engine) as conn:
                called = queue.call_next(conn, clerk, counter_id=counter_id, at=AT + timedelta(minutes=1))
                if called:
                    queue.finish_service(conn, clerk, counter_id=counter_id, at=AT + timedelta(minutes=1))
            return called

        with ThreadPoolExecutor(max_workers=2) as pool:
            outcomes = list(pool.map(press, clerks, [counters[1], counters[2]]))
        assert sum(1 for called in outcomes if called) == 1, f"round {round_}: {outcomes}"
    with read(demo_engine) as conn:
        assert queue.display_board(conn, unit_code=UNIT, at=AT + timedelta(minutes=2))["waiting"][0]["count"] == 0
