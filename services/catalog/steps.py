"""Step deadlines (thời hạn từng bước): the catalog gives each procedure's process as steps with an allotted number of
working days that sum to the legal limit; each dossier keeps each step's deadline, the step is done when its action
happens, and a late step is flagged before the dossier itself is late (as OpenCPS does with its process steps).

Pure rules first (validate_steps, step_due_moments), then what runs in a dossier's transaction.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from sqlalchemy import Connection, insert, select, update

from db.schema import dossier_steps
from services.core.errors import ValidationError
from services.core.text import nfc
from services.core.working_time import WorkingCalendar

STEP_ROLES = {
    "counter": "Bộ phận một cửa (tiếp nhận, chuyển hồ sơ)",
    "department_head": "Trưởng phòng chuyên môn (phân công)",
    "appraisal": "Chuyên viên (thẩm định, kiểm tra thực địa)",
    "specialist": "Chuyên viên (xử lý, dự thảo kết quả)",
    "leader": "Lãnh đạo ký kết quả",
    "return": "Bộ phận một cửa (trả kết quả)",
}
# The dossier actions that finish a step of each kind; a later step finished finishes the earlier ones too.
DONE_BY = {
    "counter": {"transfer", "start", "complete", "reject"},
    "department_head": {"assign"},
    "appraisal": {"site_appraisal", "complete", "reject"},
    "specialist": {"complete", "reject"},
    "leader": {"complete", "reject"},
    "return": {"return_result"},
}
MAX_STEPS = 12
STEP_KINDS = ("working_days",)


def parse_days(value) -> Fraction:
    try:
        days = Fraction(Decimal(str(value).strip().replace(",", ".")))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError(f"Thời gian của bước “{value}” không hợp lệ (số ngày làm việc, vd. 7 hoặc 0,5).") from exc
    if days <= 0 or days.denominator not in (1, 2, 4):
        raise ValidationError("Thời gian mỗi bước là số ngày làm việc lớn hơn 0, theo bội số của 0,25 ngày.")
    return days


def show_days(days: Fraction) -> str:
    return str(float(days)).removesuffix(".0").replace(".", ",")


def validate_steps(rows: Sequence[dict] | None, *, deadline_kind: str, deadline_amount: int) -> list[dict]:
    """Steps as stored: [{name, who, days}] with days a decimal string; the days must sum to the legal limit."""
    steps = [row for row in rows or [] if any(str(v or "").strip() for v in row.values())]
    if not steps:
        return []
    if deadline_kind not in STEP_KINDS:
        raise ValidationError("Chỉ chia bước cho thủ tục có thời hạn tính bằng ngày làm việc.")
    if len(steps) > MAX_STEPS:
        raise ValidationError(f"Tối đa {MAX_STEPS} bước.")
    cleaned = [_step(row, position) for position, row in enumerate(steps, 1)]
    total = sum((parse_days(step["days"]) for step in cleaned), Fraction(0))
    if total != deadline_amount:
        raise ValidationError(
            f"Tổng thời gian các bước ({show_days(total)} ngày làm việc) phải bằng thời hạn giải quyết "
            f"({deadline_amount} ngày làm việc)."
        )
    return cleaned


def _step(row: dict, position: int) -> dict:
    name = " ".join(nfc(str(row.get("name") or "")).split())
    if not name or len(name) > 200:
        raise ValidationError(f"Bước {position}: tên bước không được để trống (tối đa 200 ký tự).")
    if row.get("who") not in STEP_ROLES:
        raise ValidationError(f"Bước {position}: chọn người thực hiện.")
    return {"name": name, "who": row["who"], "days": show_days(parse_days(row.get("days"))).replace(",", ".")}


def step_due_moments(calendar: WorkingCalendar, start: datetime, steps: Sequence[dict]) -> list[datetime]:
    """Each step's deadline: the working days allotted so far, counted from `start` like the dossier's deadline."""
    moments, elapsed = [], Fraction(0)
    for step in steps:
        elapsed += parse_days(step["days"])
        moments.append(calendar.add_working_days(start, elapsed))
    return moments


def steps_of(procedure: dict) -> list[dict]:
    raw = procedure.get("steps") or []
    return json.loads(raw) if isinstance(raw, str) else list(raw)


# --- a dossier's steps ------------------------------------------------------------------------------------------


def create_steps(conn: Connection, *, dossier_id: int, procedure: dict, calendar: WorkingCalendar,
                 received_at: datetime, verification: bool) -> None:  # fmt: skip
    """At receipt. A dossier needing verification runs on its own longer deadline and gets no step deadlines."""
    steps = steps_of(procedure)
    if not steps or verification:
        return
    dues = step_due_moments(calendar, received_at, steps)
    conn.execute(
        insert(dossier_steps),
        [
            dict(dossier_id=dossier_id, seq=seq, name=step["name"], who=step["who"], days=step["days"], due_at=due)
            for seq, (step, due) in enumerate(zip(steps, dues, strict=True), 1)
        ],
    )


def dossier_steps_of(conn: Connection, dossier_id: int) -> list[dict]:
    rows = conn.execute(select(dossier_steps).where(dossier_steps.c.dossier_id == dossier_id).order_by("seq"))
    return [dict(row._mapping) for row in rows]


def on_action(conn: Connection, dossier_id: int, action: str, *, at: datetime, username: str) -> None:
    """Finishes the open steps up to the last one this action finishes."""
    open_steps = [s for s in dossier_steps_of(conn, dossier_id) if s["done_at"] is None]
    last = max((s["seq"] for s in open_steps if action in DONE_BY.get(s["who"], ())), default=None)
    if last is None:
        return
    conn.execute(
        update(dossier_steps)
        .where(dossier_steps.c.dossier_id == dossier_id, dossier_steps.c.seq <= last, dossier_steps.c.done_at.is_(None))
        .values(done_at=at, done_by=username)
    )


def shift_open_steps(conn: Connection, calendar: WorkingCalendar, dossier_id: int, *, paused_from: datetime,
                     resumed_at: datetime) -> None:  # fmt: skip
    """A supplement that pauses the clock moves every open step later by the office time paused."""
    seconds = calendar.between(paused_from, resumed_at)
    for step in dossier_steps_of(conn, dossier_id):
        if step["done_at"] is None:
            _set_due(conn, step["id"], calendar.add(step["due_at"], seconds))


def restart_open_steps(conn: Connection, calendar: WorkingCalendar, dossier_id: int, *, restart_at: datetime) -> None:
    """A supplement that restarts the clock counts the open steps again from the supplement's receipt."""
    open_steps = [s for s in dossier_steps_of(conn, dossier_id) if s["done_at"] is None]
    for step, due in zip(open_steps, step_due_moments(calendar, restart_at, open_steps), strict=True):
        _set_due(conn, step["id"], due)


def extend_last_step(conn: Connection, dossier_id: int, *, new_due_at: datetime) -> None:
    """An extension gives its extra time to the last step (signing and returning the permit), if still open."""
    steps = dossier_steps_of(conn, dossier_id)
    if steps and steps[-1]["done_at"] is None:
        _set_due(conn, steps[-1]["id"], new_due_at)


def _set_due(conn: Connection, step_id: int, due: datetime) -> None:
    conn.execute(update(dossier_steps).where(dossier_steps.c.id == step_id).values(due_at=due))


def step_status(step: dict, at: datetime) -> str:
    """on_time / late (done after its deadline) / overdue (open past its deadline) / open."""
    if step["done_at"] is not None:
        return "late" if step["done_at"] > step["due_at"] else "on_time"
    return "overdue" if at > step["due_at"] else "open"


STEP_STATUS_LABELS = {"on_time": "Đúng hạn", "late": "Trễ hạn", "overdue": "Quá hạn", "open": "Đang thực hiện"}


def late_steps(conn: Connection, dossier_ids: Sequence[int], at: datetime) -> dict[int, dict]:
    """The first open step past its deadline, per dossier (for the worklist and the early warnings)."""
    if not dossier_ids:
        return {}
    rows = conn.execute(
        select(dossier_steps)
        .where(
            dossier_steps.c.dossier_id.in_(list(dossier_ids)),
            dossier_steps.c.done_at.is_(None),
            dossier_steps.c.due_at < at,
        )
        .order_by(dossier_steps.c.dossier_id, dossier_steps.c.seq)
    )
    found: dict[int, dict] = {}
    for row in rows:
        found.setdefault(row.dossier_id, dict(row._mapping))
    return found
