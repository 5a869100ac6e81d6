"""Where a feedback item is: coordinates checked for range, and the unit suggested for it.

No boundary or centroid data of the 94 units is in the project, so the suggestion matches the unit names typed in the
address ("… phường An Hải" → Phường An Hải); coordinates are stored and shown but do not pick a unit. The basis of
every suggestion is stored and shown to staff as it is.
"""

from __future__ import annotations

import re

from sqlalchemy import Connection, select

from db.schema import units
from services.core.errors import ValidationError
from services.core.text import ascii_fold

# Vietnam with its islands (Hoàng Sa special zone lies near 16.5° N, 112° E): anything outside is a typing error.
LATITUDE_RANGE = (8.0, 24.0)
LONGITUDE_RANGE = (102.0, 118.0)
NAME_BASIS = "Theo tên phường/xã ghi trong địa chỉ"
UNIT_PREFIXES = ("phuong ", "xa ", "dac khu ")


def _fold(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", ascii_fold(text or "").lower()).strip()


def parse_coordinates(latitude, longitude) -> tuple[float | None, float | None]:
    """Both or neither; numbers within Vietnam's range."""
    lat_text, lon_text = str(latitude or "").strip(), str(longitude or "").strip()
    if not lat_text and not lon_text:
        return None, None
    try:
        lat, lon = float(lat_text), float(lon_text)
    except ValueError:
        raise ValidationError("Tọa độ không hợp lệ (vĩ độ, kinh độ là số thập phân).") from None
    if not (LATITUDE_RANGE[0] <= lat <= LATITUDE_RANGE[1] and LONGITUDE_RANGE[0] <= lon <= LONGITUDE_RANGE[1]):
        raise ValidationError("Vị trí nằm ngoài phạm vi Việt Nam; vui lòng chọn lại trên bản đồ.")
    return round(lat, 6), round(lon, 6)


def suggest_unit(conn: Connection, *, address: str) -> dict | None:
    """The active unit whose name (without "Phường"/"Xã"/"Đặc khu") appears in the address; the longest wins."""
    folded = f" {_fold(address)} "
    best = None
    for row in conn.execute(select(units.c.id, units.c.name).where(units.c.active.is_(True))):
        short = _fold(row.name)
        for prefix in UNIT_PREFIXES:
            short = short.removeprefix(prefix)
        if short and f" {short} " in folded and (best is None or len(short) > best[0]):
            best = (len(short), row.id, row.name)
    return {"unit_id": best[1], "unit": best[2], "basis": NAME_BASIS} if best else None
