"""Each KPI equals what the test computes itself, in plain Python, from the dossiers it inserted."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import insert, select

from db.engine import read, write
from db.schema import departments, dossier_files, dossiers, procedures, units, users
from services.catalog.procedures import calendar_for_unit
from services.core.clock import LOCAL_TZ
from services.core.errors import PermissionDenied
from services.ioc import kpi
from services.ioc.early_warnings import early_warnings
from tests.builders import actor

AT = datetime(2025, 9, 17, 10, 0, tzinfo=LOCAL_TZ)  # a Wednesday morning, office open
CURRENT = (date(2025, 9, 1), date(2025, 9, 30))  # still running at AT
PAST = (date(2025, 8, 1), date(2025, 8, 31))
PROCESSING = {"awaiting_dispatch", "received", "assigned", "in_progress", "supplement_requested"}


def local_midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=LOCAL_TZ)


def _ids(conn, table, column, values):
    return {v: conn.scalar(select(table.c.id).where(column == v)) for v in values}


def _dossier(rng: random.Random, n: int, ctx: dict) -> dict:
    received = AT - timedelta(days=rng.uniform(0.05, 55))
    received = received.replace(microsecond=0)
    unit, other = rng.sample([ctx["nhs"], ctx["hc"]], 2)
    due = received + timedelta(hours=rng.choice([6, 20, 30, 80, 200, 400]))
    row = dict(
        code=f"T-{n:05d}",
        procedure_id=rng.choice(ctx["procedures"]),
        receiving_unit_id=rng.choice([unit, other]),
        processing_unit_id=rng.choice([unit, unit, None]),
        department_id=rng.choice([None, *ctx["departments"]]),
        assignee_id=rng.choice([None, *ctx["users"]]),
        status="received",
        channel=rng.choice([1, 2, 2, 3]),
        applicant_name=f"Công dân {n}",
        vneid_support=rng.choice(["none", "none", "created", "activated"]),
        deadline_kind="working_days",
        deadline_amount=3,
        submitted_at=received,
        received_at=received,
        due_at=due,
        original_due_at=due,
        paused_at=None,
        paused_seconds=0,
        supplement_count=rng.choice([0, 0, 0, 1, 2]),
        apology_count=rng.choice([0, 0, 0, 0, 1]),
        result_electronic=rng.random() < 0.6,
        is_late=None,
        finished_at=None,
        returned_at=None,
        rating=None,
        updated_at=received,
    )
    if row["processing_unit_id"] is None:
        row["receiving_unit_id"] = unit
    fate = rng.random()
    if fate < 0.55:
        finished = min(AT - timedelta(minutes=5), received + timedelta(hours=rng.uniform(0.5, 500)))
        row.update(
            finished_at=finished.replace(microsecond=0),
            status=rng.choice(["result_ready", "rejected", "returned", "returned"]),
            paused_seconds=rng.choice([0, 0, 3600, 7200]),
            is_late=rng.choice([None, None, True, False]),
        )
        if row["status"] == "returned":
            row["returned_at"] = min(AT - timedelta(minutes=1), finished + timedelta(hours=rng.uniform(0, 30)))
            row["returned_at"] = row["returned_at"].replace(microsecond=0)
            row["rating"] = rng.choice([None, "satisfied", "satisfied", "not_satisfied"])
    elif fate < 0.6:
        row["status"] = "withdrawn"
    else:
        row["status"] = rng.choice(sorted(PROCESSING))
        if row["status"] == "supplement_requested":
            row["paused_at"] = received + timedelta(hours=1)
        if rng.random() < 0.35:  # due soon after AT: near-due candidates, some only by calendar time
            row["due_at"] = row["original_due_at"] = AT + timedelta(hours=rng.choice([1, 5, 23, 30, 50, 70, 100]))
    return row


@pytest.fixture
def dataset(demo):
    rng = random.Random(20250917)
    with write(demo.engine) as conn:
        unit_ids = _ids(conn, units, units.c.code, ["NGUHANHSON", "HAICHAU"])
        ctx = {
            "nhs": unit_ids["NGUHANHSON"],
            "hc": unit_ids["HAICHAU"],
            "procedures": list(
                _ids(conn, procedures, procedures.c.code, ["ket_hon", "gpxd_nha_o", "khai_sinh"]).values()
            ),
            "departments": list(
                conn.scalars(select(departments.c.id).where(departments.c.unit_id == unit_ids["NGUHANHSON"]))
            ),
            "users": list(_ids(conn, users, users.c.username, ["chuyenvien.nhs", "hotich.nhs"]).values()),
        }
        rows = [_dossier(rng, n, ctx) for n in range(260)]
        conn.execute(insert(dossiers), rows)
        by_code = dict(conn.execute(select(dossiers.c.code, dossiers.c.id)).all())
        scanned = set()
        for row in rows:
            row["id"] = by_code[row["code"]]
            kind = rng.choice(["scan", "scan", "result", None])
            if kind:
                conn.execute(insert(dossier_files).values(_file(row["id"], kind, row["received_at"])))
                scanned |= {row["id"]} if kind == "scan" else set()
        calendar = calendar_for_unit(conn, ctx["nhs"])
    return demo, rows, scanned, ctx, calendar


def _file(dossier_id: int, kind: str, at: datetime) -> dict:
    return dict(
        dossier_id=dossier_id,
        kind=kind,
        filename="a.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
        storage_key=f"k/{dossier_id}/{kind}",
        uploaded_at=at,
        uploaded_by="t",
    )


# --- the independent computation --------------------------------------------------------------------------------


def kpi_unit(row: dict) -> int:
    return row["processing_unit_id"] or row["receiving_unit_id"]


def expected(rows, scanned, calendar, unit_id, start: date, end: date) -> dict:
    start_at, end_at = local_midnight(start), local_midnight(end + timedelta(days=1))
    asof = min(end_at, AT)
    mine = [r for r in rows if unit_id is None or kpi_unit(r) == unit_id]
    received = [r for r in mine if start_at <= r["received_at"] < end_at]
    finished = [r for r in mine if r["finished_at"] and start_at <= r["finished_at"] < end_at]
    returned = [r for r in mine if r["returned_at"] and start_at <= r["returned_at"] < end_at]
    still_open = [
        r
        for r in mine
        if r["received_at"] < asof
        and r["status"] != "withdrawn"
        and (
            (r["finished_at"] is None and r["status"] in PROCESSING) or (r["finished_at"] and r["finished_at"] >= asof)
        )
    ]

    def counted_late(r):
        return r["supplement_count"] >= 2 or r["apology_count"] >= 1

    def overdue(r):
        return r["due_at"] < asof and r["paused_at"] is None

    late = [
        r
        for r in finished
        if counted_late(r) or (r["is_late"] if r["is_late"] is not None else r["finished_at"] > r["due_at"])
    ] + [r for r in still_open if counted_late(r) or overdue(r)]
    processed = len(finished) + len(still_open)
    late_rate = len(late) / processed if processed else None
    dislike = sum(1 for r in finished if r["rating"] == "not_satisfied") / len(finished) if finished else 0
    near = [
        r
        for r in still_open
        if r["paused_at"] is None and r["due_at"] >= asof and calendar.between(asof, r["due_at"]) <= 24 * 3600
    ]
    hours = [((r["finished_at"] - r["received_at"]).total_seconds() - r["paused_seconds"]) / 3600 for r in finished]
    return {
        "received": len(received),
        "returned": len(returned),
        "in_progress": len(still_open),
        "overdue": sum(1 for r in still_open if overdue(r)),
        "near_due": len(near),
        "on_time_rate": None if late_rate is None else 1 - late_rate,
        "avg_processing_hours": sum(hours) / len(hours) if hours else None,
        "digitization_rate": (
            sum(1 for r in finished if r["result_electronic"] and r["id"] in scanned) / len(finished)
            if finished
            else None
        ),
        "online_rate": sum(1 for r in received if r["channel"] == 2) / len(received) if received else None,
        "vneid": sum(1 for r in received if r["vneid_support"] != "none"),
        "satisfaction": None if late_rate is None else max(0, 1 - late_rate - dislike),
    }


def assert_figures(actual: dict, wanted: dict) -> None:
    for key, value in wanted.items():
        assert actual[key] == (value if value is None or isinstance(value, int) else pytest.approx(value)), key


# --- the tests ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("period", [CURRENT, PAST], ids=["running period", "past period"])
def test_each_kpi_of_a_ward_equals_the_value_computed_from_the_inserted_rows(dataset, period):
    demo, rows, scanned, ctx, calendar = dataset
    with read(demo.engine) as conn:
        figures = kpi.summary(
            conn, actor(demo.engine, "lanhdao.nhs"), unit_id=ctx["nhs"], start=period[0], end=period[1], at=AT
        )
    wanted = expected(rows, scanned, calendar, ctx["nhs"], *period)
    assert wanted["received"] > 10 and wanted["in_progress"] > 5  # the data set exercises the figures
    assert_figures(figures, wanted)


def test_the_whole_city_figures_add_up_every_unit(dataset):
    demo, rows, scanned, ctx, calendar = dataset
    with read(demo.engine) as conn:
        figures = kpi.summary(
            conn, actor(demo.engine, "lanhdao.tp"), unit_id=None, start=CURRENT[0], end=CURRENT[1], at=AT
        )
    assert_figures(figures, expected(rows, scanned, calendar, None, *CURRENT))


def test_the_running_period_has_near_due_and_overdue_dossiers_to_warn_about(dataset):
    demo, rows, scanned, ctx, calendar = dataset
    wanted = expected(rows, scanned, calendar, ctx["nhs"], *CURRENT)
    assert wanted["near_due"] > 0 and wanted["overdue"] > 0


def test_figures_by_day_match_the_rows_received_returned_and_finished_each_local_day(dataset):
    demo, rows, scanned, ctx, calendar = dataset
    with read(demo.engine) as conn:
        days = kpi.by_day(conn, actor(demo.engine, "admin"), unit_id=ctx["nhs"], start=PAST[0], end=PAST[1], at=AT)
    assert [d["day"] for d in days] == [PAST[0] + timedelta(days=i) for i in range(31)]
    mine = [r for r in rows if kpi_unit(r) == ctx["nhs"]]

    def on(moment, day):
        return moment is not None and moment.astimezone(LOCAL_TZ).date() == day

    for entry in days:
        assert entry["received"] == sum(on(r["received_at"], entry["day"]) for r in mine)
        assert entry["returned"] == sum(on(r["returned_at"], entry["day"]) for r in mine)
        assert entry["finished"] == sum(on(r["finished_at"], entry["day"]) and r["status"] != "withdrawn" for r in mine)
    assert sum(d["received"] for d in days) == expected(rows, scanned, calendar, ctx["nhs"], *PAST)["received"]


def test_the_breakdown_by_procedure_gives_each_procedure_its_own_figures(dataset):
    demo, rows, scanned, ctx, calendar = dataset
    with read(demo.engine) as conn:
        table = kpi.breakdown(
            conn,
            actor(demo.engine, "lanhdao.nhs"),
            unit_id=ctx["nhs"],
            start=PAST[0],
            end=PAST[1],
            by="procedure",
            at=AT,
        )
    assert {r["key"] for r in table} <= set(ctx["procedures"])
    for entry in table:
        subset = [r for r in rows if r["procedure_id"] == entry["key"]]
        wanted = expected(subset, scanned, calendar, ctx["nhs"], *PAST)
        wanted.pop("near_due")
        assert_figures(entry, wanted)


@pytest.mark.parametrize("by", ["department", "officer"])
def test_the_breakdowns_by_department_and_officer_cover_every_dossier_once(dataset, by):
    demo, rows, scanned, ctx, calendar = dataset
    with read(demo.engine) as conn:
        table = kpi.breakdown(
            conn, actor(demo.engine, "lanhdao.nhs"), unit_id=ctx["nhs"], start=CURRENT[0], end=CURRENT[1], by=by, at=AT
        )
    wanted = expected(rows, scanned, calendar, ctx["nhs"], *CURRENT)
    for key in ("received", "returned", "in_progress", "overdue", "vneid"):
        assert sum(r[key] for r in table) == wanted[key], key
    column = "department_id" if by == "department" else "assignee_id"
    for entry in table:
        subset = [r for r in rows if r[column] == entry["key"]]
        assert entry["received"] == expected(subset, scanned, calendar, ctx["nhs"], *CURRENT)["received"]


def test_the_ranking_lists_all_94_units_with_the_two_active_wards_ranked(dataset):
    demo, rows, scanned, ctx, calendar = dataset
    with read(demo.engine) as conn:
        ranking = kpi.ranking(conn, actor(demo.engine, "lanhdao.tp"), start=CURRENT[0], end=CURRENT[1], at=AT)
    assert len(ranking) == 94
    ranked = [r for r in ranking if r["rank"] is not None]
    assert {r["unit_id"] for r in ranked} == {ctx["nhs"], ctx["hc"]}
    assert [r["rank"] for r in ranked] == [1, 2] and ranked[0]["score"] >= ranked[1]["score"]
    for row in ranked:
        wanted = expected(rows, scanned, calendar, row["unit_id"], *CURRENT)
        wanted.pop("near_due")
        assert_figures(row, wanted)


def test_the_score_follows_decision_766_weights():
    figures = {"on_time_rate": 0.9, "digitization_rate": 0.4, "online_rate": 0.75, "satisfaction": 0.81}
    assert kpi.score(figures) == pytest.approx(20 * 0.9 + 22 * 0.5 + 22 * 1 + 18 * 0.9)


def test_rates_without_dossiers_are_empty_not_zero():
    figures = kpi.derive({})
    assert figures["on_time_rate"] is None and figures["online_rate"] is None and figures["score"] is None


@pytest.mark.parametrize(
    "username, unit",
    [("lanhdao.hc", "nhs"), ("motcua.nhs", "nhs"), ("chuyenvien.nhs", "nhs"), ("lanhdao.nhs", None)],
)
def test_kpis_are_refused_outside_ones_own_unit_and_to_counter_and_department_staff(dataset, username, unit):
    demo, rows, scanned, ctx, calendar = dataset
    with read(demo.engine) as conn, pytest.raises(PermissionDenied):
        kpi.summary(conn, actor(demo.engine, username), unit_id=ctx.get(unit), start=CURRENT[0], end=CURRENT[1], at=AT)


def test_early_warnings_list_overdue_then_near_due_dossiers_with_who_holds_them(dataset):
    demo, rows, scanned, ctx, calendar = dataset
    with read(demo.engine) as conn:
        warnings = early_warnings(conn, actor(demo.engine, "lanhdao.nhs"), unit_id=ctx["nhs"], at=AT)
    wanted = expected(rows, scanned, calendar, ctx["nhs"], *CURRENT)
    levels = [w["level"] for w in warnings]
    assert levels.count("overdue") == wanted["overdue"] and levels.count("near_due") == wanted["near_due"]
    assert levels == sorted(levels, key=lambda level: level != "overdue")
    assigned = next(w for w in warnings if w["assignee"] != "Chưa phân công")
    assert assigned["assignee"] in {"Võ Quốc Huy", "Đặng Thu Trang"}


def test_a_specialist_sees_only_the_warnings_of_their_own_department(dataset):
    demo, rows, scanned, ctx, calendar = dataset
    specialist = actor(demo.engine, "chuyenvien.nhs")
    with read(demo.engine) as conn:
        warnings = early_warnings(conn, specialist, unit_id=ctx["hc"], at=AT)
        names = set(conn.scalars(select(departments.c.name).where(departments.c.id == specialist.department_id)))
    assert warnings and {w["department"] for w in warnings} == names


def test_a_dossier_due_at_close_tomorrow_is_near_due_but_one_due_in_four_working_days_is_not(demo):
    with write(demo.engine) as conn:
        unit = conn.scalar(select(units.c.id).where(units.c.code == "NGUHANHSON"))
        procedure = conn.scalar(select(procedures.c.id).where(procedures.c.code == "khai_sinh"))
        base = dict(
            procedure_id=procedure, receiving_unit_id=unit, status="received", applicant_name="A",
            deadline_kind="working_days", deadline_amount=1, submitted_at=AT, received_at=AT - timedelta(hours=1),
            updated_at=AT,
        )  # fmt: skip
        for code, due in (("N1", AT + timedelta(days=1, hours=7)), ("N2", AT + timedelta(days=6))):
            conn.execute(insert(dossiers).values(code=code, due_at=due, original_due_at=due, **base))
    with read(demo.engine) as conn:
        figures = kpi.summary(
            conn, actor(demo.engine, "lanhdao.nhs"), unit_id=unit, start=CURRENT[0], end=CURRENT[1], at=AT
        )
    assert figures["near_due"] == 1 and figures["in_progress"] == 2
