"""Sensors push river readings here: POST /api/readings with the station's own token (bad token: 401, nothing stored).

Body: {"station": "cau_lau", "readings": [{"time": "2025-10-30T14:00:00+07:00", "level_m": 4.1, "rain_mm": 12}]}
(or one reading's fields at the top level); the token goes in "Authorization: Bearer …" or the body's "token".
"""

from __future__ import annotations

import json

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from db.engine import DatabaseError, write
from services.core.errors import PermissionDenied, ValidationError
from services.ioc import rivers
from web.runtime import engine

MAX_BODY_BYTES = 1_000_000
MAX_READINGS = 5000


async def post_readings(request: Request) -> JSONResponse:
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        return _error(413, "Dữ liệu quá lớn; gửi tối đa 5000 số đo mỗi lần.")
    try:
        payload = json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError):
        return _error(400, "Nội dung không phải JSON hợp lệ.")
    if not isinstance(payload, dict):
        return _error(400, "Nội dung phải là một đối tượng JSON.")
    readings = payload.get("readings", [payload] if "level_m" in payload else [])
    if isinstance(readings, list) and len(readings) > MAX_READINGS:
        return _error(413, "Gửi tối đa 5000 số đo mỗi lần.")
    return await run_in_threadpool(_store, str(payload.get("station", "")), _token(request, payload), readings)


def _store(station: str, token: str, readings) -> JSONResponse:
    try:
        with write(engine()) as conn:
            report = rivers.push_readings(conn, station=station, token=token, readings=readings)
    except PermissionDenied as exc:
        return _error(401, exc.message)
    except ValidationError as exc:
        return _error(400, exc.message)
    except DatabaseError as exc:
        return _error(503, str(exc))
    errors = [{"index": e.line, "message": e.message} for e in report.errors]
    status = 200 if report.accepted or not errors else 422
    return JSONResponse({"accepted": report.accepted, "errors": errors}, status_code=status)


def _token(request: Request, payload: dict) -> str:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return str(payload.get("token", ""))


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)
