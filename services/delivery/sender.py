"""The sender: claims due outbox rows with a lease, delivers each, and records every attempt.

Crash safety: a claim commits (status 'sending', lease owner, lease end) before anything is sent; each message is
marked in its own transaction right after its channel accepted it, so a crash loses nothing (an expired lease makes
the row due again) and re-sends at most the one message whose acceptance was never recorded — which carries the
same Message-ID / Idempotency-Key, so the receiving side can drop it. PostgreSQL claims with
`SELECT … FOR UPDATE SKIP LOCKED` (several senders share the work); SQLite with `BEGIN IMMEDIATE` (db.engine.write).
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine, insert, select, update

from db.engine import write
from db.schema import notify_attempts, notify_outbox
from services.core.clock import now
from services.dossiers.public_status import status_url
from services.notify import outbox
from services.notify.channels import DeliveryError, Outgoing, Transport
from services.notify.templates import TEMPLATES, render
from services.online.submission import status_link

log = logging.getLogger("motcua.notify")


def default_worker() -> str:
    return f"{socket.gethostname()[:30]}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


@dataclass
class SenderOptions:
    base_url: str
    secret: str
    worker: str = field(default_factory=default_worker)
    batch_size: int = 50
    lease_seconds: int = 300
    max_attempts: int = 6
    backoff_base: float = 60.0  # seconds; then 2, 4, 8 … times that
    backoff_cap: float = 6 * 3600.0


@dataclass
class PassResult:
    sent: int = 0
    failed: int = 0  # attempts that failed (to be retried or given up)
    skipped: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.failed + self.skipped


def claim(engine: Engine, options: SenderOptions, at: datetime) -> list[dict]:
    with write(engine) as conn:
        query = (
            select(notify_outbox).where(outbox.due_filter(at)).order_by(notify_outbox.c.id).limit(options.batch_size)
        )
        if conn.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        rows = [dict(row._mapping) for row in conn.execute(query)]
        blocked = outbox.opted_out_among(conn, [row["recipient"] for row in rows])
        for row in rows:
            row["opted_out"] = row["recipient"] in blocked
        if rows:
            conn.execute(
                update(notify_outbox)
                .where(notify_outbox.c.id.in_([row["id"] for row in rows]))
                .values(
                    status="sending",
                    lease_owner=options.worker,
                    lease_until=at + timedelta(seconds=options.lease_seconds),
                )
            )
    return rows


def link_for(row: dict, payload: dict, options: SenderOptions) -> str:
    base = options.base_url.rstrip("/")
    if row["subject_kind"] == "dossier" and row["subject_id"]:
        return status_url(base, options.secret, row["subject_id"])
    if row["subject_kind"] == "online" and row["subject_id"]:
        return status_link(base, options.secret, row["subject_id"])
    path = payload.get("link_path", "")
    return f"{base}{path}" if path else base


def optout_link(row: dict, options: SenderOptions) -> str:
    if row["subject_kind"] == "staff":
        return ""
    return f"{options.base_url.rstrip('/')}/thong-bao/tu-choi?t={outbox.optout_token(options.secret, row['id'])}"


def compose(row: dict, options: SenderOptions) -> Outgoing:
    payload = json.loads(row["payload"] or "{}")
    unsubscribe = optout_link(row, options)
    subject, body = render(
        row["event"], row["channel"], payload, link=link_for(row, payload, options), optout_link=unsubscribe
    )
    return Outgoing(row["id"], row["channel"], row["recipient"], subject, body, unsubscribe)


def deliver_one(engine: Engine, transports: dict[str, Transport], options: SenderOptions, row: dict,
                clock: Callable[[], datetime]) -> str:  # fmt: skip
    started = time.monotonic()
    if row.get("opted_out"):  # checked when claimed, a moment ago; an opt-out also drops pending rows at once
        _finish(engine, options, row, "skipped", "Người nhận đã từ chối nhận thông báo.", None, clock(), started)
        return "skipped"
    message = None
    try:
        if row["event"] not in TEMPLATES:
            raise DeliveryError(f"Không có mẫu thông báo cho sự kiện “{row['event']}”.")
        message = compose(row, options)
        transport = transports.get(row["channel"])
        if transport is None:
            raise DeliveryError(f"Kênh “{row['channel']}” chưa được cấu hình.")
        transport.send(message)
    except DeliveryError as exc:
        _finish(engine, options, row, "error", str(exc), message, clock(), started)
        return "error"
    except Exception as exc:  # a bug must not stop the other messages; it is recorded and retried
        log.exception("notification %s failed", row["id"])
        _finish(engine, options, row, "error", f"{type(exc).__name__}: {exc}", message, clock(), started)
        return "error"
    _finish(engine, options, row, "sent", "", message, clock(), started)
    return "sent"


def _finish(engine, options, row, outcome, error, message, at, started) -> None:
    attempts = row["attempts"] + (0 if outcome == "skipped" else 1)
    values: dict = {"attempts": attempts, "lease_owner": None, "lease_until": None, "last_error": error[:2000]}
    if message is not None:
        values.update(subject=message.subject[:300], body=message.body)
    if outcome == "sent":
        values.update(status="sent", sent_at=at)
    elif outcome == "skipped":
        values.update(status="skipped")
    elif attempts >= options.max_attempts:
        values.update(status="failed")
    else:
        wait = outbox.backoff(attempts, base=options.backoff_base, cap=options.backoff_cap)
        values.update(status="pending", next_attempt_at=at + wait)
    with write(engine) as conn:
        conn.execute(
            update(notify_outbox)
            .where(notify_outbox.c.id == row["id"], notify_outbox.c.lease_owner == options.worker)
            .values(**values)
        )
        conn.execute(
            insert(notify_attempts).values(
                outbox_id=row["id"],
                at=at,
                worker=options.worker[:64],
                outcome=outcome,
                error=error[:2000],
                duration_ms=int((time.monotonic() - started) * 1000),
            )
        )


def run_once(engine: Engine, transports: dict[str, Transport], options: SenderOptions, *,
             clock: Callable[[], datetime] = now, stop: threading.Event | None = None) -> PassResult:  # fmt: skip
    """One pass: claims and delivers batches until nothing is due."""
    result = PassResult()
    try:
        while not (stop and stop.is_set()):
            rows = claim(engine, options, clock())
            if not rows:
                break
            for row in rows:
                outcome = deliver_one(engine, transports, options, row, clock)
                result.sent += outcome == "sent"
                result.failed += outcome == "error"
                result.skipped += outcome == "skipped"
    finally:
        for transport in transports.values():
            transport.close()
    return result


def run_forever(engine: Engine, transports: dict[str, Transport], options: SenderOptions, *, poll_seconds: float = 3,
                stop: threading.Event | None = None, alerts_every: float = 60) -> None:  # fmt: skip
    from services.delivery.alerts import scan_near_due

    stop = stop or threading.Event()
    last_scan = 0.0
    while not stop.is_set():
        if time.monotonic() - last_scan >= alerts_every:
            try:
                with write(engine) as conn:
                    scan_near_due(conn)
            except Exception:
                log.exception("near-due scan failed")
            last_scan = time.monotonic()
        try:
            result = run_once(engine, transports, options, stop=stop)
            if result.handled:
                log.info("sent %s, failed %s, skipped %s", result.sent, result.failed, result.skipped)
        except Exception:
            log.exception("sender pass failed; retrying")
        stop.wait(poll_seconds)
