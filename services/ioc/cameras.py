"""The camera registry of the operations center: admins keep it, leaders see their unit's and the city's cameras."""

from __future__ import annotations

from urllib.parse import urlparse

from sqlalchemy import Connection, insert, or_, select, update

from db.schema import cameras, units
from services.core import audit
from services.core.clock import now
from services.core.errors import NotFound, ValidationError
from services.core.roles import ADMIN, CITY_LEADER, LEADER, Actor
from services.core.text import nfc
from services.core.units import get_unit

STATUS_LABELS = {"online": "Đang hoạt động", "offline": "Mất tín hiệu", "maintenance": "Đang bảo trì"}
STREAM_SCHEMES = {"http", "https", "rtsp", "rtsps"}


def list_cameras(conn: Connection, actor: Actor, *, unit_id: int | None = None) -> list[dict]:
    """City roles: every camera, or one unit's and the city-wide ones; a leader: their unit's and the city-wide ones."""
    actor.require(ADMIN, CITY_LEADER, LEADER)
    if not actor.city_wide:
        unit_id = actor.unit_id
    query = select(cameras, units.c.name.label("unit")).select_from(
        cameras.outerjoin(units, units.c.id == cameras.c.unit_id)
    )
    if unit_id is not None:
        query = query.where(or_(cameras.c.unit_id == unit_id, cameras.c.unit_id.is_(None)))
    rows = conn.execute(query.order_by(units.c.name, cameras.c.name))
    return [
        {
            **row._mapping,
            "unit": row.unit or "Toàn thành phố",
            "status_label": STATUS_LABELS.get(row.status, row.status),
        }
        for row in rows
    ]


def save_camera(
    conn: Connection,
    actor: Actor,
    *,
    camera_id: int | None = None,
    name: str,
    location: str,
    unit_id: int | None,
    stream_url: str,
    status: str,
) -> int:
    actor.require(ADMIN)
    values = _validated(name, location, unit_id, stream_url, status)
    if unit_id is not None:
        get_unit(conn, unit_id)
    values.update(updated_at=now(), updated_by=actor.username)
    if camera_id is None:
        camera_id = conn.execute(insert(cameras).values(**values)).inserted_primary_key[0]
    elif conn.execute(update(cameras).where(cameras.c.id == camera_id).values(**values)).rowcount != 1:
        raise NotFound("Không tìm thấy camera.")
    audit.record(conn, actor, action="save", entity="camera", entity_id=camera_id, unit_id=unit_id, name=values["name"])
    return camera_id


def _validated(name: str, location: str, unit_id: int | None, stream_url: str, status: str) -> dict:
    name, location, stream_url = nfc(name), nfc(location), (stream_url or "").strip()
    if not name:
        raise ValidationError("Tên camera không được để trống.")
    if status not in STATUS_LABELS:
        raise ValidationError("Trạng thái camera không hợp lệ.")
    parsed = urlparse(stream_url)
    if stream_url and (parsed.scheme not in STREAM_SCHEMES or not parsed.netloc):
        raise ValidationError("Đường dẫn luồng phải bắt đầu bằng http://, https:// hoặc rtsp:// và có địa chỉ máy.")
    if len(name) > 120 or len(location) > 300 or len(stream_url) > 500:
        raise ValidationError("Tên, vị trí hoặc đường dẫn quá dài.")
    return {"name": name, "location": location, "unit_id": unit_id, "stream_url": stream_url, "status": status}
