"""The Open311 client: pull new items from an upstream Open311 server (the city's portal) into this app's own triage,
and push their status changes and answers back, idempotently.

- An item is imported once: feedback_sync_links holds (upstream, external id) → local item, unique, written in the
  same transaction as the item.
- Each change is pushed as one update whose update_id is `<local id>-<version>`; the server applies an update_id
  once, so a push that reached the server but was not recorded here is harmless when repeated. A failed push is
  recorded (attempts, error) and retried on the next run.
Network calls happen outside database transactions; only standard GeoReport v2 fields (plus the jurisdiction_id
that names the ward) are read.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine, insert, select, update

from db.engine import read, write
from db.schema import feedback, feedback_sync_links, units
from services.core.clock import now
from services.core.errors import DomainError
from services.core.files import FileStore
from services.feedback.items import REJECT_REASONS, STATUS_LABELS, NewFeedback, add_event, submit_feedback
from services.feedback.location import suggest_unit

TIMEOUT_SECONDS = 20
MAX_RESPONSE_BYTES = 20 * 1024 * 1024
PULL_DAYS = 90


class SyncError(Exception):
    pass


def _call(url: str, *, data: dict | None = None) -> list | dict:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (http(s) only)
            return json.loads(response.read(MAX_RESPONSE_BYTES + 1)[:MAX_RESPONSE_BYTES])
    except urllib.error.HTTPError as exc:
        raise SyncError(f"HTTP {exc.code}: {_description(exc)}") from None
    except (urllib.error.URLError, TimeoutError, ValueError) as exc:
        raise SyncError(str(exc)[:300]) from None


def _description(exc: urllib.error.HTTPError) -> str:
    try:
        return str(json.loads(exc.read(65536))[0]["description"])[:300]
    except (ValueError, KeyError, IndexError, TypeError):
        return exc.reason or ""


def sync(
    engine: Engine,
    *,
    store: FileStore,
    base_url: str,
    key: str,
    jurisdiction: str = "",
    at: datetime | None = None,
) -> dict:
    base_url = base_url.rstrip("/")
    if not base_url.startswith(("http://", "https://")):
        raise SyncError("Địa chỉ máy chủ Open311 phải bắt đầu bằng http:// hoặc https://")
    report = {"imported": 0, "already": 0, "skipped": [], "pushed": 0, "failed": []}
    pull(engine, store=store, base_url=base_url, key=key, jurisdiction=jurisdiction, report=report, at=at)
    push(engine, base_url=base_url, key=key, report=report)
    return report


# ---- pull ---------------------------------------------------------------------------------------------------------


def pull(
    engine: Engine,
    *,
    store: FileStore,
    base_url: str,
    key: str,
    report: dict,
    jurisdiction: str = "",
    at: datetime | None = None,
) -> None:
    """Open items of the last 90 days; `jurisdiction` (a unit code) limits them to one ward."""
    at = at or now()
    start = (at - timedelta(days=PULL_DAYS - 1)).isoformat(timespec="seconds")
    params = {"api_key": key, "status": "open", "start_date": start, "end_date": at.isoformat()}
    query = urllib.parse.urlencode({**params, "jurisdiction_id": jurisdiction} if jurisdiction else params)
    items = _call(f"{base_url}/requests.json?{query}")
    if not isinstance(items, list):
        raise SyncError("Máy chủ trả về dữ liệu không đúng chuẩn Open311.")
    for item in items:
        external_id = str(item.get("service_request_id") or "")[:64]
        if not external_id:
            continue
        with write(engine) as conn:
            if _linked(conn, base_url, external_id):
                report["already"] += 1
                continue
            try:
                _import(conn, store, base_url, external_id, item)
                report["imported"] += 1
            except DomainError as exc:
                report["skipped"].append(f"{external_id}: {exc.message}")


def _linked(conn: Connection, base_url: str, external_id: str) -> bool:
    query = select(feedback_sync_links.c.id).where(
        feedback_sync_links.c.upstream == base_url, feedback_sync_links.c.external_id == external_id
    )
    return conn.scalar(query) is not None


def _import(conn: Connection, store: FileStore, base_url: str, external_id: str, item: dict) -> None:
    description = str(item.get("description") or "").strip()
    address = str(item.get("address") or "").strip()[:300]
    title = (description.splitlines() or [""])[0][:120] or str(item.get("service_name") or "Phản ánh")[:120]
    new = NewFeedback(
        unit_id=_unit_of(conn, item, address),
        title=title,
        content=description[:5000],
        address=address,
        latitude=item.get("lat"),
        longitude=item.get("long"),
    )
    origin = {"source": "sync", "upstream": base_url, "media_url": str(item.get("media_url") or "")[:500]}
    created = submit_feedback(conn, store=store, item=new, at=now(), origin=origin)
    conn.execute(
        insert(feedback_sync_links).values(
            upstream=base_url,
            external_id=external_id,
            feedback_id=created["id"],
            imported_at=now(),
            pushed_key="",
            push_attempts=0,
            last_error="",
        )
    )
    note = f"Từ {base_url}, mã {external_id}"
    add_event(conn, None, created["id"], "sync_in", None, created["status"], note=note, public=False)


def _unit_of(conn: Connection, item: dict, address: str) -> int | None:
    code = str(item.get("jurisdiction_id") or "").upper()
    unit_id = conn.scalar(select(units.c.id).where(units.c.code == code)) if code else None
    if unit_id is None:
        suggestion = suggest_unit(conn, address=address)
        unit_id = suggestion["unit_id"] if suggestion else None
    return unit_id


# ---- push ---------------------------------------------------------------------------------------------------------


def pending_pushes(conn: Connection, base_url: str) -> list[dict]:
    rows = conn.execute(
        select(
            feedback_sync_links,
            feedback.c.status,
            feedback.c.version,
            feedback.c.answer,
            feedback.c.reject_reason,
            feedback.c.reject_note,
        )
        .join(feedback, feedback.c.id == feedback_sync_links.c.feedback_id)
        .where(feedback_sync_links.c.upstream == base_url)
        .order_by(feedback_sync_links.c.id)
    )
    return [dict(row._mapping) for row in rows if row.pushed_key != _push_key(row.status, row.version)]


def _push_key(status: str, version: int) -> str:
    return f"{status}@{version}"


def push(engine: Engine, *, base_url: str, key: str, report: dict) -> None:
    with read(engine) as conn:
        pending = pending_pushes(conn, base_url)
    for link in pending:
        fields = {
            "api_key": key,
            "service_request_id": link["external_id"],
            "update_id": f"{link['feedback_id']}-{link['version']}",
            "status": "open" if link["status"] in {"triage", "assigned", "info_requested"} else "closed",
            "description": _update_text(link),
            "updated_datetime": now().isoformat(timespec="seconds"),
        }
        try:
            _call(f"{base_url}/servicerequestupdates.json", data=fields)
        except SyncError as exc:
            _record_push(engine, link, error=str(exc))
            report["failed"].append(f"{link['external_id']}: {exc}")
            continue
        _record_push(engine, link, error="")
        report["pushed"] += 1


def _update_text(link: dict) -> str:
    if link["status"] == "answered":
        return link["answer"]
    if link["status"] == "rejected":
        return f"Không xử lý: {REJECT_REASONS.get(link['reject_reason'] or '', '')}. {link['reject_note']}".strip()
    return STATUS_LABELS[link["status"]]


def _record_push(engine: Engine, link: dict, *, error: str) -> None:
    values = (
        {"last_error": error[:2000], "push_attempts": feedback_sync_links.c.push_attempts + 1}
        if error
        else {"pushed_key": _push_key(link["status"], link["version"]), "pushed_at": now(), "last_error": ""}
    )
    with write(engine) as conn:
        conn.execute(update(feedback_sync_links).where(feedback_sync_links.c.id == link["id"]).values(**values))
