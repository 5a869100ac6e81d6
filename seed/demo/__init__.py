"""Demo data for the embedded database: the pilot ward Ngũ Hành Sơn, a second ward, one account per role.

Each feature has its own seeder module here, listed in DEMO_SEEDERS, so a newcomer sees every screen populated.
Nothing under services/, pages/ or web/ imports this package.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, insert, select

from db.schema import departments, units, users
from seed.demo import calendar, feedback, intake, ioc, postal, processing, queue, rollout
from seed.reference import seed_reference
from services.accounts import accounts
from services.core.units import department_for_kind

DEMO_PASSWORD = "motcua@2026"
PILOT_UNIT = "NGUHANHSON"
SECOND_UNIT = "HAICHAU"
DEMO_DEPARTMENTS = [
    ("van_phong", "Văn phòng HĐND và UBND", "van_phong"),
    ("kinh_te", "Phòng Kinh tế, Hạ tầng và Đô thị", "kinh_te"),
    ("vhxh", "Phòng Văn hóa – Xã hội", "van_hoa_xa_hoi"),
    ("dia_chinh", "Chi nhánh Văn phòng đăng ký đất đai", "dia_chinh"),
]
DEMO_USERS = [
    dict(
        username="admin",
        full_name="Quản trị hệ thống",
        roles=("admin",),
        unit=None,
        dept=None,
        label="Quản trị (toàn thành phố)",
    ),
    dict(
        username="lanhdao.tp",
        full_name="Lê Văn Thành",
        roles=("city_leader",),
        unit=None,
        dept=None,
        label="Lãnh đạo thành phố",
    ),
    dict(
        username="lanhdao.nhs",
        full_name="Trần Thị Hoa",
        roles=("leader",),
        unit=PILOT_UNIT,
        dept=None,
        label="Lãnh đạo phường Ngũ Hành Sơn",
    ),
    dict(
        username="motcua.nhs",
        full_name="Nguyễn Thị Lan",
        roles=("clerk",),
        unit=PILOT_UNIT,
        dept=None,
        label="Cán bộ một cửa Ngũ Hành Sơn",
    ),
    dict(
        username="truongphong.nhs",
        full_name="Phạm Minh Đức",
        roles=("department_head", "specialist"),
        unit=PILOT_UNIT,
        dept="kinh_te",
        label="Trưởng phòng Kinh tế Ngũ Hành Sơn",
    ),
    dict(
        username="chuyenvien.nhs",
        full_name="Võ Quốc Huy",
        roles=("specialist",),
        unit=PILOT_UNIT,
        dept="kinh_te",
        label="Chuyên viên Kinh tế Ngũ Hành Sơn",
    ),
    dict(
        username="hotich.nhs",
        full_name="Đặng Thu Trang",
        roles=("specialist",),
        unit=PILOT_UNIT,
        dept="vhxh",
        label="Công chức Tư pháp – Hộ tịch Ngũ Hành Sơn",
    ),
    dict(
        username="diachinh.nhs",
        full_name="Huỳnh Văn Nam",
        roles=("specialist",),
        unit=PILOT_UNIT,
        dept="dia_chinh",
        label="Chuyên viên Địa chính Ngũ Hành Sơn",
    ),
    dict(
        username="lanhdao.hc",
        full_name="Ngô Văn Bình",
        roles=("leader",),
        unit=SECOND_UNIT,
        dept=None,
        label="Lãnh đạo phường Hải Châu",
    ),
    dict(
        username="motcua.hc",
        full_name="Lý Thị Mai",
        roles=("clerk",),
        unit=SECOND_UNIT,
        dept=None,
        label="Cán bộ một cửa Hải Châu",
    ),
    dict(
        username="diachinh.hc",
        full_name="Trương Công Sơn",
        roles=("specialist", "department_head"),
        unit=SECOND_UNIT,
        dept="dia_chinh",
        label="Chuyên viên Địa chính Hải Châu",
    ),
]

DEMO_SEEDERS: list[Callable[[Connection], None]] = [
    calendar.seed_calendar_demo,
    queue.seed_queue_demo,
    processing.seed_processing_demo,
    feedback.seed_feedback_demo,
    intake.seed_intake_demo,
    ioc.seed_ioc_demo,
    postal.seed_postal_demo,
    rollout.seed_rollout_demo,
]


def seed_demo(conn: Connection) -> None:
    """Idempotent: running it again adds only what is missing."""
    seed_reference(conn)
    for code in (PILOT_UNIT, SECOND_UNIT):
        _seed_departments(conn, _unit_id(conn, code))
    _seed_users(conn)
    for seeder in DEMO_SEEDERS:
        seeder(conn)


def _unit_id(conn: Connection, code: str) -> int:
    return conn.scalar(select(units.c.id).where(units.c.code == code))


def _seed_departments(conn: Connection, unit_id: int) -> None:
    existing = set(conn.scalars(select(departments.c.code).where(departments.c.unit_id == unit_id)))
    for code, name, kind in DEMO_DEPARTMENTS:
        if code not in existing:
            conn.execute(insert(departments).values(unit_id=unit_id, code=code, name=name, kind=kind, active=True))


def _seed_users(conn: Connection) -> None:
    existing = set(conn.scalars(select(users.c.username)))
    for spec in DEMO_USERS:
        if spec["username"] in existing:
            continue
        unit_id = _unit_id(conn, spec["unit"]) if spec["unit"] else None
        department = department_for_kind(conn, unit_id=unit_id, kind=_kind_of(spec["dept"])) if spec["dept"] else None
        new = accounts.NewUser(
            username=spec["username"],
            full_name=spec["full_name"],
            roles=spec["roles"],
            unit_id=unit_id,
            department_id=department["id"] if department else None,
        )
        accounts.create_user(conn, None, new, DEMO_PASSWORD)


def _kind_of(department_code: str) -> str:
    return next(kind for code, _, kind in DEMO_DEPARTMENTS if code == department_code)
