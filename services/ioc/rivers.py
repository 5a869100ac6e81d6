"""River stations, their alert levels I/II/III, and water-level readings imported by CSV or pushed by sensors.

An alert level that is not known stays NULL (never 0): a station with only level III known can only reach III.
An import keeps the valid lines and reports each bad one; it all happens in the caller's one transaction.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import math
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Connection, and_, func, insert, select, tuple_, update

from db.schema import river_readings, river_stations
from services.core import audit
from services.core.clock import LOCAL_TZ, now
from services.core.errors import NotFound, PermissionDenied, ValidationError
from services.core.roles import ADMIN, CITY_LEADER, LEADER, Actor
from services.core.text import ascii_fold, nfc

COLUMNS = ("station", "time", "level_m", "rain_mm")
TIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S")
DEFAULT_STALE_MINUTES = 60
TREND_WINDOW = timedelta(hours=1)
TREND_STEP_M = 0.05
LEVEL_RANGE_M = (-10.0, 100.0)
MAX_RAIN_MM = 1000.0
FUTURE_TOLERANCE = timedelta(minutes=10)
READERS = (ADMIN, CITY_LEADER, LEADER)
ALERT_LABELS = {0: "Dưới báo động I", 1: "Báo động I", 2: "Báo động II", 3: "Báo động III"}
TREND_LABELS = {"rising": "Đang lên", "falling": "Đang xuống", "steady": "Ít thay đổi", None: "Chưa đủ số liệu"}
SOURCES = {"csv", "cli", "sensor", "demo"}


# --- pure rules ---------------------------------------------------------------------------------------------------


def station_code(name: str) -> str:
    return "_".join(ascii_fold(nfc(name)).lower().split())


def alert_level(level_m: float | None, thresholds: Sequence[float | None]) -> int:
    """The highest alert level reached (level ≥ threshold); unknown thresholds are skipped, never taken as 0."""
    if level_m is None:
        return 0
    reached = [number for number, limit in enumerate(thresholds, start=1) if limit is not None and level_m >= limit]
    return max(reached, default=0)


def rain_category(mm_24h: float | None) -> str:
    if mm_24h is None:
        return "Chưa có số liệu"
    if mm_24h <= 0:
        return "Không mưa"
    if mm_24h < 16:
        return "Mưa nhỏ"
    if mm_24h <= 50:
        return "Mưa vừa"
    if mm_24h <= 100:
        return "Mưa to"
    return "Mưa rất to"


def trend(latest_m: float | None, earlier_m: float | None) -> str | None:
    if latest_m is None or earlier_m is None:
        return None
    change = latest_m - earlier_m
    if change >= TREND_STEP_M:
        return "rising"
    if change <= -TREND_STEP_M:
        return "falling"
    return "steady"


def is_stale(last_at: datetime | None, at: datetime, stale_after_minutes: int) -> bool:
    return last_at is None or at - last_at > timedelta(minutes=stale_after_minutes)


def check_thresholds(values: Sequence[float | None]) -> list[float | None]:
    known = [v for v in values if v is not None]
    if any(not math.isfinite(v) or v < LEVEL_RANGE_M[0] or v > LEVEL_RANGE_M[1] for v in known):
        raise ValidationError("Mức báo động phải là số mét hợp lệ.")
    if known != sorted(set(known)) or len(known) != len(set(known)):
        raise ValidationError("Mức báo động I < II < III (bỏ trống mức chưa có số liệu chính thức).")
    return list(values)


def parse_time(value: str) -> datetime:
    text = (value or "").strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        parsed = None
        for pattern in TIME_FORMATS:
            try:
                parsed = datetime.strptime(text, pattern)
                break
            except ValueError:
                continue
    if parsed is None:
        raise ValidationError(f"thời điểm '{text}' không hợp lệ (vd. 2025-10-30 14:00 hoặc 30/10/2025 14:00)")
    return parsed.replace(tzinfo=LOCAL_TZ) if parsed.tzinfo is None else parsed


def parse_number(value, label: str, *, required: bool) -> float | None:
    text = str(value if value is not None else "").strip().replace(",", ".")
    if not text:
        if required:
            raise ValidationError(f"thiếu {label}")
        return None
    try:
        number = float(text)
    except ValueError:
        raise ValidationError(f"{label} '{value}' không phải là số") from None
    if not math.isfinite(number):
        raise ValidationError(f"{label} '{value}' không phải là số")
    return number


# --- reports ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineError:
    line: int
    message: str


@dataclass
class ImportReport:
    accepted: int = 0
    errors: list[LineError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class Candidate:
    line: int
    station: str
    time: str
    level: object
    rain: object


# --- stations -----------------------------------------------------------------------------------------------------


def list_stations(conn: Connection, actor: Actor) -> list[dict]:
    actor.require(*READERS)
    query = select(river_stations).order_by(river_stations.c.river, river_stations.c.name)
    return [_public_station(row) for row in conn.execute(query)]


def _public_station(row) -> dict:
    data = dict(row._mapping)
    data["has_token"] = data.pop("token_hash") is not None
    return data


def _station(conn: Connection, station_id: int):
    row = conn.execute(select(river_stations).where(river_stations.c.id == station_id)).first()
    if row is None:
        raise NotFound("Không tìm thấy trạm đo.")
    return row


def update_station(
    conn: Connection,
    actor: Actor,
    *,
    station_id: int,
    alert_1_m: float | None,
    alert_2_m: float | None,
    alert_3_m: float | None,
    stale_after_minutes: int,
) -> None:
    actor.require(ADMIN)
    _station(conn, station_id)
    levels = check_thresholds([alert_1_m, alert_2_m, alert_3_m])
    if not 5 <= int(stale_after_minutes) <= 7 * 24 * 60:
        raise ValidationError("Thời gian coi là mất số liệu phải từ 5 phút đến 7 ngày.")
    values = dict(zip(("alert_1_m", "alert_2_m", "alert_3_m"), levels, strict=True))
    conn.execute(
        update(river_stations)
        .where(river_stations.c.id == station_id)
        .values(**values, stale_after_minutes=int(stale_after_minutes), updated_at=now(), updated_by=actor.username)
    )
    audit.record(conn, actor, action="update", entity="river_station", entity_id=station_id, **values)


def issue_token(conn: Connection, actor: Actor, *, station_id: int) -> str:
    """A new sensor token for the station, shown once; the previous one stops working."""
    actor.require(ADMIN)
    _station(conn, station_id)
    token = secrets.token_urlsafe(32)
    conn.execute(
        update(river_stations)
        .where(river_stations.c.id == station_id)
        .values(token_hash=_hash(token), updated_at=now(), updated_by=actor.username)
    )
    audit.record(conn, actor, action="issue_token", entity="river_station", entity_id=station_id)
    return token


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- importing readings -------------------------------------------------------------------------------------------


def import_readings(
    conn: Connection, actor: Actor | None, *, content: bytes | str, source: str = "csv"
) -> ImportReport:
    """CSV with the header station,time,level_m,rain_mm (station: code or name; time: local unless it has an offset).
    `actor` None is the command line (manage.py import-readings)."""
    if actor is not None:
        actor.require(*READERS)
    candidates, errors = _csv_candidates(_decode(content))
    report = store_readings(conn, candidates, source=source, stations=_stations_by_key(conn))
    report.errors = sorted(errors + report.errors, key=lambda e: e.line)
    if report.accepted:
        audit.record(conn, actor, action="import", entity="river_readings", accepted=report.accepted)
    return report


def push_readings(conn: Connection, *, station: str, token: str, readings: Sequence[dict]) -> ImportReport:
    """A sensor's push: the station's own token, or PermissionDenied and nothing stored."""
    row = conn.execute(select(river_stations).where(river_stations.c.code == (station or "").strip().lower())).first()
    if row is None or row.token_hash is None or not hmac.compare_digest(row.token_hash, _hash(token or "")):
        raise PermissionDenied("Mã trạm hoặc mã xác thực (token) không đúng.")
    if not isinstance(readings, list | tuple) or not readings:
        raise ValidationError("Không có số đo nào (readings).")
    candidates = [_json_candidate(number, row.code, item) for number, item in enumerate(readings, start=1)]
    return store_readings(conn, candidates, source="sensor", stations={row.code: row.id})


def _json_candidate(number: int, station: str, item) -> Candidate:
    item = item if isinstance(item, dict) else {}
    return Candidate(number, station, str(item.get("time", "")), item.get("level_m"), item.get("rain_mm"))


def _decode(content: bytes | str) -> str:
    if isinstance(content, str):
        return content
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError("Tệp không phải văn bản UTF-8; hãy lưu lại dưới dạng CSV UTF-8.") from None


def _csv_candidates(text: str) -> tuple[list[Candidate], list[LineError]]:
    lines = list(csv.reader(io.StringIO(text)))
    if not lines:
        raise ValidationError("Tệp rỗng.")
    header = tuple(cell.strip().lower() for cell in lines[0])
    if header != COLUMNS:
        raise ValidationError(
            f"Dòng 1: tiêu đề cột phải là “{','.join(COLUMNS)}”, tệp có “{','.join(lines[0])}”. "
            "Không dòng nào được nhập."
        )
    candidates, errors = [], []
    for number, cells in enumerate(lines[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(COLUMNS):
            errors.append(LineError(number, f"có {len(cells)} cột, cần {len(COLUMNS)} ({','.join(COLUMNS)})"))
            continue
        candidates.append(Candidate(number, *cells))
    return candidates, errors


def _stations_by_key(conn: Connection) -> dict[str, int]:
    """Stations by code and by folded name, so 'Câu Lâu', 'cau lau' and 'cau_lau' all match."""
    keys = {}
    for row in conn.execute(select(river_stations.c.id, river_stations.c.code, river_stations.c.name)):
        keys[row.code] = row.id
        keys[station_code(row.name)] = row.id
    return keys


def store_readings(
    conn: Connection, candidates: Iterable[Candidate], *, source: str, stations: dict[str, int]
) -> ImportReport:
    if source not in SOURCES:
        raise ValidationError("Nguồn số liệu không hợp lệ.")
    report, valid, seen = ImportReport(), [], set()
    received_at = now()
    for candidate in candidates:
        try:
            row = _validated(candidate, stations, received_at)
        except ValidationError as exc:
            report.errors.append(LineError(candidate.line, exc.message))
            continue
        key = (row["station_id"], row["at"])
        if key in seen:
            report.errors.append(LineError(candidate.line, "trùng số đo (cùng trạm, cùng thời điểm) trong tệp"))
            continue
        seen.add(key)
        valid.append((candidate.line, row))
    taken = _existing(conn, [row for _, row in valid])
    for line, row in valid:
        if (row["station_id"], row["at"]) in taken:
            report.errors.append(LineError(line, "trùng số đo đã có (cùng trạm, cùng thời điểm)"))
    rows = [{**row, "source": source, "created_at": received_at} for _, row in valid if _key(row) not in taken]
    if rows:
        conn.execute(insert(river_readings), rows)
    report.accepted = len(rows)
    report.errors.sort(key=lambda e: e.line)
    return report


def _key(row: dict) -> tuple[int, datetime]:
    return row["station_id"], row["at"]


def _validated(candidate: Candidate, stations: dict[str, int], received_at: datetime) -> dict:
    station_id = stations.get(station_code(candidate.station))
    if station_id is None:
        raise ValidationError(f"không có trạm '{candidate.station.strip()}'")
    at = parse_time(candidate.time)
    if at > received_at + FUTURE_TOLERANCE:
        raise ValidationError(f"thời điểm '{candidate.time.strip()}' ở tương lai")
    level = parse_number(candidate.level, "mực nước", required=True)
    if not LEVEL_RANGE_M[0] <= level <= LEVEL_RANGE_M[1]:
        raise ValidationError(f"mực nước {level} m nằm ngoài khoảng hợp lý")
    rain = parse_number(candidate.rain, "lượng mưa", required=False)
    if rain is not None and not 0 <= rain <= MAX_RAIN_MM:
        raise ValidationError(f"lượng mưa {rain} mm không hợp lệ")
    return {"station_id": station_id, "at": at.astimezone(received_at.tzinfo), "level_m": level, "rain_mm": rain}


def _existing(conn: Connection, rows: list[dict]) -> set[tuple[int, datetime]]:
    taken: set[tuple[int, datetime]] = set()
    keys = [_key(row) for row in rows]
    for offset in range(0, len(keys), 500):
        chunk = keys[offset : offset + 500]
        query = select(river_readings.c.station_id, river_readings.c.at).where(
            tuple_(river_readings.c.station_id, river_readings.c.at).in_(chunk)
        )
        taken |= {(row.station_id, row.at) for row in conn.execute(query)}
    return taken


# --- what the IOC shows -------------------------------------------------------------------------------------------


def station_overview(conn: Connection, actor: Actor, *, at: datetime | None = None) -> list[dict]:
    """Each active station now: last level, alert level, trend over the last hour, stale flag, rain of the last 24 h."""
    actor.require(*READERS)
    at = at or now()
    latest = _latest_readings(conn, at)
    rain = _rain_since(conn, at - timedelta(hours=24), at)
    return [_overview(row, latest.get(row.id), rain.get(row.id), conn, at) for row in _active_stations(conn)]


def _active_stations(conn: Connection):
    query = select(river_stations).where(river_stations.c.active.is_(True))
    return conn.execute(query.order_by(river_stations.c.river, river_stations.c.name)).all()


def _latest_readings(conn: Connection, at: datetime) -> dict[int, dict]:
    last = (
        select(river_readings.c.station_id, func.max(river_readings.c.at).label("at"))
        .where(river_readings.c.at <= at)
        .group_by(river_readings.c.station_id)
        .subquery()
    )
    query = select(river_readings).join(
        last, and_(last.c.station_id == river_readings.c.station_id, last.c.at == river_readings.c.at)
    )
    return {row.station_id: dict(row._mapping) for row in conn.execute(query)}


def _rain_since(conn: Connection, start: datetime, end: datetime) -> dict[int, float]:
    query = (
        select(river_readings.c.station_id, func.sum(river_readings.c.rain_mm).label("rain"))
        .where(river_readings.c.at > start, river_readings.c.at <= end, river_readings.c.rain_mm.is_not(None))
        .group_by(river_readings.c.station_id)
    )
    return {row.station_id: float(row.rain) for row in conn.execute(query)}


def _level_before(conn: Connection, station_id: int, moment: datetime) -> float | None:
    query = (
        select(river_readings.c.level_m)
        .where(river_readings.c.station_id == station_id, river_readings.c.at <= moment)
        .order_by(river_readings.c.at.desc())
        .limit(1)
    )
    return conn.scalar(query)


def _overview(station, latest: dict | None, rain_24h: float | None, conn: Connection, at: datetime) -> dict:
    thresholds = (station.alert_1_m, station.alert_2_m, station.alert_3_m)
    level = latest["level_m"] if latest else None
    earlier = _level_before(conn, station.id, latest["at"] - TREND_WINDOW) if latest else None
    level_trend = trend(level, earlier)
    alert = alert_level(level, thresholds)
    return {
        "station_id": station.id,
        "code": station.code,
        "name": station.name,
        "river": station.river,
        "alert_1_m": station.alert_1_m,
        "alert_2_m": station.alert_2_m,
        "alert_3_m": station.alert_3_m,
        "level_m": level,
        "last_at": latest["at"] if latest else None,
        "alert": alert,
        "alert_label": ALERT_LABELS[alert],
        "trend": level_trend,
        "trend_label": TREND_LABELS[level_trend],
        "stale": is_stale(latest["at"] if latest else None, at, station.stale_after_minutes),
        "stale_after_minutes": station.stale_after_minutes,
        "rain_24h_mm": rain_24h if latest else None,
        "rain_category": rain_category((rain_24h or 0.0) if latest else None),
    }


def station_series(
    conn: Connection, actor: Actor, *, station_id: int, hours: int = 72, at: datetime | None = None
) -> list[dict]:
    actor.require(*READERS)
    at = at or now()
    _station(conn, station_id)
    query = (
        select(river_readings.c.at, river_readings.c.level_m, river_readings.c.rain_mm)
        .where(
            river_readings.c.station_id == station_id,
            river_readings.c.at > at - timedelta(hours=hours),
            river_readings.c.at <= at,
        )
        .order_by(river_readings.c.at)
    )
    return [dict(row._mapping) for row in conn.execute(query)]
