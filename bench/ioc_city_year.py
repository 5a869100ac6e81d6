"""A city-year on PostgreSQL: how long the IOC's KPI queries take for a ward and for the whole city.

Builds, in a throwaway schema, 94 units with a year of dossiers (default 1.5 million) with their events and scans,
3 million queue tickets and 150,000 feedback items (those tables exist), and a year of 10-minute river readings,
all with server-side generate_series; then prints each KPI query's time next to a bare SQL baseline of the same
aggregate, and the IOC page's server time: every service call pages/ioc.py makes (the KPI tabs, early warnings,
the queue and feedback monitors, the river stations, the cameras and the unit picker). The schema is dropped at
the end. A small --dossiers/--tickets/--feedback run checks the bench works.

    .venv/bin/python bench/ioc_city_year.py [--dossiers 1500000 --tickets 3000000 --feedback 150000] [--url …]
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402

from db import migrate  # noqa: E402
from db.engine import build_engine, read, write  # noqa: E402
from seed.reference import seed_reference  # noqa: E402
from services.core import units  # noqa: E402
from services.core.clock import LOCAL_TZ  # noqa: E402
from services.core.roles import Actor  # noqa: E402
from services.ioc import (
    cameras,  # noqa: E402
    early_warnings,  # noqa: E402
    index766,  # noqa: E402
    kpi,  # noqa: E402
    rivers,  # noqa: E402
)
from services.ioc import monitors as ioc_monitors  # noqa: E402

DEFAULT_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
YEAR_END = date(2025, 12, 31)
YEAR_START = YEAR_END - timedelta(days=364)
AT = datetime(2025, 12, 31, 10, 0, tzinfo=LOCAL_TZ)
CITY = Actor(0, "bench", "bench", frozenset({"city_leader"}), None, None)


def timed(label: str, function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    print(f"  {label:<46} {time.perf_counter() - started:8.2f} s", flush=True)
    return result


def generate(engine, dossiers: int, tickets: int, feedback: int) -> None:
    with write(engine) as conn:
        seed_reference(conn)
    statements = [
        ("departments (4 per unit)", DEPARTMENTS),
        ("users (6 specialists per unit)", USERS),
        (f"dossiers ({dossiers:,})", DOSSIERS),
        ("dossier events (3–4 per dossier)", EVENTS),
        ("scans (≈ 75 % of dossiers)", SCANS),
        ("river readings (a year, every 10 minutes)", READINGS),
    ]
    tables = _tables(engine)
    if {"queue_groups", "queue_tickets"} <= tables:
        statements += [("queue groups", QUEUE_GROUPS), (f"queue tickets ({tickets:,})", TICKETS)]
    if "feedback" in tables:
        statements += [(f"feedback ({feedback:,})", FEEDBACK)]
    params = {"n": dossiers, "tickets": tickets, "feedback": feedback, "start": YEAR_START, "days": 365}
    for label, sql in statements:
        with write(engine) as conn:
            conn.execute(text("SET LOCAL session_replication_role = replica"))  # bulk load: skip FK triggers
            timed(label, conn.execute, text(sql), params)
    with write(engine) as conn:
        timed("ANALYZE", conn.execute, text("ANALYZE"))


def _tables(engine) -> set[str]:
    with read(engine) as conn:
        return set(conn.scalars(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")))


DEPARTMENTS = """
INSERT INTO departments (unit_id, code, name, kind, active)
SELECT u.id, k.code, k.name, k.kind, true FROM units u CROSS JOIN (VALUES
  ('van_phong', 'Văn phòng', 'van_phong'), ('kinh_te', 'Phòng Kinh tế', 'kinh_te'),
  ('vhxh', 'Phòng Văn hóa – Xã hội', 'van_hoa_xa_hoi'), ('dia_chinh', 'Địa chính', 'dia_chinh')) AS k(code, name, kind)
"""
USERS = """
INSERT INTO users (username, full_name, email, phone, password_hash, roles, unit_id, department_id, active,
                   failed_logins, must_change_password, created_at)
SELECT 'cv' || d.id || '_' || g, 'Chuyên viên ' || d.id || '.' || g, '', '', 'x', 'specialist', d.unit_id, d.id, true,
       0, false, now()
FROM departments d CROSS JOIN generate_series(1, 2) g WHERE d.code <> 'van_phong'
"""
# One row per dossier; a procedure, unit, department and officer picked from the row number, times spread over the year.
DOSSIERS = """
WITH p AS (SELECT array_agg(id ORDER BY id) AS ids, array_agg(deadline_amount ORDER BY id) AS days FROM procedures),
     u AS (SELECT array_agg(id ORDER BY id) AS ids FROM units),
     dep AS (SELECT unit_id, array_agg(id ORDER BY id) AS ids FROM departments GROUP BY unit_id),
     s AS (
       SELECT g,
              1 + (g::bigint * 7919) % array_length(p.ids, 1) AS pi,
              u.ids[1 + (g::bigint * 104729) % array_length(u.ids, 1)] AS unit_id,
              (CAST(:start AS timestamp) + (g % :days) * interval '1 day' + interval '7 hours 30 minutes'
               + (random() * interval '9 hours')) AT TIME ZONE 'Asia/Ho_Chi_Minh' AS received_at,
              random() AS r1, random() AS r2, random() AS r3
       FROM generate_series(1, :n) g, p, u
     )
INSERT INTO dossiers (code, procedure_id, receiving_unit_id, processing_unit_id, department_id, assignee_id, status,
  channel, applicant_name, applicant_phone, applicant_address, verification, vneid_support, deadline_kind,
  deadline_amount, submitted_at, received_at, due_at, original_due_at, paused_seconds, supplement_count,
  apology_count, result_ready_at, result_electronic, returned_at, finished_at, is_late, collected_by, rating,
  rating_comment, notes, version, updated_at, counted_late)
SELECT 'B-' || s.g, p.ids[s.pi], s.unit_id, s.unit_id,
  dep.ids[1 + s.g % 4],
  NULL, CASE WHEN fin.at IS NULL THEN 'in_progress' WHEN s.r2 < 0.9 THEN 'returned' ELSE 'result_ready' END,
  1 + (s.g % 3 = 0)::int + (s.g % 11 = 0)::int, 'Công dân ' || s.g, '', '', false,
  CASE WHEN s.r3 < 0.3 THEN 'activated' ELSE 'none' END, 'working_days', greatest(p.days[s.pi], 1),
  s.received_at, s.received_at, due.at, due.at, CASE WHEN s.r3 < 0.1 THEN 7200 ELSE 0 END,
  CASE WHEN s.r3 < 0.1 THEN 1 WHEN s.r3 < 0.12 THEN 2 ELSE 0 END, 0, fin.at, s.r1 < 0.7,
  CASE WHEN fin.at IS NOT NULL AND s.r2 < 0.9 THEN fin.at + interval '2 hours' END, fin.at,
  CASE WHEN fin.at IS NOT NULL THEN fin.at > due.at END, '',
  CASE WHEN fin.at IS NOT NULL AND s.r2 < 0.9
       THEN (CASE WHEN s.r3 < 0.05 THEN 'not_satisfied' ELSE 'satisfied' END) END,
  '', '', 1, s.received_at, false
FROM s JOIN dep ON dep.unit_id = s.unit_id, p,
  LATERAL (SELECT s.received_at + greatest(p.days[s.pi], 1) * 1.4 * interval '1 day' AS at) due,
  LATERAL (SELECT CASE WHEN s.received_at + greatest(p.days[s.pi], 1) * s.r1 * 1.6 * interval '1 day'
                          < TIMESTAMPTZ '2025-12-31 10:00+07'
                       THEN s.received_at + greatest(p.days[s.pi], 1) * s.r1 * 1.6 * interval '1 day' END AS at) fin
"""
EVENTS = """
INSERT INTO dossier_events (dossier_id, at, action, from_status, to_status, username, unit_id, public, note)
SELECT d.id, d.received_at + (e.n || ' hours')::interval, e.action, e.from_status, e.to_status, 'bench',
       d.receiving_unit_id, true, ''
FROM dossiers d CROSS JOIN (VALUES (0, 'receive', NULL, 'received'), (1, 'transfer', 'received', 'assigned'),
                                   (2, 'assign', 'assigned', 'in_progress')) AS e(n, action, from_status, to_status)
UNION ALL
SELECT d.id, d.finished_at, 'complete', 'in_progress', 'result_ready', 'bench', d.processing_unit_id, true, ''
FROM dossiers d WHERE d.finished_at IS NOT NULL
"""
SCANS = """
INSERT INTO dossier_files (dossier_id, kind, filename, content_type, size, sha256, storage_key, uploaded_at,
  uploaded_by)
SELECT id, 'scan', 'scan.pdf', 'application/pdf', 100000, repeat('0', 64), 'bench/' || id, received_at, 'bench'
FROM dossiers WHERE id % 4 <> 0
"""
READINGS = """
INSERT INTO river_readings (station_id, at, level_m, rain_mm, source, created_at)
SELECT s.id, t, 1 + sin(extract(epoch FROM t) / 86400.0) + random() * 0.1, random() * 2, 'csv', t
FROM river_stations s,
     generate_series(CAST(:start AS timestamptz), CAST(:start AS timestamptz) + interval '365 days',
                     interval '10 minutes') t
"""
QUEUE_GROUPS = """
INSERT INTO queue_groups (unit_id, letter, name, active) SELECT id, 'A', 'Tất cả thủ tục', true FROM units
"""
TICKETS = """
INSERT INTO queue_tickets (unit_id, group_id, origin_group_id, day, number, code, token, phone, browser_id,
  priority_name, status, issued_at, issued_hour, queued_at, called_at, call_count, started_at, finished_at,
  wait_seconds, service_seconds)
SELECT g.unit_id, g.id, g.id, x.day, x.number, 'A' || x.number, md5(g.id || '-' || x.day || '-' || x.number), '', '',
  '', 'done', x.at, 8, x.at, x.at + interval '9 minutes', 1, x.at + interval '10 minutes', x.at + interval '22 minutes',
  540, 720
FROM queue_groups g
CROSS JOIN LATERAL (
  SELECT CAST(:start AS date) + (k / 88) AS day, 1 + k % 88 AS number,
         (CAST(:start AS date) + (k / 88) + time '07:30' + (k % 88) * interval '6 minutes')
           AT TIME ZONE 'Asia/Ho_Chi_Minh' AS at
  FROM generate_series(0, :tickets / 94) k
) x
"""
FEEDBACK = """
INSERT INTO feedback (code, unit_id, address, title, content, search_text, category, urgent, kind, confidence, status,
  contact_name, contact_phone, contact_email, hide_name, received_at, due_at, info_request, answer, answered_at,
  reject_note, rating_comment, reopen_count, version, updated_at)
SELECT 'F' || g, u.ids[1 + g % array_length(u.ids, 1)], '', 'Phản ánh ' || g, 'Nội dung', '', 'other', false,
  'standard', 0.5, CASE WHEN g % 10 = 0 THEN 'in_progress' ELSE 'answered' END, '', '', '', true, t,
  t + interval '3 days', '',
  CASE WHEN g % 10 = 0 THEN '' ELSE 'Đã xử lý' END, CASE WHEN g % 10 = 0 THEN NULL ELSE t + interval '2 days' END,
  '', '', 0, 1, t
FROM generate_series(1, :feedback) g, (SELECT array_agg(id) AS ids FROM units) u,
     LATERAL (SELECT CAST(:start AS timestamptz) + (g % 365) * interval '1 day' + interval '2 hours' AS t) tt
"""
BASELINES = {
    "summary": """SELECT count(*) FILTER (WHERE received_at >= :s AND received_at < :e),
                         count(*) FILTER (WHERE finished_at >= :s AND finished_at < :e),
                         count(*) FILTER (WHERE finished_at IS NULL AND due_at < :e)
                  FROM dossiers WHERE {scope} (received_at >= :s AND received_at < :e OR finished_at >= :s
                  AND finished_at < :e OR finished_at IS NULL)""",
    "by_day": """SELECT date(received_at AT TIME ZONE 'Asia/Ho_Chi_Minh'), count(*) FROM dossiers
                 WHERE {scope} received_at >= :s AND received_at < :e GROUP BY 1""",
    "breakdown by procedure": """SELECT procedure_id, count(*) FROM dossiers
                 WHERE {scope} received_at >= :s AND received_at < :e GROUP BY 1""",
    "early warnings": """SELECT id, due_at FROM dossiers
                 WHERE {scope} finished_at IS NULL AND due_at < :e + interval '3 days' ORDER BY due_at LIMIT 500""",
}


def measure(engine, unit_id: int | None, label: str) -> None:
    start, end = date(2025, 12, 1), YEAR_END
    scope = {"unit_id": unit_id, "start": start, "end": end, "at": AT}
    queries = {
        "summary": lambda c: kpi.summary(c, CITY, **scope),
        "by_day": lambda c: kpi.by_day(c, CITY, **scope),
        "breakdown by procedure": lambda c: kpi.breakdown(c, CITY, by="procedure", **scope),
        "breakdown by department": lambda c: kpi.breakdown(c, CITY, by="department", **scope),
        "breakdown by officer": lambda c: kpi.breakdown(c, CITY, by="officer", **scope),
        "ranking of the 94 units": lambda c: index766.ranking(c, CITY, start=start, end=end, at=AT),
        "early warnings": lambda c: early_warnings.early_warnings(c, CITY, unit_id=unit_id, at=AT),
        "queue monitor": lambda c: ioc_monitors.stats(c, CITY, kind="queue", unit_id=unit_id, start=start, end=end),
        "feedback monitor": lambda c: ioc_monitors.stats(
            c, CITY, kind="feedback", unit_id=unit_id, start=start, end=end
        ),
        "river stations": lambda c: rivers.station_overview(c, CITY, at=AT),
        "cameras": lambda c: cameras.list_cameras(c, CITY, unit_id=unit_id),
        "unit picker": lambda c: units.list_units(c),
    }
    print(f"\n{label}: December 2025, 'now' = {AT:%d/%m/%Y %H:%M}")
    print(f"  {'query':<28} {'service (s)':>12} {'bare SQL (s)':>13} {'ratio':>7}")
    page_total = 0.0
    for name, run in queries.items():
        service_time = _best(engine, run)
        page_total += service_time
        baseline = BASELINES.get(name)
        base_time = _best(engine, lambda c, sql=baseline: _baseline(c, sql, unit_id, start, end)) if baseline else None
        ratio = f"{service_time / base_time:7.1f}" if base_time else "      —"
        shown = f"{base_time:13.3f}" if base_time else f"{'—':>13}"
        print(f"  {name:<28} {service_time:12.3f} {shown} {ratio}")
    print(f"  {'IOC page server time (sum)':<28} {page_total:12.3f}")


def _baseline(conn, sql: str, unit_id: int | None, start: date, end: date):
    scope = "" if unit_id is None else "coalesce(processing_unit_id, receiving_unit_id) = :u AND "
    s = datetime.combine(start, datetime.min.time(), tzinfo=LOCAL_TZ)
    e = datetime.combine(end + timedelta(days=1), datetime.min.time(), tzinfo=LOCAL_TZ)
    return conn.execute(text(sql.format(scope=scope)), {"u": unit_id, "s": s, "e": e}).all()


def _best(engine, run, repeats: int = 3) -> float:
    """The best of a few warm runs: what a cached-cold page costs once the database has the pages in memory."""
    times = []
    for _ in range(repeats):
        with read(engine) as conn:
            started = time.perf_counter()
            run(conn)
            times.append(time.perf_counter() - started)
    return min(times)


def _stop(_signum, _frame) -> None:
    raise SystemExit("stopped")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dossiers", type=int, default=1_500_000)
    parser.add_argument("--tickets", type=int, default=3_000_000)
    parser.add_argument("--feedback", type=int, default=150_000)
    parser.add_argument("--url", default=DEFAULT_URL)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, _stop)  # a killed run still drops its schema
    schema = f"bench_ioc_{uuid.uuid4().hex[:8]}"
    admin = build_engine(args.url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = build_engine(args.url, schema=schema)
    try:
        print(f"schema {schema}: migrating and generating a city-year")
        timed("migrate", migrate.upgrade, engine)
        generate(engine, args.dossiers, args.tickets, args.feedback)
        with read(engine) as conn:
            ward = conn.scalar(text("SELECT id FROM units WHERE code = 'NGUHANHSON'"))
        measure(engine, ward, "One ward (Ngũ Hành Sơn)")
        measure(engine, None, "Whole city (94 units)")
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
        print(f"\nschema {schema} dropped")


if __name__ == "__main__":
    main()
