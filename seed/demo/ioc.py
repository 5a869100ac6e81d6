"""Demo data for the operations center: river readings of the last days (one station rising past alert II, one gone
quiet), sample cameras, finished dossiers of the last weeks and of the trial days, and lessons-log entries."""

from __future__ import annotations

import math
import random
from datetime import date, datetime, timedelta

from sqlalchemy import Connection, func, insert, select, update

from db.schema import cameras, dossiers, river_readings, river_stations, trial_lessons, units
from seed.demo.processing import insert_received_dossier
from services.core.clock import LOCAL_TZ, local, now
from services.dossiers import flow as dossier_flow
from services.ioc.trial_report import TRIAL_DAYS

DEMO_UNITS = ("NGUHANHSON", "HAICHAU")
READING_STEP = timedelta(minutes=10)
READING_DAYS = 3
RISING_STATION = "cau_lau"
QUIET_STATION = "tam_ky"
DEMO_SEQ_START = 7001
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
# (procedure, how many per unit): received on recent days, and on the trial days
DEMO_HISTORY = [("ket_hon", 12), ("khai_sinh", 10), ("chung_thuc_ban_sao", 10), ("gpxd_nha_o", 8)]
TRIAL_HISTORY = [("ket_hon", 6), ("gpxd_nha_o", 4)]
DEMO_APPLICANTS = ["Nguyễn Văn An", "Trần Thị Bích", "Lê Minh Châu", "Phạm Quốc Dũng", "Võ Thị Hạnh"]
DEMO_CLERKS = {"NGUHANHSON": "motcua.nhs", "HAICHAU": "motcua.hc"}
START_ACTIONS = {"received": "start", "assigned": "assign"}


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
    """Finished dossiers: some late, some rated "not satisfied", some online, so every KPI has something to show."""
    rng = random.Random(2025)
    today = local(now()).date()
    for unit_code, unit_id in sorted(_unit_ids(conn).items()):
        plan = [(code, today - timedelta(days=rng.randint(1, 28))) for code, n in DEMO_HISTORY for _ in range(n)]
        plan += [
            (code, TRIAL_DAYS[0] + timedelta(days=rng.randint(0, 2))) for code, n in TRIAL_HISTORY for _ in range(n)
        ]
        for index, (procedure_code, day) in enumerate(plan):
            code = f"{unit_code}-{day.strftime('%y%m%d')}-{DEMO_SEQ_START + index}"
            if not conn.scalar(select(dossiers.c.id).where(dossiers.c.code == code)):
                _finished_dossier(conn, rng, unit_code, unit_id, procedure_code, day, code)


def _finished_dossier(conn, rng, unit_code: str, unit_id: int, procedure_code: str, day: date, code: str) -> None:
    received_at = datetime(day.year, day.month, day.day, 8, rng.randint(0, 59), tzinfo=LOCAL_TZ)
    dossier = insert_received_dossier(
        conn,
        unit_id=unit_id,
        procedure_code=procedure_code,
        received_at=received_at,
        applicant_name=rng.choice(DEMO_APPLICANTS),
        code=code,
        clerk_username=DEMO_CLERKS[unit_code],
    )
    # How the citizen filed is part of the receipt itself, not a later change of state.
    conn.execute(
        update(dossiers)
        .where(dossiers.c.id == dossier["id"])
        .values(channel=rng.choice([1, 2, 2]), vneid_support=rng.choice(["none", "created", "activated"]))
    )
    dossier = dossier_flow.load(conn, dossier["id"])
    if dossier["status"] in START_ACTIONS:
        dossier = dossier_flow.transition(
            conn, None, dossier, START_ACTIONS[dossier["status"]], at=received_at + timedelta(hours=1)
        )
    _finish(conn, rng, dossier, received_at)


def _finish(conn: Connection, rng: random.Random, dossier: dict, received_at: datetime) -> None:
    late = rng.random() < 0.15
    allowed = dossier["due_at"] - received_at
    finished_at = dossier["due_at"] + timedelta(hours=3) if late else received_at + allowed * rng.uniform(0.2, 0.9)
    if finished_at > now() or dossier["status"] != "in_progress":
        return
    dossier = dossier_flow.transition(
        conn,
        None,
        dossier,
        "complete",
        at=finished_at,
        result_ready_at=finished_at,
        finished_at=finished_at,
        is_late=late,
        result_electronic=rng.random() < 0.7,
    )
    returned_at = finished_at + timedelta(hours=rng.randint(1, 20))
    if returned_at < now():
        rating = rng.choice(["satisfied", "satisfied", "satisfied", "not_satisfied", None])
        dossier_flow.transition(
            conn, None, dossier, "return_result", at=returned_at, returned_at=returned_at, rating=rating
        )
