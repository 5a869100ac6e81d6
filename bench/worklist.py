"""Measures the worklist with 10,000 open dossiers in one department, against a bare-SQL page of the same rows.

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

from sqlalchemy import insert, select, text  # noqa: E402

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


def bare_page(engine, head, offset: int) -> None:
    query = (
        select(dossiers.c.id, dossiers.c.code, dossiers.c.due_at)
        .where(
            dossiers.c.processing_unit_id == head.unit_id,
            dossiers.c.department_id == head.department_id,
            dossiers.c.status.in_(worklist.WORK_STATUSES),
        )
        .order_by(dossiers.c.due_at, dossiers.c.id)
        .limit(25)
        .offset(offset)
    )
    with read(engine) as conn:
        conn.execute(query).all()


def service_page(engine, head, page: int) -> None:
    with read(engine) as conn:
        worklist.worklist(conn, head, page=page)


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
        ("head, first page", lambda: service_page(engine, head, 1), lambda: bare_page(engine, head, 0)),
        (
            "head, middle page",
            lambda: service_page(engine, head, last_page // 2),
            lambda: bare_page(engine, head, 5000),
        ),
        ("specialist, first page", lambda: service_page(engine, specialist, 1), lambda: bare_page(engine, head, 0)),
    ]
    for name, service, bare in cases:
        service_ms, bare_ms = median_ms(service), median_ms(bare)
        ratio = service_ms / bare_ms
        print(f"{name:24} worklist() {service_ms:7.1f} ms   bare SQL page {bare_ms:6.1f} ms   ratio {ratio:5.1f}x")


if __name__ == "__main__":
    main()
