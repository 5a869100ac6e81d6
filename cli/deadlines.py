"""Deadline commands: the appointment a dossier would get, computed by the same code as intake."""

from __future__ import annotations

import argparse
from datetime import datetime

from cli import command, engine
from db.engine import read
from services.catalog import procedures as catalog
from services.core.clock import LOCAL_TZ, local
from services.core.errors import ValidationError
from services.core.units import unit_by_code

RECEIVED_FORMAT = "%Y-%m-%dT%H:%M"


def _due_date_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--procedure", help="mã thủ tục, vd. ket_hon")
    parser.add_argument("--received", help="thời điểm tiếp nhận, giờ Việt Nam: YYYY-MM-DDTHH:MM")
    parser.add_argument("--unit", help="mã phường/xã xử lý (bỏ trống: giờ làm việc mặc định của thành phố)")
    parser.add_argument("--verification", action="store_true", help="hồ sơ cần xác minh")


@command("due-date", "Tính ngày giờ hẹn trả của một thủ tục (YYYY-MM-DDTHH:MM, giờ Việt Nam)", _due_date_arguments)
def due_date(args) -> None:
    if not args.procedure:
        raise ValidationError("Thiếu mã thủ tục (--procedure).")
    received_at = parse_received(args.received)
    with read(engine()) as conn:
        unit_id = unit_by_code(conn, args.unit)["id"] if args.unit else None
        due = catalog.appointment(
            conn,
            procedure_code=args.procedure,
            received_at=received_at,
            unit_id=unit_id,
            verification=args.verification,
        )
    print(local(due).strftime(RECEIVED_FORMAT))


def parse_received(value: str | None) -> datetime:
    try:
        return datetime.strptime((value or "").strip(), RECEIVED_FORMAT).replace(tzinfo=LOCAL_TZ)
    except ValueError as exc:
        raise ValidationError(
            f"Thời điểm tiếp nhận '{value or ''}' không hợp lệ; dùng dạng YYYY-MM-DDTHH:MM, vd. 2026-06-19T15:30."
        ) from exc
