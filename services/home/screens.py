"""The first screen of each role: the figures of the day's work, gathered from the features' own services.

Each function is one page call and returns plain values; counting is left to the services that own the data
(queue, worklist, early warnings, KPIs, feedback, rivers, postal, readiness) except for three small queries
that no feature answers yet (dossiers due back today, results waiting at the counter, supplements received back).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import Connection, func, select

from db.schema import dossiers, procedures, supplement_requests
from services.core.clock import LOCAL_TZ, now
from services.core.errors import DomainError
from services.core.roles import ADMIN, CITY_LEADER, CLERK, DEPARTMENT_HEAD, LEADER, SPECIALIST, Actor
from services.feedback import desk as feedback_desk
from services.ioc import early_warnings, kpi, rivers
from services.notify import inbox as notify_inbox
from services.online import submission as online_submission
from services.processing import worklist
from services.queue import tickets as queue
from services.rollout import readiness
from services.transfers import postal

DUE_BACK_STATUSES = ("received", "assigned", "in_progress", "result_ready", "result_in_transit")
SUPPLEMENT_BACK_DAYS = 7
TOP = 5
URGENCY_ORDER = {"overdue": 0, "near": 1, "ok": 2, "paused": 3}  # late first; a paused clock waits on the citizen


def home_kind(actor: Actor) -> str:
    """Which home a user sees; a user with several roles gets the one of the widest daily duty."""
    if actor.has(ADMIN, CITY_LEADER):
        return "city"
    if actor.has(LEADER):
        return "leader"
    if actor.has(DEPARTMENT_HEAD, SPECIALIST):
        return "department"
    if actor.has(CLERK):
        return "clerk"
    return "none"


def _day_bounds(at: datetime) -> tuple[datetime, datetime]:
    start = at.astimezone(LOCAL_TZ).replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + timedelta(days=1)


# Clerk ----------------------------------------------------------------------------------------------------------


def clerk_home(conn: Connection, actor: Actor, *, at: datetime | None = None) -> dict:
    """My counters' line (waiting per group, next number), results due back today, shipments to confirm."""
    actor.require(CLERK)
    at = at or now()
    return {
        "counters": [_counter_line(conn, actor, counter, at) for counter in queue.my_counters(conn, actor)],
        "due_today": _due_back_today(conn, actor, at),
        "ready_to_return": _count(conn, dossiers.c.receiving_unit_id == actor.unit_id, status="result_ready"),
        "shipments_to_confirm": len(postal.shipments(conn, actor, direction="incoming", open_only=True, at=at)),
        "online_inbox": online_inbox(conn, actor),
    }


def _counter_line(conn: Connection, actor: Actor, counter: dict, at: datetime) -> dict:
    board = queue.counter_board(conn, actor, counter_id=counter["id"], at=at)
    per_group = Counter(entry["group"] for entry in board["line"])
    return {
        "id": counter["id"],
        "label": f"Quầy {counter['number']} – {counter['name']}",
        "waiting": len(board["line"]),
        "per_group": dict(sorted(per_group.items())),
        "next": board["line"][0]["code"] if board["line"] else None,
        "current": board["current"]["code"] if board["current"] else None,
    }


def _due_back_today(conn: Connection, actor: Actor, at: datetime) -> list[dict]:
    """Dossiers received here whose appointment is today and that are not returned yet."""
    start, end = _day_bounds(at)
    query = (
        select(dossiers.c.id, dossiers.c.code, dossiers.c.applicant_name, dossiers.c.due_at, dossiers.c.status)
        .where(
            dossiers.c.receiving_unit_id == actor.unit_id,
            dossiers.c.status.in_(DUE_BACK_STATUSES),
            dossiers.c.due_at >= start,
            dossiers.c.due_at < end,
        )
        .order_by(dossiers.c.due_at, dossiers.c.id)
    )
    return [dict(row._mapping) for row in conn.execute(query)]


def online_inbox(conn: Connection, actor: Actor) -> int:
    """Online dossiers of the unit waiting for the clerk: new ones and those whose supplement came back."""
    return len(online_submission.inbox(conn, actor))


def _count(conn: Connection, *conditions, status: str) -> int:
    return conn.scalar(select(func.count()).select_from(dossiers).where(dossiers.c.status == status, *conditions))


# Specialist and department head ---------------------------------------------------------------------------------


def department_home(conn: Connection, actor: Actor, *, at: datetime | None = None) -> dict:
    """My dossiers, late first; the department's unassigned ones; supplements the citizen brought back."""
    actor.require(SPECIALIST, DEPARTMENT_HEAD)
    if actor.department_id is None:
        raise DomainError("Tài khoản chưa được gán phòng chuyên môn; liên hệ quản trị viên.")
    at = at or now()
    # A department head answers for the whole department, a specialist for the dossiers assigned to them.
    assignee = None if actor.has(DEPARTMENT_HEAD) else actor.user_id
    mine = worklist.worklist(conn, actor, assignee_id=assignee, page_size=TOP * 2, at=at)
    unassigned = worklist.worklist(conn, actor, assignee_id=worklist.UNASSIGNED, page_size=TOP, at=at)
    return {
        "mine": sorted(mine.rows, key=lambda row: (URGENCY_ORDER[row["urgency"]], row["remaining_seconds"])),
        "mine_total": mine.total,
        "mine_overdue": mine.overdue,
        "mine_near": sum(1 for row in mine.rows if row["urgency"] == "near"),
        "unassigned": unassigned.rows,
        "unassigned_total": unassigned.total,
        "supplements_back": _supplements_back(conn, actor, at),
    }


def _supplements_back(conn: Connection, actor: Actor, at: datetime) -> list[dict]:
    """Supplements received in the last days on open dossiers of my department (mine, for a specialist)."""
    query = (
        select(
            dossiers.c.id,
            dossiers.c.code,
            dossiers.c.applicant_name,
            procedures.c.name.label("procedure_name"),
            supplement_requests.c.received_at,
        )
        .join(dossiers, dossiers.c.id == supplement_requests.c.dossier_id)
        .join(procedures, procedures.c.id == dossiers.c.procedure_id)
        .where(
            supplement_requests.c.received_at >= at - timedelta(days=SUPPLEMENT_BACK_DAYS),
            dossiers.c.processing_unit_id == actor.unit_id,
            dossiers.c.department_id == actor.department_id,
            dossiers.c.status.in_(("assigned", "in_progress")),
        )
        .order_by(supplement_requests.c.received_at.desc())
        .limit(50)
    )
    if not actor.has(DEPARTMENT_HEAD):
        query = query.where(dossiers.c.assignee_id == actor.user_id)
    return [dict(row._mapping) for row in conn.execute(query)]


# Ward leader ----------------------------------------------------------------------------------------------------


def leader_home(conn: Connection, actor: Actor, *, at: datetime | None = None) -> dict:
    """Today's KPI tiles and early warnings of the unit, feedback due, river alerts."""
    actor.require(LEADER)
    at = at or now()
    today = at.astimezone(LOCAL_TZ).date()
    warnings = early_warnings.early_warnings(conn, actor, unit_id=actor.unit_id, at=at)
    return {
        "today": kpi.summary(conn, actor, unit_id=actor.unit_id, start=today, end=today, at=at),
        "overdue": sum(1 for w in warnings if w["level"] == "overdue"),
        "near_due": sum(1 for w in warnings if w["level"] != "overdue"),
        "warnings": warnings[:TOP],
        "feedback": _feedback_due(conn, actor, at),
        "river_alerts": river_alerts(conn, actor, at=at),
    }


def _feedback_due(conn: Connection, actor: Actor, at: datetime) -> dict:
    items = feedback_desk.desk_items(conn, actor, unit_id=actor.unit_id, view="open", at=at)
    _, end_of_today = _day_bounds(at)
    return {
        "open": len(items),
        "overdue": sum(1 for item in items if item["overdue"]),
        "due_today": sum(1 for item in items if not item["overdue"] and item["due_at"] < end_of_today),
    }


def river_alerts(conn: Connection, actor: Actor, *, at: datetime | None = None) -> list[dict]:
    """Stations at or above alert level 1, highest first."""
    stations = rivers.station_overview(conn, actor, at=at)
    raised = [s for s in stations if s["alert"] > 0]
    return sorted(raised, key=lambda s: (-s["alert"], s["name"]))


# City leader and administrator ----------------------------------------------------------------------------------


def city_home(conn: Connection, actor: Actor, *, at: datetime | None = None) -> dict:
    """The city's tiles for today, the units with the most overdue dossiers, readiness gaps."""
    actor.require(CITY_LEADER, ADMIN)
    at = at or now()
    today = at.astimezone(LOCAL_TZ).date()
    warnings = early_warnings.early_warnings(conn, actor, unit_id=None, at=at)
    found = readiness.unit_readiness(conn, actor)
    return {
        "today": kpi.summary(conn, actor, unit_id=None, start=today, end=today, at=at),
        "overdue": sum(1 for w in warnings if w["level"] == "overdue"),
        "most_overdue": _most_overdue(warnings),
        "readiness": readiness.readiness_summary(found),
        "not_ready": _closest_to_ready(found),
        "river_alerts": river_alerts(conn, actor, at=at),
    }


def _most_overdue(warnings: list[dict]) -> list[dict]:
    counts = Counter(w["unit"] for w in warnings if w["level"] == "overdue")
    return [{"unit": unit, "overdue": n} for unit, n in sorted(counts.items(), key=lambda i: (-i[1], i[0]))[:TOP]]


def _closest_to_ready(found: list) -> list[dict]:
    """Units not ready yet, those with the fewest gaps first: they are the ones a call today can finish."""
    pending = sorted((row for row in found if not row.ready), key=lambda row: (len(row.missing), row.name))
    return [{"name": row.name, "missing": row.missing} for row in pending[:TOP]]


def my_notifications(conn: Connection, actor: Actor, *, limit: int = 10) -> list[dict]:
    """In-app notifications addressed to this person (near-due dossiers), unread first."""
    return notify_inbox.list_for_user(conn, actor, limit=limit)
