"""Reference data every deployment needs: the 94 units of Đà Nẵng, the sample procedure catalog (flagged as sample
values until an admin confirms each procedure) and the river stations with their alert levels.

`seed_reference` is idempotent and creates no account; `manage.py seed-reference` runs it on a real database.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from sqlalchemy import Connection, insert, select

from db.schema import procedures, river_stations, units
from services.core.clock import now
from services.core.text import nfc
from services.core.units import unit_code
from services.ioc.rivers import DEFAULT_STALE_MINUTES, parse_number, station_code

DATA = Path(__file__).parent / "data"
UNITS_CSV = DATA / "danang_units.csv"
STATIONS_CSV = DATA / "river_stations.csv"


def seed_reference(conn: Connection) -> dict[str, int]:
    """What was added, per kind; running it twice adds nothing the second time."""
    return {
        "units": seed_units(conn),
        "procedures": seed_sample_catalog(conn),
        "stations": seed_stations(conn),
    }


def load_unit_rows() -> list[dict]:
    with UNITS_CSV.open(encoding="utf-8") as fh:
        return [{"kind": row["kind"], "name": nfc(row["name"])} for row in csv.DictReader(fh)]


def seed_units(conn: Connection) -> int:
    """Insert the units that are missing; running it twice changes nothing."""
    existing = set(conn.scalars(select(units.c.code)))
    rows = [
        {
            "code": unit_code(r["kind"], r["name"]),
            "name": r["name"],
            "kind": r["kind"],
            "active": True,
            "created_at": now(),
        }
        for r in load_unit_rows()
    ]
    missing = [row for row in rows if row["code"] not in existing]
    if missing:
        conn.execute(insert(units), missing)
    return len(missing)


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


def seed_stations(conn: Connection) -> int:
    """Stations of river_stations.csv that are missing; an empty alert cell stays NULL."""
    existing = set(conn.scalars(select(river_stations.c.code)))
    with STATIONS_CSV.open(encoding="utf-8") as fh:
        rows = [_station_row(row) for row in csv.DictReader(fh)]
    missing = [row for row in rows if row["code"] not in existing]
    if missing:
        conn.execute(insert(river_stations), missing)
    return len(missing)


def _station_row(row: dict) -> dict:
    return {
        "code": station_code(row["station"]),
        "name": nfc(row["station"]),
        "river": nfc(row["river"]),
        "alert_1_m": parse_number(row["alert_1_m"], "mức I", required=False),
        "alert_2_m": parse_number(row["alert_2_m"], "mức II", required=False),
        "alert_3_m": parse_number(row["alert_3_m"], "mức III", required=False),
        "evidence": row.get("evidence", ""),
        "stale_after_minutes": DEFAULT_STALE_MINUTES,
        "active": True,
        "updated_at": now(),
        "updated_by": "seed",
    }
