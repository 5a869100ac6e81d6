"""Everything the dossier page shows, for anyone dossier_flow.can_read lets in: facts, files, timeline, appraisals,
supplement requests, apologies, the control slip's hand-overs and the actions open to this user."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import Connection, select

from db.schema import (
    apologies,
    departments,
    dossier_documents,
    dossier_files,
    dossiers,
    procedures,
    site_appraisal_photos,
    site_appraisals,
    supplement_requests,
    units,
    users,
)
from services.catalog.procedures import calendar_for_unit
from services.core.clock import now
from services.core.errors import NotFound
from services.core.files import FileStore
from services.core.roles import Actor
from services.dossiers import flow as dossier_flow
from services.processing.actions import available_actions
from services.processing.worklist import timing

# Events that hand the dossier over from one holder to another: the rows of the control slip.
HAND_OVER_ACTIONS = (
    "receive",
    "receive_unrouted",
    "dispatch",
    "transfer",
    "ship_dossier",
    "receive_paper",
    "assign",
    "start",
    "request_supplement",
    "receive_supplement",
    "complete",
    "reject",
    "ship_result",
    "receive_result",
    "return_result",
    "withdraw",
)


def find_dossier_id(conn: Connection, actor: Actor, *, code: str) -> int:
    """By code, refusing in the same words whether the dossier is missing or out of the user's scope."""
    row = conn.execute(select(dossiers).where(dossiers.c.code == (code or "").strip().upper())).first()
    if row is None or not dossier_flow.can_read(actor, dict(row._mapping)):
        raise NotFound(f"Không tìm thấy hồ sơ mã “{(code or '').strip()}” trong phạm vi của bạn.")
    return row.id


def dossier_view(conn: Connection, actor: Actor, *, dossier_id: int, at: datetime | None = None) -> dict:
    dossier = dossier_flow.load(conn, dossier_id)
    dossier_flow.require_read(actor, dossier)
    calendar = calendar_for_unit(conn, dossier["processing_unit_id"])
    return {
        "dossier": dossier,
        "names": dossier_names(conn, dossier),
        "timing": timing(calendar, dossier, at or now()) if dossier["status"] in dossier_flow.OPEN_STATUSES else {},
        "status_label": dossier_flow.STATUS_LABELS.get(dossier["status"], dossier["status"]),
        "documents": _rows(conn, select(dossier_documents).where(dossier_documents.c.dossier_id == dossier_id)),
        "files": _rows(
            conn, select(dossier_files).where(dossier_files.c.dossier_id == dossier_id).order_by(dossier_files.c.id)
        ),
        "events": _labelled_events(conn, dossier_id),
        "appraisals": _appraisals(conn, dossier_id),
        "supplements": _supplements(conn, dossier_id),
        "apologies": _rows(
            conn, select(apologies).where(apologies.c.dossier_id == dossier_id).order_by(apologies.c.id)
        ),
        "actions": available_actions(actor, dossier),
    }


def _rows(conn: Connection, query) -> list[dict]:
    return [dict(r._mapping) for r in conn.execute(query)]


def dossier_names(conn: Connection, dossier: dict) -> dict:
    def unit(unit_id):
        return conn.scalar(select(units.c.name).where(units.c.id == unit_id)) if unit_id else ""

    return {
        "procedure": conn.scalar(select(procedures.c.name).where(procedures.c.id == dossier["procedure_id"])),
        "receiving_unit": unit(dossier["receiving_unit_id"]),
        "processing_unit": unit(dossier["processing_unit_id"]),
        "department": conn.scalar(select(departments.c.name).where(departments.c.id == dossier["department_id"]))
        if dossier["department_id"]
        else "",
        "assignee": conn.scalar(select(users.c.full_name).where(users.c.id == dossier["assignee_id"]))
        if dossier["assignee_id"]
        else "",
    }


def _labelled_events(conn: Connection, dossier_id: int) -> list[dict]:
    rows = dossier_flow.events(conn, dossier_id)
    names = _user_names(conn, {r["user_id"] for r in rows} | {r["to_user_id"] for r in rows})
    for row in rows:
        row["label"] = dossier_flow.EVENT_LABELS.get(row["action"], row["action"])
        row["by"] = names.get(row["user_id"]) or row["username"]
        row["to_user"] = names.get(row["to_user_id"], "")
    return rows


def _user_names(conn: Connection, ids: set) -> dict:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return dict(conn.execute(select(users.c.id, users.c.full_name).where(users.c.id.in_(ids))).all())


def _appraisals(conn: Connection, dossier_id: int) -> list[dict]:
    rows = _rows(
        conn, select(site_appraisals).where(site_appraisals.c.dossier_id == dossier_id).order_by(site_appraisals.c.id)
    )
    for row in rows:
        row["photo_ids"] = list(
            conn.scalars(
                select(site_appraisal_photos.c.file_id).where(site_appraisal_photos.c.appraisal_id == row["id"])
            )
        )
    return rows


def _supplements(conn: Connection, dossier_id: int) -> list[dict]:
    query = select(supplement_requests).where(supplement_requests.c.dossier_id == dossier_id)
    rows = _rows(conn, query.order_by(supplement_requests.c.seq))
    for row in rows:
        row["items"] = json.loads(row["items"])
    return rows


def file_content(conn: Connection, actor: Actor, store: FileStore, *, file_id: int) -> dict:
    """A stored scan or photo, only for someone who may read its dossier."""
    row = conn.execute(select(dossier_files).where(dossier_files.c.id == file_id)).first()
    if row is None:
        raise NotFound("Không tìm thấy tệp.")
    dossier_flow.require_read(actor, dossier_flow.load(conn, row.dossier_id))
    try:
        data = store.get(row.storage_key)
    except (OSError, RuntimeError) as exc:
        raise NotFound(f"Không đọc được tệp “{row.filename}” từ kho lưu trữ.") from exc
    return {**dict(row._mapping), "data": data}


def hand_overs(conn: Connection, dossier: dict) -> list[dict]:
    """The control slip's rows: who handed the dossier to whom, when, the step's due time, on time or not."""
    rows = [e for e in _labelled_events(conn, dossier["id"]) if e["action"] in HAND_OVER_ACTIONS]
    unit_names = _unit_names(conn, {r["unit_id"] for r in rows} | {r["to_unit_id"] for r in rows})
    department_names = _department_names(conn, {r["to_department_id"] for r in rows})
    for row in rows:
        row["from"] = row["by"]
        row["to"] = _receiver(row, dossier, unit_names, department_names)
        row["on_time"] = None if row["step_due_at"] is None else row["at"] <= row["step_due_at"]
    return rows


def _receiver(row: dict, dossier: dict, unit_names: dict, department_names: dict) -> str:
    if row["action"] in ("request_supplement", "return_result", "reject"):
        who = "Công dân" if row["action"] != "reject" else "Bộ phận một cửa (trả văn bản từ chối)"
        return f"{who} {dossier['applicant_name']}" if row["action"] != "reject" else who
    if row["to_user"]:
        return row["to_user"]
    if row["to_department_id"]:
        return department_names.get(row["to_department_id"], "")
    if row["action"] == "complete":
        return "Bộ phận một cửa " + unit_names.get(row["to_unit_id"], "")
    if row["to_unit_id"]:
        return unit_names.get(row["to_unit_id"], "")
    return "Bộ phận một cửa" if row["action"] in ("receive", "receive_unrouted") else ""


def _unit_names(conn: Connection, ids: set) -> dict:
    ids = {i for i in ids if i is not None}
    return dict(conn.execute(select(units.c.id, units.c.name).where(units.c.id.in_(ids))).all()) if ids else {}


def _department_names(conn: Connection, ids: set) -> dict:
    ids = {i for i in ids if i is not None}
    query = select(departments.c.id, departments.c.name).where(departments.c.id.in_(ids))
    return dict(conn.execute(query).all()) if ids else {}
