"""Onboarding files for the rollout tests and the bench: N units × 15 staff, as .xlsx or CSV."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from sqlalchemy import Engine, func, select

from db.engine import read
from db.schema import departments, queue_counter_groups, queue_counters, queue_groups, units, users
from services.rollout.sheets import TABLE_BY_KIND

DEPARTMENTS = [
    ("van_phong", "Văn phòng HĐND và UBND", "van_phong"),
    ("kinh_te", "Phòng Kinh tế, Hạ tầng và Đô thị", "kinh_te"),
    ("vhxh", "Phòng Văn hóa – Xã hội", "van_hoa_xa_hoi"),
    ("dia_chinh", "Chi nhánh Văn phòng đăng ký đất đai", "dia_chinh"),
]
GROUPS = [("A", "Hộ tịch – Chứng thực"), ("B", "Đất đai – Xây dựng"), ("C", "Lĩnh vực khác")]
COUNTERS = [("1", "Hộ tịch", "A"), ("2", "Đất đai", "B"), ("3", "Tổng hợp", "A, C")]
STAFF_PER_UNIT = 15  # 1 leader, 2 clerks, and per department 1 head + 2 specialists


def tables_for(unit_codes: list[str]) -> dict[str, list[list[str]]]:
    tables = {"departments": [], "staff": [], "groups": [], "counters": []}
    for code in unit_codes:
        tag = code.lower()
        tables["departments"] += [[code, d, name, kind] for d, name, kind in DEPARTMENTS]
        tables["groups"] += [[code, letter, name] for letter, name in GROUPS]
        tables["counters"] += [[code, number, name, letters] for number, name, letters in COUNTERS]
        staff = tables["staff"]
        staff.append(
            [f"Lãnh đạo {code}", f"lanhdao.{tag}", "Lãnh đạo phường/xã", code, "", f"ld.{tag}@danang.gov.vn", ""]
        )
        staff += [[f"Một cửa {n} {code}", f"motcua{n}.{tag}", "clerk", code, "", "", "0905000000"] for n in (1, 2)]
        for department, *_ in DEPARTMENTS:
            staff.append(
                [f"Trưởng phòng {department}", f"tp.{department}.{tag}", "Trưởng phòng", code, department, "", ""]
            )
            staff += [
                [f"Chuyên viên {n} {department}", f"cv{n}.{department}.{tag}", "Chuyên viên", code, department, "", ""]
                for n in (1, 2)
            ]
    return tables


def workbook(tables: dict[str, list[list]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for kind, rows in tables.items():
        spec = TABLE_BY_KIND[kind]
        sheet = book.create_sheet(spec.title)
        sheet.append([column.label for column in spec.columns])
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_file(kind: str, rows: list[list], *, header: list[str] | None = None) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header or [column.label for column in TABLE_BY_KIND[kind].columns])
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def all_unit_codes(engine: Engine) -> list[str]:
    with read(engine) as conn:
        return list(conn.scalars(select(units.c.code).order_by(units.c.code)))


def row_counts(engine: Engine) -> dict[str, int]:
    with read(engine) as conn:
        return {
            table.name: conn.scalar(select(func.count()).select_from(table))
            for table in (users, departments, queue_groups, queue_counters, queue_counter_groups)
        }
