"""Demo data for the operations center: river readings of the last days (one station rising past alert II, one gone
quiet), sample cameras, finished dossiers of the last weeks and of the trial days, and lessons-log entries."""

from __future__ import annotations

import math
import random
from datetime import date, datetime, timedelta

from sqlalchemy import Connection, func, insert, select

from db.schema import cameras, dossiers, river_readings, river_stations, trial_lessons, units
from seed.demo.files import demo_store, result_pdf
from seed.demo.people import citizen
from services.accounts.accounts import load_actor
from services.core.clock import LOCAL_TZ, local, now
from services.dossiers import citizen_rating, counter_results, intake, returns
from services.dossiers import flow as dossier_flow
from services.ioc.trial_report import TRIAL_DAYS
from services.processing import actions as processing

DEMO_UNITS = ("NGUHANHSON", "HAICHAU")
READING_STEP = timedelta(minutes=10)
READING_DAYS = 3
RISING_STATION = "cau_lau"
QUIET_STATION = "tam_ky"
DEMO_RATING_DAYS = 7
# (name, location, unit code or None for city-wide, stream link, status): sample values, replace with real cameras
DEMO_CAMERAS = [
    (
        "Sảnh Trung tâm PVHCC Ngũ Hành Sơn",
        "Sảnh tiếp nhận, tầng 1",
        "NGUHANHSON",
        "rtsp://camera.example.vn/nhs/sanh",
        "online",
    ),
    ("Khu vực lấy số thứ tự", "Cửa vào Trung tâm", "NGUHANHSON", "https://camera.example.vn/nhs/lay-so", "online"),
    ("Ngã tư Lê Văn Hiến – Trần Đại Nghĩa", "Phường Ngũ Hành Sơn", "NGUHANHSON", "", "maintenance"),
    ("Sảnh Trung tâm PVHCC Hải Châu", "Sảnh tiếp nhận", "HAICHAU", "https://camera.example.vn/hc/sanh", "offline"),
    ("Cầu Câu Lâu (mực nước)", "Sông Thu Bồn", None, "https://camera.example.vn/tp/cau-lau", "online"),
]
DEMO_LESSONS = [
    (
        0,
        "ket_hon",
        "Nhiều công dân chưa có tài khoản VNeID mức 2, quầy mất thêm 10–15 phút mỗi hồ sơ.",
        "Bố trí một cán bộ đoàn thanh niên hỗ trợ kích hoạt VNeID tại sảnh.",
        "Văn phòng HĐND và UBND",
    ),
    (
        1,
        "gpxd_nha_o",
        "Lịch thẩm định thực địa chưa thống nhất với chủ hộ, phải hẹn lại.",
        "Gọi điện xác nhận lịch trước một ngày; ghi số điện thoại vào phiếu tiếp nhận.",
        "Phòng Kinh tế",
    ),
]
HISTORY_NOTE = "Dữ liệu mẫu (hồ sơ đã giải quyết)"
DEPARTMENT_PROCEDURES = {"gpxd_nha_o"}
UNIT_NAMES = {"NGUHANHSON": "Ngũ Hành Sơn", "HAICHAU": "Hải Châu"}
# Who acts in each demo unit; Hải Châu has no Kinh tế staff in the demo, so it gets no construction permits.
DEMO_STAFF = {
    "NGUHANHSON": {"clerk": "motcua.nhs", "head": "truongphong.nhs", "specialist": "chuyenvien.nhs"},
    "HAICHAU": {"clerk": "motcua.hc"},
}
# (procedure, how many per unit): received on recent days, and on the trial days
DEMO_HISTORY = [("ket_hon", 12), ("khai_sinh", 10), ("chung_thuc_ban_sao", 10), ("gpxd_nha_o", 8)]
TRIAL_HISTORY = [("ket_hon", 6), ("gpxd_nha_o", 4)]


def seed_ioc_demo(conn: Connection) -> None:
    _seed_readings(conn, now())
    _seed_cameras(conn)
    _seed_lessons(conn)
    _seed_history(conn)


def _seed_readings(conn: Connection, at: datetime) -> None:
    rng = random.Random(7)
    end = at.replace(minute=at.minute - at.minute % 10, second=0, microsecond=0)
    start = end - timedelta(days=READING_DAYS)
    for station in conn.execute(select(river_stations)).all():
        last = conn.scalar(select(func.max(river_readings.c.at)).where(river_readings.c.station_id == station.id))
        if last is not None and last > start:
            continue
        stop = end - timedelta(hours=3) if station.code == QUIET_STATION else end
        rows = [_reading(station, start + i * READING_STEP, start, stop, rng) for i in range(_steps(start, stop))]
        conn.execute(insert(river_readings), rows)


def _steps(start: datetime, stop: datetime) -> int:
    return int((stop - start) / READING_STEP) + 1


def _reading(station, moment: datetime, start: datetime, stop: datetime, rng: random.Random) -> dict:
    known = [v for v in (station.alert_1_m, station.alert_2_m, station.alert_3_m) if v is not None]
    base = min(known) - 0.8 if known else 1.0
    progress = (moment - start) / (stop - start)
    if station.code == RISING_STATION:  # a flood wave: below alert I two days ago, past alert II now
        level = base + 2.0 * (1 / (1 + math.exp(-10 * (progress - 0.6))))
    else:
        level = base + 0.15 * math.sin(progress * 6 * math.pi)
    rain = max(0.0, rng.gauss(1.2 if station.code == RISING_STATION else 0.2, 0.6))
    return {
        "station_id": station.id,
        "at": moment,
        "level_m": round(level, 2),
        "rain_mm": round(rain, 1),
        "source": "demo",
        "created_at": moment,
    }


def _unit_ids(conn: Connection) -> dict[str, int]:
    return dict(conn.execute(select(units.c.code, units.c.id).where(units.c.code.in_(DEMO_UNITS))).all())


def _seed_cameras(conn: Connection) -> None:
    if conn.scalar(select(func.count()).select_from(cameras)):
        return
    unit_ids = _unit_ids(conn)
    for name, location, unit, link, status in DEMO_CAMERAS:
        conn.execute(
            insert(cameras).values(
                name=name,
                location=location,
                unit_id=unit_ids.get(unit),
                stream_url=link,
                status=status,
                updated_at=now(),
                updated_by="seed",
            )
        )


def _seed_lessons(conn: Connection) -> None:
    unit_id = _unit_ids(conn).get(DEMO_UNITS[0])
    if unit_id is None or conn.scalar(select(trial_lessons.c.id).where(trial_lessons.c.unit_id == unit_id)):
        return
    for day_index, scenario, problem, proposal, owner in DEMO_LESSONS:
        conn.execute(
            insert(trial_lessons).values(
                unit_id=unit_id,
                day=TRIAL_DAYS[0] + timedelta(days=day_index),
                scenario=scenario,
                problem=problem,
                proposal=proposal,
                owner=owner,
                created_by="lanhdao.nhs",
                created_at=now(),
            )
        )


def _seed_history(conn: Connection) -> None:
    """Finished dossiers made through intake, the counter's decision or the department's result, the return and the
    citizen's rating: some late, some rated "not satisfied", so every KPI has something to show. None is online
    (channel 2 belongs to online submission) and none has a signed electronic result. Idempotent by the demo note; each
    unit's random draws come from its own seeded generator, so they never depend on what a previous run left."""
    if conn.scalar(select(dossiers.c.id).where(dossiers.c.notes == HISTORY_NOTE).limit(1)):
        return
    today = local(now()).date()
    for unit_code in sorted(_unit_ids(conn)):
        staff = {role: load_actor(conn, name) for role, name in DEMO_STAFF[unit_code].items()}
        if None in staff.values():
            continue
        rng = random.Random(f"history-{unit_code}")
        plan = [(code, today - timedelta(days=rng.randint(1, 28))) for code, n in DEMO_HISTORY for _ in range(n)]
        plan += [
            (code, TRIAL_DAYS[0] + timedelta(days=rng.randint(0, 2))) for code, n in TRIAL_HISTORY for _ in range(n)
        ]
        for index, (procedure_code, day) in enumerate(plan):
            if procedure_code in DEPARTMENT_PROCEDURES and "specialist" not in staff:
                continue
            _finished_dossier(conn, rng, staff, unit_code, procedure_code, day, index)


def _finished_dossier(conn, rng, staff: dict, unit_code: str, procedure_code: str, day: date, index: int) -> None:
    received_at = datetime(day.year, day.month, day.day, 8, rng.randint(0, 59), tzinfo=LOCAL_TZ)
    person_index = 1000 * (1 + sorted(DEMO_STAFF).index(unit_code)) + 2 * index
    applicant = citizen(person_index, sex="male", born=1980 + index % 15, unit_name=UNIT_NAMES[unit_code])
    spouse = citizen(person_index + 1, sex="female", born=1985 + index % 12, unit_name=UNIT_NAMES[unit_code])
    receipt = intake.receive_dossier(
        conn,
        staff["clerk"],
        procedure_code=procedure_code,
        applicant=applicant,
        second_party=spouse if procedure_code == "ket_hon" else None,
        vneid_support=rng.choice(["none", "created", "activated"]),
        received_at=received_at,
        notes=HISTORY_NOTE,
    )
    late = rng.random() < 0.15
    allowed = receipt.due_at - received_at
    finished_at = receipt.due_at + timedelta(hours=3) if late else received_at + allowed * rng.uniform(0.2, 0.9)
    returned_at = finished_at + timedelta(hours=rng.randint(1, 20))
    rating = rng.choice(["very_satisfied", "satisfied", "satisfied", "not_satisfied", None])
    if finished_at > now():
        return
    dossier = _result(conn, staff, receipt, procedure_code, finished_at)
    if returned_at < now():
        returns.return_result(
            conn,
            staff["clerk"],
            dossier_id=dossier["id"],
            expected_version=dossier["version"],
            collector_name=applicant["full_name"],
            collector_cccd=applicant["cccd"],
            at=returned_at,
        )
        if rating:  # the citizen rates on the status page, never the clerk
            rated_at = min(returned_at + timedelta(hours=2), now())
            citizen_rating.rate_dossier(
                conn, dossier_id=dossier["id"], rating=rating, change_days=DEMO_RATING_DAYS, at=rated_at
            )


def _result(conn: Connection, staff: dict, receipt, procedure_code: str, at: datetime) -> dict:
    """The counter decides at-counter procedures; the department's specialist records the signed result."""
    if procedure_code not in DEPARTMENT_PROCEDURES:
        number = receipt.code.rsplit("-", 1)[-1]
        entry = dict(certificate_no=f"{number}/{at.year}", book=f"01/{at.year}", page=str(int(number) % 200 + 1),
                     entry_no=number, both_present_signed=True)  # fmt: skip
        return counter_results.record_decision(
            conn,
            staff["clerk"],
            dossier_id=receipt.dossier_id,
            expected_version=1,
            approve=True,
            at=at,
            marriage=entry if procedure_code == "ket_hon" else None,
        )
    dossier = dossier_flow.load(conn, receipt.dossier_id)
    dossier = processing.assign(
        conn,
        staff["head"],
        dossier_id=dossier["id"],
        assignee_id=staff["specialist"].user_id,
        expected_version=dossier["version"],
        at=min(receipt.received_at + timedelta(hours=1), at),
    )
    return processing.complete(
        conn,
        staff["specialist"],
        demo_store(),
        dossier_id=dossier["id"],
        expected_version=dossier["version"],
        results=[("ket-qua.pdf", result_pdf())],
        at=at,
    )
