"""Bulk onboarding of the whole city: 94 units × 15 staff (plus their departments, groups and counters) from one
.xlsx, through the dry run, the password hashing and the one-transaction commit. The goal is under a minute.

Run: .venv/bin/python bench/import_staff.py [--database-url URL] [--units 94]
Without --database-url it uses a fresh SQLite file in a temporary folder. With a PostgreSQL URL it works in a
schema of its own and drops it at the end. bcrypt's cost is the one services.accounts uses (MOTCUA_BCRYPT_ROUNDS,
12 unless set); the baseline is hashing one password at a time, measured on a sample and scaled to the same count.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402

from db import migrate  # noqa: E402
from db.engine import build_engine, read, write  # noqa: E402
from seed.reference import seed_units  # noqa: E402
from services.accounts import accounts  # noqa: E402
from services.rollout import staff_import  # noqa: E402
from tests.rollout_builders import STAFF_PER_UNIT, all_unit_codes, tables_for, workbook  # noqa: E402

BASELINE_SAMPLE = 6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--units", type=int, default=94)
    args = parser.parse_args()
    with _database(args.database_url) as engine:
        run(engine, args.units)


def run(engine, unit_count: int) -> None:
    migrate.upgrade(engine)
    with write(engine) as conn:
        seed_units(conn)
    codes = all_unit_codes(engine)[:unit_count]
    started = time.perf_counter()
    content = workbook(tables_for(codes))
    built = _lap(started)
    files = [("trien-khai.xlsx", content)]

    t = time.perf_counter()
    with read(engine) as conn:
        plan = staff_import.plan_import(conn, None, files=files)
    dry_run = _lap(t)
    assert plan.ok, plan.errors[:3]

    t = time.perf_counter()
    credentials = staff_import.issue_credentials(plan.usernames)
    hashing = _lap(t)

    t = time.perf_counter()
    with write(engine) as conn:
        result = staff_import.commit_import(conn, None, files=files, credentials=credentials)
    commit = _lap(t)

    t = time.perf_counter()
    for _ in range(BASELINE_SAMPLE):
        accounts.hash_password(staff_import.generate_password(), rounds=accounts.INITIAL_PASSWORD_ROUNDS)
    one_at_a_time = _lap(t) / BASELINE_SAMPLE * len(credentials)

    total = dry_run + hashing + commit
    people = result.counts.get("staff_create", 0)
    print(
        f"database: {engine.dialect.name}; cores: {os.cpu_count()}; bcrypt rounds: {accounts.BCRYPT_ROUNDS} "
        f"(one-time passwords: {accounts.INITIAL_PASSWORD_ROUNDS})"
    )
    print(f"file: {len(codes)} units × {STAFF_PER_UNIT} staff = {people} accounts, {len(content) / 1024:.0f} KiB")
    print(f"  build the .xlsx (not part of the import): {built:7.2f} s")
    print(f"  read + dry run (line-by-line report):     {dry_run:7.2f} s")
    print(f"  passwords: generate + bcrypt, pool of {staff_import.HASH_WORKERS}:  {hashing:7.2f} s")
    print(f"  commit (check again + write, one txn):    {commit:7.2f} s")
    print(f"import total (dry run + hashing + commit):  {total:7.2f} s   goal < 60 s")
    print(
        f"baseline: one hash at a time would take ≈ {one_at_a_time:.1f} s "
        f"(pool speed-up ×{one_at_a_time / hashing:.2f})"
    )


def _lap(started: float) -> float:
    return time.perf_counter() - started


class _database:
    """A throwaway database: a temporary SQLite file, or a schema of its own on the given PostgreSQL server."""

    def __init__(self, url: str):
        self.url, self.schema, self.folder = url, None, None

    def __enter__(self):
        if not self.url:
            self.folder = tempfile.TemporaryDirectory()
            self.engine = build_engine(f"sqlite:///{self.folder.name}/bench.db")
            return self.engine
        self.schema = f"bench_import_{uuid.uuid4().hex[:8]}"
        self.admin = build_engine(self.url)
        with self.admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{self.schema}"'))
        self.engine = build_engine(self.url, schema=self.schema)
        return self.engine

    def __exit__(self, *exc):
        self.engine.dispose()
        if self.schema:
            with self.admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{self.schema}" CASCADE'))
            self.admin.dispose()
        if self.folder:
            self.folder.cleanup()


if __name__ == "__main__":
    main()
