"""Operations center commands: load the river stations, import river readings from a CSV file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cli import command, engine
from db.engine import write
from seed.reference import seed_stations as seed_reference_stations
from services.core.errors import ValidationError
from services.ioc import rivers


@command("seed-stations", "Nạp danh sách trạm đo mực nước và mức báo động I/II/III (chạy lại không nhân đôi)")
def seed_stations(_args) -> None:
    with write(engine()) as conn:
        added = seed_reference_stations(conn)
    print(f"Đã thêm {added} trạm đo.")


def _import_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="tệp CSV UTF-8 có tiêu đề station,time,level_m,rain_mm")


@command(
    "import-readings",
    "Nhập số đo mực nước, lượng mưa từ tệp CSV; báo lỗi từng dòng, giữ các dòng hợp lệ",
    _import_arguments,
)
def import_readings(args) -> None:
    path = Path(args.file)
    if not path.is_file():
        raise ValidationError(f"Không tìm thấy tệp {path}.")
    with write(engine()) as conn:
        report = rivers.import_readings(conn, None, content=path.read_bytes(), source="cli")
    for error in report.errors:
        print(f"Dòng {error.line}: {error.message}", file=sys.stderr)
    print(f"Đã nhập {report.accepted} số đo; {len(report.errors)} dòng lỗi.")
    if report.errors:
        sys.exit(1)
