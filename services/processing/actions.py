"""Processing in a specialist department: assignment, site appraisal, supplements that stop the clock, apologies,
results and rejections. Every change goes through dossier_flow.transition()/record() in the caller's transaction.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import Connection, insert, select, update

from db.schema import (
    apologies,
    dossier_files,
    procedures,
    site_appraisal_photos,
    site_appraisals,
    supplement_requests,
    users,
)
from services.catalog import procedures as catalog
from services.catalog import steps as legal_steps
from services.catalog.procedures import calendar_for_unit
from services.core.clock import format_datetime, local, local_today, now
from services.core.errors import Conflict, PermissionDenied, ValidationError
from services.core.files import IMAGE_TYPES, CheckedFile, FileStore, check_uploads
from services.core.roles import CLERK, DEPARTMENT_HEAD, LEADER, SPECIALIST, Actor
from services.core.text import nfc
from services.core.working_time import due_at, extend_by_pause
from services.dossiers import flow as dossier_flow
from services.dossiers import signed_results
from services.dossiers.files import attach_files

APPRAISAL_CONCLUSIONS = {
    "meets": "Đủ điều kiện",
    "needs_changes": "Cần điều chỉnh, bổ sung",
    "fails": "Không đủ điều kiện",
}
MAX_PHOTOS = 10
MAX_TEXT = 4000
STALE = "Hồ sơ vừa được người khác cập nhật. Vui lòng tải lại trang rồi thao tác lại."
HANDLER_ONLY = "Chỉ chuyên viên được phân công hoặc trưởng phòng mới thực hiện được thao tác này."
FileUpload = tuple[str, bytes]


def moment(at: datetime | None = None) -> datetime:
    """Whole seconds, so that paused working time and the moved appointment match to the second."""
    return (at or now()).replace(microsecond=0)


# --- who may do what -------------------------------------------------------------------------------------------


def is_department_member(actor: Actor, dossier: dict) -> bool:
    return (
        actor.has(SPECIALIST, DEPARTMENT_HEAD)
        and dossier.get("department_id") is not None
        and actor.department_id == dossier["department_id"]
        and actor.unit_id == dossier.get("processing_unit_id")
    )


def is_department_head(actor: Actor, dossier: dict) -> bool:
    return actor.has(DEPARTMENT_HEAD) and is_department_member(actor, dossier)


def is_handler(actor: Actor, dossier: dict) -> bool:
    """The assigned specialist or the head of the dossier's department."""
    return is_department_head(actor, dossier) or (
        is_department_member(actor, dossier) and dossier.get("assignee_id") == actor.user_id
    )


def is_counter_clerk(actor: Actor, dossier: dict) -> bool:
    return actor.has(CLERK) and actor.unit_id == dossier["receiving_unit_id"]


def is_unit_leader(actor: Actor, dossier: dict) -> bool:
    return actor.has(LEADER) and actor.unit_id == dossier.get("processing_unit_id")


def may_take(actor: Actor, dossier: dict) -> bool:
    return is_department_member(actor, dossier) and dossier.get("assignee_id") is None


def available_actions(actor: Actor, dossier: dict) -> list[str]:
    """The actions the page offers this user for this dossier now; each service checks again."""
    status = dossier["status"]
    allowed = set(dossier_flow.allowed_actions(status))
    offered = []
    if "assign" in allowed and (is_department_head(actor, dossier) or may_take(actor, dossier)):
        offered.append("assign")
    if "start" in allowed and dossier.get("department_id") and is_department_member(actor, dossier):
        offered.append("start")
    if is_handler(actor, dossier):
        offered += [a for a in ("request_supplement", "complete", "reject") if a in allowed]
        if status == "in_progress":
            offered.append("site_appraisal")
    if "receive_supplement" in allowed and is_counter_clerk(actor, dossier):
        offered.append("receive_supplement")
    if status in APOLOGY_STATUSES and may_apologize(actor, dossier):
        offered.append("apologize")
    return offered


APOLOGY_STATUSES = frozenset({"received", "assigned", "in_progress", "supplement_requested"})


def may_apologize(actor: Actor, dossier: dict) -> bool:
    """Any procedure may need an apology: the handler or the unit's leader, and for a dossier decided at the counter
    (no department) its counter clerk."""
    at_counter = dossier.get("department_id") is None and is_counter_clerk(actor, dossier)
    return is_handler(actor, dossier) or is_unit_leader(actor, dossier) or at_counter


def _require(condition: bool, message: str = HANDLER_ONLY) -> None:
    if not condition:
        raise PermissionDenied(message)


def _load(conn: Connection, actor: Actor, dossier_id: int, expected_version: int | None = None) -> dict:
    """A stale page hears that someone else changed the dossier before any rule about the new state is checked."""
    dossier = dossier_flow.load(conn, dossier_id, for_update=True)
    dossier_flow.require_read(actor, dossier)
    if expected_version is not None and expected_version != dossier["version"]:
        raise Conflict(STALE)
    return dossier


def _clean_text(value: str, label: str, *, required: bool = True) -> str:
    text = nfc(value or "")
    if required and not text:
        raise ValidationError(f"Vui lòng nhập {label}.")
    if len(text) > MAX_TEXT:
        raise ValidationError(f"{label.capitalize()} quá dài (tối đa {MAX_TEXT} ký tự).")
    return text


# --- assignment --------------------------------------------------------------------------------------------------


def assign(
    conn: Connection,
    actor: Actor,
    *,
    dossier_id: int,
    assignee_id: int,
    expected_version: int,
    note: str = "",
    at: datetime | None = None,
) -> dict:
    """The head assigns or reassigns a specialist; a specialist may take an unassigned dossier of the department."""
    dossier = _load(conn, actor, dossier_id, expected_version)
    _require(
        is_department_head(actor, dossier) or (may_take(actor, dossier) and assignee_id == actor.user_id),
        "Chỉ trưởng phòng phân công hồ sơ; chuyên viên chỉ tự nhận hồ sơ chưa có người xử lý.",
    )
    dossier_flow.next_status(dossier["status"], "assign")
    assignee = _department_specialist(conn, dossier, assignee_id)
    if dossier.get("assignee_id") == assignee_id:
        raise ValidationError(f"Hồ sơ đã được phân công cho {assignee['full_name']}.")
    previous = _user_name(conn, dossier.get("assignee_id"))
    text = f"Chuyển từ {previous} sang {assignee['full_name']}" if previous else f"Giao {assignee['full_name']}"
    return dossier_flow.transition(
        conn,
        actor,
        dossier,
        "assign",
        expected_version=expected_version,
        note=" — ".join(filter(None, [text, nfc(note)])),
        public=False,
        at=moment(at),
        event={
            "to_user_id": assignee_id,
            "to_department_id": dossier["department_id"],
            "step_due_at": dossier["due_at"],
        },
        assignee_id=assignee_id,
    )


def _department_specialist(conn: Connection, dossier: dict, user_id: int) -> dict:
    row = conn.execute(select(users).where(users.c.id == user_id)).first()
    member = row is not None and row.active and row.department_id == dossier["department_id"]
    if (
        not member
        or row.unit_id != dossier["processing_unit_id"]
        or not {"specialist", "department_head"} & set(row.roles.split(","))
    ):
        raise ValidationError("Người được phân công phải là chuyên viên đang làm việc của phòng xử lý hồ sơ.")
    return dict(row._mapping)


def _user_name(conn: Connection, user_id: int | None) -> str:
    if user_id is None:
        return ""
    return conn.scalar(select(users.c.full_name).where(users.c.id == user_id)) or ""


def department_staff(conn: Connection, actor: Actor, *, dossier_id: int) -> list[dict]:
    """Who the dossier can be assigned to: active specialists of its department."""
    dossier = dossier_flow.load(conn, dossier_id)
    dossier_flow.require_read(actor, dossier)
    query = (
        select(users.c.id, users.c.full_name, users.c.username, users.c.roles)
        .where(
            users.c.department_id == dossier["department_id"],
            users.c.unit_id == dossier["processing_unit_id"],
            users.c.active.is_(True),
        )
        .order_by(users.c.full_name)
    )
    rows = [dict(r._mapping) for r in conn.execute(query)]
    return [r for r in rows if {"specialist", "department_head"} & set(r["roles"].split(","))]


def start(conn: Connection, actor: Actor, *, dossier_id: int, expected_version: int, at: datetime | None = None):
    """A dossier still at 'received' is taken up by a member of its department (who becomes its assignee)."""
    dossier = _load(conn, actor, dossier_id, expected_version)
    _require(is_department_member(actor, dossier))
    changes = {} if dossier.get("assignee_id") else {"assignee_id": actor.user_id}
    return dossier_flow.transition(
        conn, actor, dossier, "start", expected_version=expected_version, at=moment(at), public=True, **changes
    )


def add_note(conn: Connection, actor: Actor, *, dossier_id: int, text: str, at: datetime | None = None) -> dict:
    """Internal notes never conflict with each other, so they are written on the current version. Only the ward
    staff working the dossier write them; city roles read."""
    actor.require(CLERK, LEADER, SPECIALIST, DEPARTMENT_HEAD)
    dossier = _load(conn, actor, dossier_id)
    text = _clean_text(text, "nội dung ghi chú")
    return dossier_flow.record(conn, actor, dossier, "note", note=text, public=False, at=moment(at))


# --- site appraisal ----------------------------------------------------------------------------------------------


def record_site_appraisal(
    conn: Connection,
    actor: Actor,
    store: FileStore,
    *,
    dossier_id: int,
    expected_version: int,
    appraised_on: date,
    participants: str,
    findings: str,
    conclusion: str,
    conclusion_note: str = "",
    photos: Sequence[FileUpload] = (),
    at: datetime | None = None,
) -> int:
    at = moment(at)
    dossier = _load(conn, actor, dossier_id, expected_version)
    _require(is_handler(actor, dossier))
    if dossier["status"] != "in_progress":
        raise dossier_flow.InvalidTransition("Chỉ lập biên bản thẩm định thực địa khi hồ sơ đang được xử lý.")
    values = _appraisal_values(dossier, appraised_on, participants, findings, conclusion, conclusion_note)
    checked = _checked_photos(photos)
    dossier_flow.record(
        conn,
        actor,
        dossier,
        "site_appraisal",
        expected_version=expected_version,
        note=f"{APPRAISAL_CONCLUSIONS[conclusion]}: {values['findings'][:200]}",
        at=at,
    )
    appraisal_id = conn.execute(
        insert(site_appraisals).values(
            dossier_id=dossier_id, created_at=at, created_by=actor.user_id, username=actor.username, **values
        )
    ).inserted_primary_key[0]
    for file_id in store_files(conn, actor, store, dossier_id, "appraisal_photo", checked, at=at):
        conn.execute(insert(site_appraisal_photos).values(appraisal_id=appraisal_id, file_id=file_id))
    return appraisal_id


def _appraisal_values(dossier, appraised_on, participants, findings, conclusion, conclusion_note) -> dict:
    if not isinstance(appraised_on, date):
        raise ValidationError("Vui lòng chọn ngày thẩm định.")
    if appraised_on > local_today():
        raise ValidationError("Ngày thẩm định không được sau hôm nay.")
    if appraised_on < local(dossier["received_at"]).date():
        raise ValidationError("Ngày thẩm định không được trước ngày tiếp nhận hồ sơ.")
    if conclusion not in APPRAISAL_CONCLUSIONS:
        raise ValidationError("Vui lòng chọn kết luận thẩm định.")
    return {
        "appraised_on": appraised_on,
        "participants": _clean_text(participants, "thành phần tham gia"),
        "findings": _clean_text(findings, "kết quả kiểm tra thực địa"),
        "conclusion": conclusion,
        "conclusion_note": _clean_text(conclusion_note, "ý kiến kết luận", required=False),
    }


def _checked_photos(photos: Sequence[FileUpload]) -> list[CheckedFile]:
    if len(photos) > MAX_PHOTOS:
        raise ValidationError(f"Tối đa {MAX_PHOTOS} ảnh cho một biên bản thẩm định.")
    return check_uploads(list(photos), allowed=IMAGE_TYPES)


def store_files(
    conn: Connection,
    actor: Actor,
    store: FileStore,
    dossier_id: int,
    kind: str,
    checked: list[CheckedFile],
    *,
    at,
    signatures=None,
) -> list[int]:
    """Stored through dossier_files.attach_files, which takes the objects back out if the transaction rolls back."""
    keys = attach_files(
        conn,
        actor,
        store,
        dossier_id=dossier_id,
        prefix=f"dossiers/{dossier_id}/{kind}",
        checked=checked,
        kind=kind,
        at=at,
        signatures=signatures,
    )
    if not keys:
        return []
    rows = conn.execute(
        select(dossier_files.c.storage_key, dossier_files.c.id).where(dossier_files.c.storage_key.in_(keys))
    )
    ids = dict(rows.all())
    return [ids[key] for key in keys]


# --- supplements: the clock stops until the citizen brings the papers ------------------------------------------


def clean_items(items: Sequence[str]) -> list[str]:
    cleaned = [nfc(item) for item in items or []]
    return list(dict.fromkeys(item for item in cleaned if item))


def request_supplement(
    conn: Connection,
    actor: Actor,
    *,
    dossier_id: int,
    expected_version: int,
    items: Sequence[str],
    note: str = "",
    at: datetime | None = None,
) -> int:
    """Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ: every missing paper at once. A second request is allowed but makes the
    dossier count as late in the national index (counted_late)."""
    at = moment(at)
    dossier = _load(conn, actor, dossier_id, expected_version)
    _require(is_handler(actor, dossier))
    dossier_flow.next_status(dossier["status"], "request_supplement")
    missing = clean_items(items)
    if not missing:
        raise ValidationError("Phải liệt kê ít nhất một giấy tờ cần bổ sung (liệt kê đầy đủ trong một lần).")
    if any(len(item) > 300 for item in missing):
        raise ValidationError("Mỗi giấy tờ cần bổ sung ghi tối đa 300 ký tự.")
    seq = dossier["supplement_count"] + 1
    limit = _procedure(conn, dossier).get("max_supplement_requests")
    if limit is not None and seq > limit:
        raise ValidationError(
            f"Thủ tục này chỉ được yêu cầu bổ sung, hoàn thiện hồ sơ {limit} lần bằng văn bản (Luật Xây dựng 2014, "
            "khoản 1 Điều 102, sửa đổi năm 2020); hồ sơ đã được yêu cầu bổ sung. Nếu hồ sơ bổ sung vẫn chưa đáp ứng, "
            "thông báo lý do không cấp giấy phép (Từ chối giải quyết)."
        )
    dossier_flow.transition(
        conn,
        actor,
        dossier,
        "request_supplement",
        expected_version=expected_version,
        note="Cần bổ sung: " + "; ".join(missing),
        at=at,
        event={"step_due_at": dossier["due_at"]},
        paused_at=at,
        supplement_count=seq,
        counted_late=dossier["counted_late"] or seq > 1,
    )
    return conn.execute(
        insert(supplement_requests).values(
            dossier_id=dossier_id,
            seq=seq,
            items=json.dumps(missing, ensure_ascii=False),
            note=_clean_text(note, "ghi chú", required=False),
            requested_at=at,
            requested_by=actor.username,
            due_before=dossier["due_at"],
        )
    ).inserted_primary_key[0]


def receive_supplement(
    conn: Connection,
    actor: Actor,
    store: FileStore | None = None,
    *,
    dossier_id: int,
    expected_version: int,
    note: str = "",
    scans: Sequence[FileUpload] = (),
    at: datetime | None = None,
) -> dict:
    """At the counter: the clock restarts and the appointment moves later by exactly the paused working time."""
    at = moment(at)
    dossier = _load(conn, actor, dossier_id, expected_version)
    _require(is_counter_clerk(actor, dossier), "Chỉ cán bộ một cửa nơi tiếp nhận hồ sơ nhận hồ sơ bổ sung.")
    dossier_flow.next_status(dossier["status"], "receive_supplement")
    checked = check_uploads(list(scans)) if scans else []
    calendar = calendar_for_unit(conn, dossier["processing_unit_id"])
    paused = max(0, round(calendar.between(dossier["paused_at"], at)))
    new_due = _due_after_supplement(conn, calendar, dossier, at)
    updated = dossier_flow.transition(
        conn,
        actor,
        dossier,
        "receive_supplement",
        expected_version=expected_version,
        note=f"Hẹn trả mới: {format_datetime(new_due)}" + (f" — {nfc(note)}" if nfc(note) else ""),
        at=at,
        event={"to_user_id": dossier.get("assignee_id"), "step_due_at": new_due},
        due_at=new_due,
        paused_at=None,
        paused_seconds=dossier["paused_seconds"] + paused,
    )
    conn.execute(
        update(supplement_requests)
        .where(supplement_requests.c.dossier_id == dossier_id, supplement_requests.c.received_at.is_(None))
        .values(received_at=at, received_by=actor.username, paused_seconds=paused, due_after=new_due)
    )
    if checked:
        store_files(conn, actor, store, dossier_id, "supplement", checked)
    return updated


def _procedure(conn: Connection, dossier: dict) -> dict:
    return dict(conn.execute(select(procedures).where(procedures.c.id == dossier["procedure_id"])).one()._mapping)


def _due_after_supplement(conn: Connection, calendar, dossier: dict, at: datetime) -> datetime:
    """The procedure's setting: "pause" (default) moves the appointment and the open steps later by the working time
    paused; "restart" counts the whole legal limit again from the supplement's receipt (the construction permit, a
    sample value to confirm): the open steps restart from then and the last one ends at the new appointment."""
    procedure = _procedure(conn, dossier)
    if procedure.get("supplement_clock") == "restart":
        new_due = due_at(calendar, catalog.deadline_of(procedure, verification=dossier["verification"]), at)
        legal_steps.restart_open_steps(conn, calendar, dossier["id"], restart_at=at)
        legal_steps.extend_last_step(conn, dossier["id"], new_due_at=new_due)
        return new_due
    legal_steps.shift_open_steps(conn, calendar, dossier["id"], paused_from=dossier["paused_at"], resumed_at=at)
    return extend_by_pause(calendar, dossier["due_at"], dossier["paused_at"], at)


# --- apology: the agency will be late ------------------------------------------------------------------------


def apologize(
    conn: Connection,
    actor: Actor,
    *,
    dossier_id: int,
    expected_version: int,
    reason: str,
    new_due_at: datetime,
    at: datetime | None = None,
) -> int:
    """Phiếu xin lỗi và hẹn lại ngày trả kết quả, no later than the procedure's lead time (1 working day by default)
    before the due moment (Decree 61/2018 Art. 19(3)(d)/(4)(c) as amended by Decree 107/2021; kept by Decree
    118/2025, see docs/rules.md). The legal due moment is kept: the dossier counts as late and turns "Quá hạn" when
    that moment passes; the new date promised to the citizen is `rescheduled_due_at`."""
    at = moment(at)
    dossier = _load(conn, actor, dossier_id, expected_version)
    _require(may_apologize(actor, dossier))
    if dossier["status"] not in APOLOGY_STATUSES:
        raise dossier_flow.InvalidTransition("Chỉ hẹn lại ngày trả kết quả cho hồ sơ đang giải quyết.")
    reason = _clean_text(reason, "lý do chậm trả kết quả")
    if new_due_at is None or new_due_at.tzinfo is None:
        raise ValidationError("Vui lòng chọn ngày giờ hẹn trả mới.")
    promised = dossier["rescheduled_due_at"] or dossier["due_at"]
    if new_due_at <= promised:
        raise ValidationError(f"Ngày hẹn trả mới phải sau ngày hẹn cũ ({format_datetime(promised)}).")
    if new_due_at <= at:
        raise ValidationError("Ngày hẹn trả mới phải ở trong tương lai.")
    limit = apology_limit(conn, dossier)
    if at > limit:
        raise ValidationError(
            "Đã quá thời điểm gửi phiếu xin lỗi và hẹn lại: chậm nhất "
            f"{format_datetime(limit)}, trước thời hạn giải quyết {format_datetime(dossier['due_at'])}. "
            "Hồ sơ vẫn phải giải quyết và được tính trễ hạn."
        )
    dossier_flow.record(
        conn,
        actor,
        dossier,
        "apologize",
        expected_version=expected_version,
        note=f"Hẹn lại: {format_datetime(new_due_at)}. Lý do: {reason}",
        public=True,
        at=at,
        event={"step_due_at": new_due_at},
        rescheduled_due_at=new_due_at,
        apology_count=dossier["apology_count"] + 1,
        counted_late=True,
    )
    return conn.execute(
        insert(apologies).values(
            dossier_id=dossier_id,
            reason=reason,
            old_due_at=promised,
            new_due_at=new_due_at,
            created_at=at,
            username=actor.username,
        )
    ).inserted_primary_key[0]


def apology_limit(conn: Connection, dossier: dict) -> datetime:
    """The last moment an apology may be sent: the procedure's lead time in working days before the due moment."""
    lead = conn.scalar(select(procedures.c.apology_lead_days).where(procedures.c.id == dossier["procedure_id"]))
    calendar = calendar_for_unit(conn, dossier["processing_unit_id"] or dossier["receiving_unit_id"])
    return calendar.add_working_days(dossier["due_at"], -(lead if lead is not None else 1))


# --- result or rejection ------------------------------------------------------------------------------------


def complete(
    conn: Connection,
    actor: Actor,
    store: FileStore,
    *,
    dossier_id: int,
    expected_version: int,
    results: Sequence[FileUpload],
    note: str = "",
    at: datetime | None = None,
) -> dict:
    """The result is uploaded and the dossier goes back to the counter's return list. It counts as an electronic
    result only when a PDF carries a valid digital signature (services.signed_results); scans stay scans."""
    at = moment(at)
    dossier = _load(conn, actor, dossier_id, expected_version)
    _require(is_handler(actor, dossier))
    dossier_flow.next_status(dossier["status"], "complete")
    if not results:
        raise ValidationError("Vui lòng tải lên bản quét kết quả đã ký (PDF, JPEG hoặc PNG).")
    checked = check_uploads(list(results))
    signatures = signed_results.check_results(conn, dossier["processing_unit_id"], checked)
    electronic = any(check.electronic for check in signatures)
    updated = _finish(conn, actor, dossier, "complete", expected_version, nfc(note), at, result_electronic=electronic)
    store_files(conn, actor, store, dossier_id, "result", checked, at=at, signatures=signatures)
    return {**updated, "signatures": [check.message for check in signatures]}


def reject(
    conn: Connection,
    actor: Actor,
    store: FileStore | None = None,
    *,
    dossier_id: int,
    expected_version: int,
    reason: str,
    letters: Sequence[FileUpload] = (),
    at: datetime | None = None,
) -> dict:
    """Refusal with its reasons; the refusal letter (printed from the dossier page, optionally scanned back signed)
    is the result the counter returns."""
    at = moment(at)
    dossier = _load(conn, actor, dossier_id, expected_version)
    _require(is_handler(actor, dossier))
    dossier_flow.next_status(dossier["status"], "reject")
    reason = _clean_text(reason, "lý do từ chối")
    checked = check_uploads(list(letters)) if letters else []
    signatures = signed_results.check_results(conn, dossier["processing_unit_id"], checked) if checked else []
    electronic = any(check.electronic for check in signatures)
    updated = _finish(conn, actor, dossier, "reject", expected_version, reason, at, result_electronic=electronic)
    if checked:
        store_files(conn, actor, store, dossier_id, "result", checked, at=at, signatures=signatures)
    return updated


def _finish(conn, actor, dossier, action, expected_version, note, at, **changes) -> dict:
    return dossier_flow.transition(
        conn,
        actor,
        dossier,
        action,
        expected_version=expected_version,
        note=note,
        at=at,
        event={"to_unit_id": dossier["receiving_unit_id"], "step_due_at": dossier["due_at"]},
        result_ready_at=at,
        finished_at=at,
        is_late=dossier["counted_late"] or at > dossier["due_at"],
        paused_at=None,
        **changes,
    )
