"""Measures the worklist with 10,000 open dossiers in one department, against a bare-SQL page of the same rows.

Each case's bare query filters as that actor sees the worklist (a specialist: their department's dossiers assigned
to them or to nobody) and pages the same way; before timing, the bench checks that both return the same dossier ids
in the same order, so each ratio compares like with like.

Usage: .venv/bin/python bench/worklist.py [DATABASE_URL]   (default: a fresh SQLite file in a temporary folder)
Prints milliseconds per call (median of repeated runs) and the ratio to the bare query; nothing is asserted.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("MOTCUA_BCRYPT_ROUNDS", "4")

from sqlalchemy import insert, or_, select, text  # noqa: E402

from db import migrate  # noqa: E402
from db.engine import build_engine, read, write  # noqa: E402
from db.schema import dossiers  # noqa: E402
from seed.demo import seed_demo  # noqa: E402
from services.accounts.accounts import load_actor  # noqa: E402
from services.catalog.procedures import get_procedure  # noqa: E402
from services.core.clock import now  # noqa: E402
from services.processing import worklist  # noqa: E402

OPEN_DOSSIERS = 10_000
STATUSES = ("assigned", "in_progress", "supplement_requested")
REPEAT = 30


def fill(engine, head) -> None:
    start = now() - timedelta(days=30)
    with write(engine) as conn:
        procedure = get_procedure(conn, "gpxd_nha_o")
        rows = [
            dict(
                code=f"BENCH-{i:06d}",
                procedure_id=procedure["id"],
                receiving_unit_id=head.unit_id,
                processing_unit_id=head.unit_id,
                department_id=head.department_id,
                assignee_id=head.user_id if i % 3 else None,
                status=STATUSES[i % 3] if i % 3 else "assigned",
                applicant_name=f"Công dân {i}",
                deadline_kind="working_days",
                deadline_amount=15,
                submitted_at=start + timedelta(minutes=7 * i),
                received_at=start + timedelta(minutes=7 * i),
                due_at=start + timedelta(days=21, minutes=7 * i),
                original_due_at=start + timedelta(days=21, minutes=7 * i),
                paused_at=start if i % 3 == 2 else None,
                updated_at=start,
            )
            for i in range(OPEN_DOSSIERS)
        ]
        conn.execute(insert(dossiers), rows)


def median_ms(call) -> float:
    timings = []
    for _ in range(REPEAT):
        began = time.perf_counter()
        call()
        timings.append((time.perf_counter() - began) * 1000)
    return statistics.median(timings)


def bare_page(engine, who, page: int) -> list[int]:
    """The same rows as the worklist page of `who`, by hand: the actor's scope written out, no extra columns."""
    conditions = [
        dossiers.c.processing_unit_id == who.unit_id,
        dossiers.c.department_id == who.department_id,
        dossiers.c.status.in_(("received", "assigned", "in_progress", "supplement_requested")),
    ]
    if "specialist" in who.roles and "department_head" not in who.roles:
        conditions.append(or_(dossiers.c.assignee_id == who.user_id, dossiers.c.assignee_id.is_(None)))
    query = (
        select(dossiers.c.id, dossiers.c.code, dossiers.c.due_at)
        .where(*conditions)
        .order_by(dossiers.c.due_at, dossiers.c.id)
        .limit(25)
        .offset((page - 1) * 25)
    )
    with read(engine) as conn:
        return [row.id for row in conn.execute(query)]


def service_page(engine, who, page: int) -> list[int]:
    with read(engine) as conn:
        return [row["id"] for row in worklist.worklist(conn, who, page=page).rows]


def main() -> None:
    url = sys.argv[1] if len(sys.argv) > 1 else f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    engine = build_engine(url)
    migrate.upgrade(engine)
    with write(engine) as conn:
        seed_demo(conn)
        head = load_actor(conn, "truongphong.nhs")
        specialist = load_actor(conn, "chuyenvien.nhs")
    began = time.perf_counter()
    fill(engine, head)
    seconds = time.perf_counter() - began
    print(f"database: {engine.dialect.name}; inserted {OPEN_DOSSIERS} open dossiers in {seconds:.1f} s")
    with read(engine) as conn:
        conn.execute(text("ANALYZE"))
    last_page = -(-OPEN_DOSSIERS // 25)
    cases = [
        (
            name,
            lambda who=who, page=page: service_page(engine, who, page),
            lambda who=who, page=page: bare_page(engine, who, page),
        )
        for name, who, page in (
            ("head, first page", head, 1),
            ("head, middle page", head, last_page // 2),
            ("specialist, first page", specialist, 1),
            ("specialist, middle page", specialist, last_page // 4),
        )
    ]
    for name, service, bare in cases:
        same = service() == bare()
        if not same or not bare():
            raise SystemExit(f"{name}: the bare query does not return the worklist's rows; fix the bench first")
        service_ms, bare_ms = median_ms(service), median_ms(bare)
        ratio = service_ms / bare_ms
        print(f"{name:24} worklist() {service_ms:7.1f} ms   bare SQL page {bare_ms:6.1f} ms   ratio {ratio:5.1f}x")


if __name__ == "__main__":
    main()
