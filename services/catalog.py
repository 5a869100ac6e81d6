"""The procedure catalog (thủ tục hành chính) and the working calendar of each unit, as stored in the database."""

from __future__ import annotations

import json
from datetime import date, datetime

from sqlalchemy import Connection, insert, or_, select

from db.schema import calendar_overrides, office_sessions, procedures
from services.clock import now
from services.errors import NotFound, ValidationError
from services.working_time import (
    SAMPLE_SESSIONS,
    Deadline,
    Session,
    WorkingCalendar,
    due_at,
    parse_hhmm,
)

MODES = {
    "at_counter": "Giải quyết tại bộ phận một cửa",
    "department": "Chuyển phòng chuyên môn",
    "any_point": "Tiếp nhận không phụ thuộc địa giới hành chính",
}

# Sample values from DOMAIN.md §4: to be checked by each ward before real use (is_sample stays true until edited).
SAMPLE_CATALOG = [
    dict(
        code="ket_hon",
        name="Đăng ký kết hôn",
        sector="Hộ tịch",
        deadline_kind="same_day",
        deadline_amount=0,
        cutoff="15:00",
        verification_deadline_kind="working_days",
        verification_deadline_amount=5,
        mode="at_counter",
        department_kind="van_hoa_xa_hoi",
        parties=2,
        fee=0,
        documents=[
            {"name": "Tờ khai đăng ký kết hôn (có chữ ký của hai bên)", "original": True, "copies": 1},
            {
                "name": "Giấy xác nhận tình trạng hôn nhân (nếu đăng ký thường trú nơi khác)",
                "original": True,
                "copies": 1,
            },
        ],
    ),
    dict(
        code="khai_sinh",
        name="Đăng ký khai sinh",
        sector="Hộ tịch",
        deadline_kind="same_day",
        deadline_amount=0,
        cutoff="15:00",
        mode="at_counter",
        department_kind="van_hoa_xa_hoi",
        fee=0,
        documents=[
            {"name": "Tờ khai đăng ký khai sinh", "original": True, "copies": 1},
            {"name": "Giấy chứng sinh", "original": True, "copies": 1},
        ],
    ),
    dict(
        code="khai_tu",
        name="Đăng ký khai tử",
        sector="Hộ tịch",
        deadline_kind="same_day",
        deadline_amount=0,
        cutoff="15:00",
        verification_deadline_kind="working_days",
        verification_deadline_amount=3,
        mode="at_counter",
        department_kind="van_hoa_xa_hoi",
        fee=0,
        documents=[
            {"name": "Tờ khai đăng ký khai tử", "original": True, "copies": 1},
            {"name": "Giấy báo tử hoặc giấy tờ thay giấy báo tử", "original": True, "copies": 1},
        ],
    ),
    dict(
        code="chung_thuc_ban_sao",
        name="Chứng thực bản sao từ bản chính",
        sector="Chứng thực",
        deadline_kind="same_day",
        deadline_amount=0,
        cutoff="15:00",
        mode="at_counter",
        department_kind="van_phong",
        fee=2000,
        documents=[
            {"name": "Bản chính giấy tờ cần chứng thực", "original": True, "copies": 1},
            {"name": "Bản sao cần chứng thực", "original": False, "copies": 1},
        ],
    ),
    dict(
        code="xac_nhan_tthn",
        name="Xác nhận tình trạng hôn nhân",
        sector="Hộ tịch",
        deadline_kind="working_days",
        deadline_amount=3,
        verification_deadline_kind="working_days",
        verification_deadline_amount=23,
        mode="at_counter",
        department_kind="van_hoa_xa_hoi",
        fee=0,
        documents=[{"name": "Tờ khai cấp giấy xác nhận tình trạng hôn nhân", "original": True, "copies": 1}],
    ),
    dict(
        code="gpxd_nha_o",
        name="Cấp giấy phép xây dựng nhà ở riêng lẻ",
        sector="Xây dựng",
        deadline_kind="working_days",
        deadline_amount=15,
        mode="department",
        department_kind="kinh_te",
        fee=75000,
        documents=[
            {"name": "Đơn đề nghị cấp giấy phép xây dựng", "original": True, "copies": 1},
            {"name": "Giấy tờ chứng minh quyền sử dụng đất", "original": False, "copies": 1},
            {"name": "Bản vẽ thiết kế xây dựng", "original": True, "copies": 2},
        ],
    ),
    dict(
        code="bien_dong_dat_dai",
        name="Đăng ký biến động đất đai",
        sector="Đất đai",
        deadline_kind="working_days",
        deadline_amount=10,
        mode="any_point",
        department_kind="dia_chinh",
        fee=0,
        documents=[
            {"name": "Đơn đăng ký biến động đất đai, tài sản gắn liền với đất", "original": True, "copies": 1},
            {"name": "Giấy chứng nhận quyền sử dụng đất đã cấp", "original": True, "copies": 1},
            {"name": "Hợp đồng, văn bản về chuyển quyền", "original": True, "copies": 1},
        ],
    ),
]


def seed_sample_catalog(conn: Connection) -> int:
    existing = set(conn.scalars(select(procedures.c.code)))
    rows = [_row(item) for item in SAMPLE_CATALOG if item["code"] not in existing]
    if rows:
        conn.execute(insert(procedures), rows)
    return len(rows)


def _row(item: dict) -> dict:
    row = {
        "cutoff": None,
        "verification_deadline_kind": None,
        "verification_deadline_amount": None,
        "parties": 1,
        "department_kind": None,
        **item,
    }
    row["documents"] = json.dumps(item["documents"], ensure_ascii=False)
    return {**row, "is_sample": True, "active": True, "updated_at": now(), "updated_by": "seed"}


def get_procedure(conn: Connection, code: str) -> dict:
    row = conn.execute(select(procedures).where(procedures.c.code == (code or "").strip())).first()
    if row is None:
        raise NotFound(f"Không có thủ tục mã '{code}'.")
    return _public(row)


def get_procedure_by_id(conn: Connection, procedure_id: int) -> dict:
    row = conn.execute(select(procedures).where(procedures.c.id == procedure_id)).first()
    if row is None:
        raise NotFound("Không tìm thấy thủ tục.")
    return _public(row)


def list_procedures(conn: Connection, *, active_only: bool = True) -> list[dict]:
    query = select(procedures).order_by(procedures.c.sector, procedures.c.name)
    if active_only:
        query = query.where(procedures.c.active.is_(True))
    return [_public(row) for row in conn.execute(query)]


def _public(row) -> dict:
    data = dict(row._mapping)
    data["documents"] = json.loads(data["documents"] or "[]")
    return data


def deadline_of(procedure: dict, *, verification: bool = False) -> Deadline:
    if verification:
        if not procedure.get("verification_deadline_kind"):
            raise ValidationError(f"Thủ tục “{procedure['name']}” không có thời hạn riêng khi cần xác minh.")
        return Deadline(procedure["verification_deadline_kind"], procedure["verification_deadline_amount"] or 0)
    cutoff = parse_hhmm(procedure["cutoff"]) if procedure.get("cutoff") else None
    return Deadline(procedure["deadline_kind"], procedure["deadline_amount"], cutoff)


def calendar_for_unit(conn: Connection, unit_id: int | None) -> WorkingCalendar:
    """The unit's own sessions if it has any, else the city default, else the sample office hours;
    city-wide overrides, then the unit's own, which win on the same day."""
    overrides = _overrides(conn, unit_id)
    return WorkingCalendar(
        sessions=_sessions(conn, unit_id),
        extra_days_off=frozenset(day for day, kind in overrides.items() if kind == "day_off"),
        extra_working_days=frozenset(day for day, kind in overrides.items() if kind == "working_day"),
    )


def office_sessions_of(conn: Connection, unit_id: int | None) -> dict[int, tuple[Session, ...]]:
    """The weekly sessions in force: the unit's own rows, else the city default rows, else the sample hours."""
    return _sessions(conn, unit_id)


def _sessions(conn: Connection, unit_id: int | None) -> dict:
    for owner in (unit_id, None):
        condition = office_sessions.c.unit_id.is_(None) if owner is None else office_sessions.c.unit_id == owner
        rows = conn.execute(select(office_sessions).where(condition).order_by(office_sessions.c.starts)).all()
        if rows:
            sessions: dict[int, list] = {}
            for row in rows:
                sessions.setdefault(row.weekday, []).append((parse_hhmm(row.starts), parse_hhmm(row.ends)))
            return {weekday: tuple(items) for weekday, items in sessions.items()}
    return dict(SAMPLE_SESSIONS)


def _overrides(conn: Connection, unit_id: int | None) -> dict[date, str]:
    scope = calendar_overrides.c.unit_id.is_(None)
    if unit_id is not None:
        scope = or_(scope, calendar_overrides.c.unit_id == unit_id)
    rows = conn.execute(
        select(calendar_overrides.c.day, calendar_overrides.c.kind, calendar_overrides.c.unit_id).where(scope)
    )
    city_first = sorted(rows, key=lambda row: row.unit_id is not None)
    return {row.day: row.kind for row in city_first}


def compute_due(
    conn: Connection, *, procedure: dict, unit_id: int | None, received_at: datetime, verification: bool = False
) -> datetime:
    """The appointment (ngày giờ hẹn trả) intake prints, from the processing unit's calendar."""
    return due_at(calendar_for_unit(conn, unit_id), deadline_of(procedure, verification=verification), received_at)


def appointment(
    conn: Connection,
    *,
    procedure_code: str,
    received_at: datetime,
    unit_id: int | None = None,
    verification: bool = False,
) -> datetime:
    """compute_due by procedure code: what `manage.py due-date` and the admin's trial tool run."""
    procedure = get_procedure(conn, procedure_code)
    return compute_due(conn, procedure=procedure, unit_id=unit_id, received_at=received_at, verification=verification)
