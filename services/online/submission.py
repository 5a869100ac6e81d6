"""Online submission (nộp hồ sơ trực tuyến): a citizen files on /nop-ho-so, the dossier waits as "chờ tiếp nhận" in
the receiving unit's online inbox, and a clerk accepts it (it becomes a normal dossier with channel 2), asks for a
supplement (the citizen re-uploads on the status page; nothing counts until accepted) or refuses it with a reason.

Public side (no actor; hostile input): `submission_form`, `count_attempt`, `submit_online`, `citizen_view`,
`upload_supplement`. Staff side (clerk of the receiving unit): `inbox`, `submission_detail`, `file_for_staff`,
`accept`, `request_supplement`, `refuse`. Every change writes the citizen's notification to the outbox in the same
transaction (if they consented).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import Connection, delete, event, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from db.schema import dossier_files, dossiers, online_rate_limits, online_submission_files, online_submissions, units
from services.catalog import procedures as catalog
from services.core import audit
from services.core.clock import format_datetime, local, now
from services.core.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationError
from services.core.files import CheckedFile, FileStore, check_upload, new_storage_key
from services.core.roles import CLERK, LEADER, Actor
from services.core.text import nfc
from services.core.units import get_unit
from services.core.working_time import WorkingCalendar, parse_hhmm
from services.dossiers.flow import STATUS_LABELS as DOSSIER_STATUS_LABELS
from services.dossiers.intake import check_person, receive_online
from services.dossiers.public_status import status_url
from services.notify import outbox as notify_outbox

STATUS_LABELS = {
    "pending": "Chờ tiếp nhận",
    "supplement_requested": "Cần bổ sung hồ sơ",
    "accepted": "Đã tiếp nhận",
    "refused": "Không tiếp nhận",
}
OPEN = ("pending", "supplement_requested")
MAX_FILES = 12
MAX_ONLINE_FILE_BYTES = 10 * 1024 * 1024
MAX_ONLINE_TOTAL_BYTES = 40 * 1024 * 1024  # the web route refuses bigger request bodies before reading them
MAX_TEXT = 2000
RATE_WINDOW_SECONDS = 600
RATE_LIMIT = 5  # submissions (and supplement uploads) per browser / address per window [sample value]
DUPLICATE_WINDOW = timedelta(minutes=30)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
ONLY_ONLINE = "Thủ tục này chưa được cung cấp trực tuyến. Vui lòng chọn thủ tục khác hoặc nộp tại bộ phận một cửa."


class TooManySubmissions(DomainError):
    pass


@dataclass(frozen=True)
class NewSubmission:
    unit_id: int | None
    procedure_code: str
    applicant: dict
    second_party: dict | None = None
    land_unit_id: int | None = None
    consent: bool = False
    zalo: bool = False  # also by Zalo to the phone number (with consent)
    uploads: list[tuple[str, str, bytes]] = field(default_factory=list)  # (checklist item, filename, bytes)


# --- the form -----------------------------------------------------------------------------------------------------


def online_procedures(conn: Connection) -> list[dict]:
    return [p for p in catalog.list_procedures(conn) if p.get("online")]


def submission_form(conn: Connection) -> dict:
    units_ = conn.execute(select(units.c.id, units.c.name).where(units.c.active.is_(True)).order_by(units.c.name))
    return {"units": [dict(row._mapping) for row in units_], "procedures": online_procedures(conn)}


def _online_procedure(conn: Connection, code: str) -> dict:
    if not (code or "").strip():
        raise ValidationError("Vui lòng chọn thủ tục hành chính.")
    try:
        procedure = catalog.get_procedure(conn, code)
    except NotFound:
        raise ValidationError(ONLY_ONLINE) from None
    if not procedure["active"] or not procedure.get("online"):
        raise ValidationError(ONLY_ONLINE)
    return procedure


def _active_unit(conn: Connection, unit_id: int | None, message: str) -> dict:
    if unit_id is None:
        raise ValidationError(message)
    row = conn.execute(select(units).where(units.c.id == unit_id, units.c.active.is_(True))).first()
    if row is None:
        raise ValidationError(message)
    return dict(row._mapping)


# --- abuse limits -------------------------------------------------------------------------------------------------


def count_attempt(conn: Connection, client_key: str, *, at: datetime | None = None) -> None:
    """A fixed-window counter in the database, incremented atomically; the web route runs it in its own transaction
    so rejected attempts count too."""
    at = at or now()
    window = int(at.timestamp()) // RATE_WINDOW_SECONDS * RATE_WINDOW_SECONDS
    conn.execute(delete(online_rate_limits).where(online_rate_limits.c.window_start < window - 86400))
    count = _increment(conn, client_key, window)
    if count is None:
        try:
            with conn.begin_nested():
                conn.execute(insert(online_rate_limits).values(client_key=client_key, window_start=window, count=1))
            count = 1
        except IntegrityError:
            count = _increment(conn, client_key, window)
    if count > RATE_LIMIT:
        raise TooManySubmissions(
            f"Bạn đã gửi quá nhiều lần trong thời gian ngắn. Vui lòng thử lại sau {RATE_WINDOW_SECONDS // 60} phút."
        )


def _increment(conn: Connection, client_key: str, window: int) -> int | None:
    table = online_rate_limits
    return conn.execute(
        update(table)
        .where(table.c.client_key == client_key, table.c.window_start == window)
        .values(count=table.c.count + 1)
        .returning(table.c.count)
    ).scalar()


# --- file checks (one function, so a shared upload check can replace it) --------------------------------------------


def check_online_files(uploads: list[tuple[str, str, bytes]]) -> list[tuple[str, CheckedFile]]:
    """The counter's checks (type by content: PDF/JPEG/PNG; size), with the online limits on count and total."""
    uploads = [(document, name, data) for document, name, data in uploads if name or data]
    if len(uploads) > MAX_FILES:
        raise ValidationError(f"Chỉ tải lên được tối đa {MAX_FILES} tệp.")
    checked = [
        (document, check_upload(name, data, max_bytes=MAX_ONLINE_FILE_BYTES)) for document, name, data in uploads
    ]
    total = sum(item.size for _, item in checked)
    if total > MAX_ONLINE_TOTAL_BYTES:
        raise ValidationError(f"Tổng dung lượng tệp vượt {MAX_ONLINE_TOTAL_BYTES // 1024 // 1024} MB.")
    return checked


def _store_files(conn: Connection, store: FileStore, submission_id: int, prefix: str, checked, round_: int, at) -> None:
    keys: list[str] = []

    def on_rollback(_conn) -> None:
        for key in keys:
            store.delete(key)

    event.listen(conn, "rollback", on_rollback, once=True)
    for document, item in checked:
        key = new_storage_key(prefix, item)
        try:
            store.put(key, item.data, item.content_type)
        except Exception as exc:
            message = f"Không lưu được tệp “{item.filename}”. Hồ sơ chưa được gửi; vui lòng thử lại."
            raise ValidationError(message) from exc
        keys.append(key)
        conn.execute(
            insert(online_submission_files).values(
                submission_id=submission_id,
                document=nfc(document)[:300] or "Giấy tờ khác",
                round=round_,
                filename=item.filename,
                content_type=item.content_type,
                size=item.size,
                sha256=item.sha256,
                storage_key=key,
                uploaded_at=at,
            )
        )


# --- submitting ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Submitted:
    submission_id: int
    tracking_code: str
    duplicate: bool


def submit_online(
    conn: Connection, *, store: FileStore, submission: NewSubmission, at: datetime | None = None
) -> Submitted:
    at = at or now()
    unit = _active_unit(conn, submission.unit_id, "Vui lòng chọn phường/xã nơi nộp hồ sơ.")
    procedure = _online_procedure(conn, submission.procedure_code)
    people = _people(procedure, submission, local(at).date())
    land_unit_id = _land_unit(conn, procedure, submission.land_unit_id)
    checked = check_online_files(submission.uploads)
    if not checked:
        raise ValidationError("Vui lòng tải lên ít nhất một giấy tờ trong thành phần hồ sơ (tờ khai).")
    fingerprint = _fingerprint(people[0]["cccd"], procedure["code"], [item.sha256 for _, item in checked])
    if (earlier := _recent_duplicate(conn, fingerprint, at)) is not None:
        return Submitted(earlier.id, earlier.tracking_code, True)
    code = _new_code(conn)
    submission_id = conn.execute(
        insert(online_submissions).values(
            tracking_code=code,
            unit_id=unit["id"],
            procedure_id=procedure["id"],
            status="pending",
            applicant=json.dumps(people[0], ensure_ascii=False),
            second_party=json.dumps(people[1], ensure_ascii=False) if len(people) > 1 else None,
            applicant_cccd=people[0]["cccd"],
            land_unit_id=land_unit_id,
            consent=bool(submission.consent),
            fingerprint=fingerprint,
            submitted_at=at,
            supplement_request="",
            refusal_reason="",
            version=1,
        )
    ).inserted_primary_key[0]
    _store_files(conn, store, submission_id, f"online/{unit['code']}/{code}", checked, 0, at)
    if submission.consent:
        channels = ("email", "sms", "zalo") if submission.zalo else ("email", "sms")
        notify_outbox.consent(
            conn, subject_kind="online", subject_id=submission_id, email=people[0]["email"], phone=people[0]["phone"],
            channels=channels, at=at,
        )  # fmt: skip
    _tell(conn, submission_id, "online_submitted", code, procedure["name"], unit["name"], at)
    audit.record(conn, None, action="submit_online", entity="online_submission", entity_id=submission_id,
                 unit_id=unit["id"], code=code)  # fmt: skip
    return Submitted(submission_id, code, False)


def _people(procedure: dict, submission: NewSubmission, today: date) -> list[dict]:
    applicant = check_person(submission.applicant, today=today, label="Người nộp hồ sơ", phone_required=True)
    people = [applicant]
    if procedure["parties"] >= 2:
        other = submission.second_party or {}
        if not any(str(value).strip() for value in other.values()):
            raise ValidationError(f"Thủ tục “{procedure['name']}” cần thông tin của cả hai bên.")
        people.append(check_person(other, today=today, label="Bên còn lại", phone_required=False))
        if people[0].cccd == people[1].cccd:
            raise ValidationError("Hai bên không thể có cùng số CCCD.")
    return [
        {
            "full_name": person.full_name,
            "cccd": person.cccd,
            "birth_date": person.birth_date.strftime("%d/%m/%Y") if person.birth_date else "",
            "phone": person.phone,
            "address": person.address,
            "email": person.email,
        }
        for person in people
    ]


def _land_unit(conn: Connection, procedure: dict, land_unit_id: int | None) -> int | None:
    if procedure["mode"] != "any_point":
        return None
    return _active_unit(conn, land_unit_id, "Thủ tục này cần chọn phường/xã nơi có đất.")["id"]


def _fingerprint(cccd: str, procedure_code: str, hashes: list[str]) -> str:
    return hashlib.sha256("|".join([cccd, procedure_code, *sorted(hashes)]).encode()).hexdigest()


def _recent_duplicate(conn: Connection, fingerprint: str, at: datetime):
    return conn.execute(
        select(online_submissions.c.id, online_submissions.c.tracking_code).where(
            online_submissions.c.fingerprint == fingerprint,
            online_submissions.c.submitted_at >= at - DUPLICATE_WINDOW,
            online_submissions.c.status != "refused",
        )
    ).first()


def _new_code(conn: Connection) -> str:
    for _ in range(10):
        code = "TT" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        if conn.scalar(select(online_submissions.c.id).where(online_submissions.c.tracking_code == code)) is None:
            return code
    raise Conflict("Không tạo được mã theo dõi; vui lòng thử lại.")


def _tell(conn: Connection, submission_id: int, event_name: str, code: str, procedure: str, unit: str, at: datetime,
          note: str = "") -> None:  # fmt: skip
    payload = {"code": code, "procedure": procedure, "unit": unit, "at": format_datetime(at), "note": note}
    notify_outbox.notify_subject(
        conn, subject_kind="online", subject_id=submission_id, event=event_name, payload=payload, code=code, at=at
    )


# --- the citizen's status page ------------------------------------------------------------------------------------


def sign_token(secret: str, submission_id: int) -> str:
    digest = hmac.new(secret.encode(), f"online-submission:{submission_id}".encode(), hashlib.sha256).digest()
    return f"{submission_id}.{base64.urlsafe_b64encode(digest[:18]).decode().rstrip('=')}"


def status_link(base_url: str, secret: str, submission_id: int) -> str:
    return f"{base_url.rstrip('/')}/nop-ho-so/theo-doi?t={sign_token(secret, submission_id)}"


def _from_token(conn: Connection, secret: str, token: str) -> dict:
    head, _, _ = (token or "").strip().partition(".")
    if not head.isdigit() or not hmac.compare_digest(sign_token(secret, int(head)), (token or "").strip()):
        raise NotFound("Liên kết theo dõi không hợp lệ. Vui lòng mở lại liên kết trong thông báo đã nhận.")
    return _load(conn, int(head))


def _load(conn: Connection, submission_id: int) -> dict:
    row = conn.execute(select(online_submissions).where(online_submissions.c.id == submission_id)).first()
    if row is None:
        raise NotFound("Không tìm thấy hồ sơ nộp trực tuyến.")
    data = dict(row._mapping)
    data["applicant"] = json.loads(data["applicant"])
    data["second_party"] = json.loads(data["second_party"]) if data["second_party"] else None
    return data


NEXT_STEP = {
    "pending": "Hồ sơ đang chờ cán bộ một cửa kiểm tra và tiếp nhận. Bạn chưa cần làm gì thêm.",
    "supplement_requested": "Hồ sơ cần bổ sung: tải lên các giấy tờ theo yêu cầu bên dưới. "
    "Thời hạn giải quyết chỉ bắt đầu khi hồ sơ được tiếp nhận.",
    "accepted": "Hồ sơ đã được tiếp nhận; theo dõi tiến độ giải quyết theo mã hồ sơ bên dưới.",
    "refused": "Hồ sơ không được tiếp nhận. Bạn có thể nộp lại hồ sơ đầy đủ hoặc liên hệ bộ phận một cửa.",
}


def citizen_view(conn: Connection, *, secret: str, token: str, base_url: str = "") -> dict:
    item = _from_token(conn, secret, token)
    procedure = catalog.get_procedure_by_id(conn, item["procedure_id"])
    view = {
        "tracking_code": item["tracking_code"],
        "status": item["status"],
        "status_label": STATUS_LABELS[item["status"]],
        "next_step": NEXT_STEP[item["status"]],
        "procedure": procedure["name"],
        "unit": get_unit(conn, item["unit_id"])["name"],
        "submitted_at": format_datetime(item["submitted_at"]),
        "applicant": _masked_name(item["applicant"]["full_name"]),
        "supplement_request": item["supplement_request"] if item["status"] == "supplement_requested" else "",
        "refusal_reason": item["refusal_reason"] if item["status"] == "refused" else "",
        "files": [{key: f[key] for key in ("document", "filename", "round")} for f in _files(conn, item["id"])],
        "documents": procedure["documents"],
        "dossier": None,
        "results": [],
    }
    if item["dossier_id"]:
        dossier = conn.execute(select(dossiers).where(dossiers.c.id == item["dossier_id"])).one()
        view["dossier"] = {
            "code": dossier.code,
            "status_label": DOSSIER_STATUS_LABELS.get(dossier.status, dossier.status),
            "due": format_datetime(dossier.due_at),
            "link": status_url(base_url, secret, dossier.id),
        }
        if dossier.result_electronic:
            view["results"] = [
                {"id": f.id, "filename": f.filename}
                for f in conn.execute(
                    select(dossier_files).where(
                        dossier_files.c.dossier_id == dossier.id, dossier_files.c.kind == "result"
                    )
                )
            ]
    return view


def _masked_name(name: str) -> str:
    parts = name.split()
    return " ".join([part[0] + "." for part in parts[:-1]] + parts[-1:]) if parts else ""


def result_file_for_citizen(conn: Connection, *, secret: str, token: str, file_id: int) -> dict:
    item = _from_token(conn, secret, token)
    row = conn.execute(select(dossier_files).where(dossier_files.c.id == file_id)).first()
    dossier_electronic = item["dossier_id"] and conn.scalar(
        select(dossiers.c.result_electronic).where(dossiers.c.id == item["dossier_id"])
    )
    if row is None or row.dossier_id != item["dossier_id"] or row.kind != "result" or not dossier_electronic:
        raise NotFound("Không tìm thấy tệp kết quả.")
    return dict(row._mapping)


def upload_supplement(
    conn: Connection,
    *,
    store: FileStore,
    secret: str,
    token: str,
    uploads: list[tuple[str, str, bytes]],
    note: str = "",
    at: datetime | None = None,
) -> dict:
    """The citizen's answer to a supplement request: the files go with the dossier, which returns to the inbox."""
    at = at or now()
    item = _from_token(conn, secret, token)
    if item["status"] != "supplement_requested":
        raise ValidationError("Hồ sơ hiện không có yêu cầu bổ sung.")
    checked = check_online_files(uploads)
    if not checked:
        raise ValidationError("Vui lòng chọn ít nhất một tệp giấy tờ bổ sung.")
    round_ = (conn.scalar(select(func.max(online_submission_files.c.round)).where(
        online_submission_files.c.submission_id == item["id"])) or 0) + 1  # fmt: skip
    unit = get_unit(conn, item["unit_id"])
    _store_files(conn, store, item["id"], f"online/{unit['code']}/{item['tracking_code']}", checked, round_, at)
    _change(conn, item, status="pending", supplemented_at=at)
    audit.record(conn, None, action="supplement_online", entity="online_submission", entity_id=item["id"],
                 unit_id=item["unit_id"], files=len(checked), note=nfc(note)[:MAX_TEXT])  # fmt: skip
    return {"tracking_code": item["tracking_code"], "files": len(checked)}


def _change(conn: Connection, item: dict, *, expected_version: int | None = None, **values) -> None:
    version = item["version"] if expected_version is None else expected_version
    result = conn.execute(
        update(online_submissions)
        .where(online_submissions.c.id == item["id"], online_submissions.c.version == version)
        .values(version=version + 1, **values)
    )
    if result.rowcount != 1:
        raise Conflict("Hồ sơ vừa được người khác cập nhật. Vui lòng tải lại trang rồi thao tác lại.")


def _files(conn: Connection, submission_id: int) -> list[dict]:
    query = (
        select(online_submission_files)
        .where(online_submission_files.c.submission_id == submission_id)
        .order_by(online_submission_files.c.round, online_submission_files.c.id)
    )
    return [dict(row._mapping) for row in conn.execute(query)]


# --- the legal clock ----------------------------------------------------------------------------------------------


def clock_start(calendar: WorkingCalendar, moment: datetime, cutoff: time | None) -> datetime:
    """When an accepted online dossier's legal clock starts: now, if now is inside office hours of a working day
    and not after the procedure's cutoff (the 15:00 rule for same-day procedures, DOMAIN.md §3); before the day's
    opening, at the opening; otherwise at the next working day's opening. [practice, to confirm: online dossiers
    filed after hours count from the next working day, as at the counter — configurable through the calendar and
    the catalog's cutoff]"""
    moment = local(moment)
    day = moment.date()
    sessions = calendar.sessions_on(day)
    if sessions:
        opening, close = sessions[0][0], sessions[-1][1]
        after_cutoff = cutoff is not None and moment.time().replace(second=0, microsecond=0) > cutoff
        if moment < opening:
            return opening
        if moment < close and not after_cutoff:
            return moment
    return calendar.sessions_on(calendar.next_working_day(day))[0][0]


# --- the clerk's online inbox -------------------------------------------------------------------------------------


def _require_clerk_of(actor: Actor, unit_id: int) -> None:
    actor.require(CLERK, LEADER)
    if actor.unit_id != unit_id:
        raise PermissionDenied("Hồ sơ này nộp cho đơn vị khác; bạn không có quyền xử lý.")


def inbox(conn: Connection, actor: Actor, *, include_closed: bool = False, limit: int = 200) -> list[dict]:
    actor.require(CLERK, LEADER)
    if actor.unit_id is None:
        raise PermissionDenied("Tài khoản chưa được gán phường/xã.")
    query = (
        select(online_submissions, func.count(online_submission_files.c.id).label("file_count"))
        .outerjoin(online_submission_files, online_submission_files.c.submission_id == online_submissions.c.id)
        .where(online_submissions.c.unit_id == actor.unit_id)
        .group_by(online_submissions.c.id)
        .order_by(online_submissions.c.submitted_at)
        .limit(limit)
    )
    if not include_closed:
        query = query.where(online_submissions.c.status.in_(OPEN))
    names = {p["id"]: p["name"] for p in catalog.list_procedures(conn, active_only=False)}
    rows = []
    for row in conn.execute(query):
        applicant = json.loads(row.applicant)
        rows.append(
            {
                "id": row.id,
                "tracking_code": row.tracking_code,
                "status": row.status,
                "status_label": STATUS_LABELS[row.status],
                "procedure": names.get(row.procedure_id, ""),
                "applicant": applicant["full_name"],
                "submitted_at": row.submitted_at,
                "supplemented_at": row.supplemented_at,
                "file_count": row.file_count,
                "version": row.version,
            }
        )
    return rows


def submission_detail(conn: Connection, actor: Actor, *, submission_id: int) -> dict:
    item = _load(conn, submission_id)
    _require_clerk_of(actor, item["unit_id"])
    procedure = catalog.get_procedure_by_id(conn, item["procedure_id"])
    return {
        **item,
        "status_label": STATUS_LABELS[item["status"]],
        "procedure": procedure,
        "files": _files(conn, submission_id),
        "land_unit": get_unit(conn, item["land_unit_id"])["name"] if item["land_unit_id"] else "",
    }


def file_for_staff(conn: Connection, actor: Actor, *, store: FileStore, file_id: int) -> tuple[dict, bytes]:
    row = conn.execute(select(online_submission_files).where(online_submission_files.c.id == file_id)).first()
    if row is None:
        raise NotFound("Không tìm thấy tệp.")
    _require_clerk_of(actor, _load(conn, row.submission_id)["unit_id"])
    return dict(row._mapping), store.get(row.storage_key)


def _open_item(conn: Connection, actor: Actor, submission_id: int, *statuses: str) -> dict:
    item = _load(conn, submission_id)
    _require_clerk_of(actor, item["unit_id"])
    actor.require(CLERK)
    if item["status"] not in statuses:
        raise Conflict(f"Hồ sơ đang ở trạng thái “{STATUS_LABELS[item['status']]}”; không thể thao tác.")
    return item


def accept(conn: Connection, actor: Actor, *, submission_id: int, expected_version: int, at: datetime | None = None,
           verification: bool = False) -> dict:  # fmt: skip
    """Turns the submission into a dossier (channel 2) received now — or at the next opening when outside office
    hours or after the cutoff; the files become its scans; the citizen's consents carry over."""
    at = at or now()
    item = _open_item(conn, actor, submission_id, "pending")
    procedure = catalog.get_procedure_by_id(conn, item["procedure_id"])
    cutoff = parse_hhmm(procedure["cutoff"]) if procedure.get("cutoff") else None
    starts = clock_start(catalog.calendar_for_unit(conn, item["unit_id"]), at, cutoff)
    files = _files(conn, submission_id)
    uploaded = {f["document"] for f in files}
    documents = [
        {**doc, "received": doc["name"] in uploaded or index == 0} for index, doc in enumerate(procedure["documents"])
    ]
    receipt = receive_online(
        conn,
        actor,
        submitted_at=item["submitted_at"],
        procedure_code=procedure["code"],
        applicant=item["applicant"],
        second_party=item["second_party"],
        documents=documents or None,
        land_unit_id=item["land_unit_id"],
        verification=verification,
        received_at=starts,
        notes=f"Nộp trực tuyến, mã theo dõi {item['tracking_code']}.",
    )
    for f in files:
        conn.execute(
            insert(dossier_files).values(
                dossier_id=receipt.dossier_id, kind="scan", filename=f["filename"], content_type=f["content_type"],
                size=f["size"], sha256=f["sha256"], storage_key=f["storage_key"], uploaded_at=f["uploaded_at"],
                uploaded_by="online",
            )
        )  # fmt: skip
    _change(conn, item, expected_version=expected_version, status="accepted", decided_at=at,
            decided_by=actor.user_id, dossier_id=receipt.dossier_id)  # fmt: skip
    notify_outbox.copy_consents(conn, source=("online", submission_id), target=("dossier", receipt.dossier_id), at=at)
    unit = get_unit(conn, item["unit_id"])
    payload = {
        "code": receipt.code,
        "tracking": item["tracking_code"],
        "procedure": procedure["name"],
        "unit": unit["name"],
        "received": format_datetime(starts),
        "due": format_datetime(receipt.due_at),
    }
    notify_outbox.notify_subject(conn, subject_kind="dossier", subject_id=receipt.dossier_id, event="online_accepted",
                                 payload=payload, code=receipt.code, at=at)  # fmt: skip
    audit.record(conn, actor, action="accept_online", entity="online_submission", entity_id=submission_id,
                 unit_id=item["unit_id"], dossier=receipt.code)  # fmt: skip
    return {"dossier_id": receipt.dossier_id, "code": receipt.code, "received_at": starts, "due_at": receipt.due_at}


def request_supplement(conn: Connection, actor: Actor, *, submission_id: int, expected_version: int, request: str,
                       at: datetime | None = None) -> None:  # fmt: skip
    at = at or now()
    item = _open_item(conn, actor, submission_id, "pending")
    text = nfc(request).strip()
    if len(text) < 5:
        raise ValidationError("Ghi rõ giấy tờ cần bổ sung (ít nhất 5 ký tự).")
    if len(text) > MAX_TEXT:
        raise ValidationError(f"Nội dung yêu cầu bổ sung quá dài (tối đa {MAX_TEXT} ký tự).")
    _change(conn, item, expected_version=expected_version, status="supplement_requested", supplement_request=text,
            supplement_requested_at=at)  # fmt: skip
    procedure = catalog.get_procedure_by_id(conn, item["procedure_id"])
    unit = get_unit(conn, item["unit_id"])
    _tell(conn, submission_id, "online_supplement", item["tracking_code"], procedure["name"], unit["name"], at, text)
    audit.record(conn, actor, action="supplement_request_online", entity="online_submission",
                 entity_id=submission_id, unit_id=item["unit_id"])  # fmt: skip


def refuse(conn: Connection, actor: Actor, *, submission_id: int, expected_version: int, reason: str,
           at: datetime | None = None) -> None:  # fmt: skip
    at = at or now()
    item = _open_item(conn, actor, submission_id, "pending", "supplement_requested")
    text = nfc(reason).strip()
    if len(text) < 5:
        raise ValidationError("Phải ghi rõ lý do không tiếp nhận (ít nhất 5 ký tự).")
    if len(text) > MAX_TEXT:
        raise ValidationError(f"Lý do quá dài (tối đa {MAX_TEXT} ký tự).")
    _change(conn, item, expected_version=expected_version, status="refused", refusal_reason=text, decided_at=at,
            decided_by=actor.user_id)  # fmt: skip
    procedure = catalog.get_procedure_by_id(conn, item["procedure_id"])
    unit = get_unit(conn, item["unit_id"])
    _tell(conn, submission_id, "online_refused", item["tracking_code"], procedure["name"], unit["name"], at, text)
    audit.record(conn, actor, action="refuse_online", entity="online_submission", entity_id=submission_id,
                 unit_id=item["unit_id"], reason=text)  # fmt: skip
