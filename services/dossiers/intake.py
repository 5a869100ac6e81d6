"""Counter intake (tiếp nhận hồ sơ): validate, number, schedule, route and record a dossier in one transaction;
find a returning applicant by CCCD; refuse a dossier at the counter with a reasoned slip.

API for other features (all run in the caller's transaction):
- `receive_dossier(conn, actor, *, procedure_code, applicant, ...) -> Receipt` — clerk of the receiving unit.
  `applicant` / `second_party`: dicts with full_name, cccd, birth_date (date or "dd/mm/yyyy"), phone, address,
  email. `documents`: [{name, original, copies, received}] (None: the procedure's whole checklist received).
  `files`: [(filename, bytes)] scans, checked by content, stored through `store` and removed if the transaction
  fails. Starts the dossier with `dossier_flow.add_event` and, for department/any_point procedures, the
  `transfer` transition to the department chosen by `routing.route_new_dossier`.
- `find_applicant(conn, actor, cccd) -> dict | None`, `refuse_intake(...) -> int` (refusal id, no dossier code).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime

from sqlalchemy import Connection, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from db.schema import applicants, dossier_documents, dossier_parties, dossiers, intake_refusals
from services.catalog import procedures as catalog
from services.catalog import steps as legal_steps
from services.catalog.routing import route_new_dossier
from services.core import audit
from services.core.cccd import check_birth_date, check_cccd, check_phone
from services.core.clock import local, now
from services.core.errors import NotFound, PermissionDenied, ValidationError
from services.core.files import FileStore, check_uploads
from services.core.roles import CLERK, LEADER, Actor
from services.core.text import nfc
from services.core.units import get_unit
from services.dossiers import codes as dossier_codes
from services.dossiers import files as dossier_files
from services.dossiers import marriage as legal_marriage
from services.dossiers.flow import add_event, transition
from services.notify import events as notify_events

VNEID_SUPPORT = {"none": "Không", "created": "Hỗ trợ tạo tài khoản VNeID", "activated": "Hỗ trợ kích hoạt VNeID"}
CHANNELS = {1: "Trực tiếp", 2: "Trực tuyến", 3: "Bưu chính công ích"}
ONLINE_CHANNEL = 2
# The counter keys in paper dossiers (in person or by post); channel 2 is set only by online submission
# (receive_online), so the Decision 766 online rate counts what citizens really filed online.
COUNTER_CHANNELS = {key: label for key, label in CHANNELS.items() if key != ONLINE_CHANNEL}
ONLINE_ONLY = (
    "Kênh “Trực tuyến” chỉ dành cho hồ sơ công dân tự nộp qua chức năng nộp hồ sơ trực tuyến (Hộp hồ sơ trực tuyến); "
    "quầy một cửa không chọn kênh này."
)
PARTY_ROLES = {"applicant": "Người nộp hồ sơ", "spouse": "Bên còn lại"}
MAX_NAME = 120
MAX_ADDRESS = 300
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class Person:
    full_name: str
    cccd: str
    birth_date: date | None
    phone: str
    address: str
    email: str


@dataclass(frozen=True)
class Receipt:
    dossier_id: int
    code: str
    status: str
    procedure_name: str
    received_at: datetime
    due_at: datetime
    processing_unit_id: int | None
    department_id: int | None
    warnings: tuple[str, ...] = ()


def receive_dossier(
    conn: Connection,
    actor: Actor,
    *,
    procedure_code: str,
    applicant: dict,
    second_party: dict | None = None,
    documents: Sequence[dict] | None = None,
    files: Sequence[tuple[str, bytes]] = (),
    vneid_support: str = "none",
    channel: int = 1,
    verification: bool = False,
    land_unit_id: int | None = None,
    store: FileStore | None = None,
    received_at: datetime | None = None,
    notes: str = "",
    notify_consent: bool = False,
) -> Receipt:
    """A paper dossier at the counter. `notify_consent`: the applicant agreed to be told of each step by e-mail and
    SMS (to the e-mail and phone just given), recorded in the same transaction as the receipt."""
    if channel == ONLINE_CHANNEL:
        raise ValidationError(ONLINE_ONLY)
    arguments = _arguments(locals())
    arguments.pop("notify_consent")
    receipt = _receive(conn, actor, **arguments)
    if notify_consent:
        notify_events.subscribe_dossier(
            conn,
            receipt.dossier_id,
            email=(applicant.get("email") or "").strip(),
            phone=(applicant.get("phone") or "").strip(),
            at=receipt.received_at,
        )
    return receipt


def receive_online(conn: Connection, actor: Actor, *, submitted_at: datetime, **arguments) -> Receipt:
    """Only services.online_submission.accept calls this: the one way a dossier gets channel 2 (trực tuyến).
    `received_at` is when the legal clock starts; `submitted_at` when the citizen filed."""
    return _receive(conn, actor, **{**arguments, "channel": ONLINE_CHANNEL, "submitted_at": submitted_at})


def _arguments(values: dict) -> dict:
    return {key: value for key, value in values.items() if key not in ("conn", "actor")}


def _receive(
    conn: Connection,
    actor: Actor,
    *,
    procedure_code: str,
    applicant: dict,
    second_party: dict | None = None,
    documents: Sequence[dict] | None = None,
    files: Sequence[tuple[str, bytes]] = (),
    vneid_support: str = "none",
    channel: int = 1,
    verification: bool = False,
    land_unit_id: int | None = None,
    store: FileStore | None = None,
    received_at: datetime | None = None,
    submitted_at: datetime | None = None,
    notes: str = "",
) -> Receipt:
    _require_clerk(actor)
    at = received_at or now()
    procedure = active_procedure(conn, procedure_code)
    people = _parties(procedure, applicant, second_party, today=local(at).date())
    warnings = _marriage_warnings(conn, procedure, people, on=local(at).date())
    received_documents = _documents(procedure, documents)
    _check_options(conn, procedure, vneid_support, channel, verification, land_unit_id)
    checked = check_uploads(list(files))
    unit = get_unit(conn, actor.unit_id)
    route = route_new_dossier(conn, procedure=procedure, receiving_unit_id=unit["id"], land_unit_id=land_unit_id)
    due = catalog.compute_due(
        conn,
        procedure=procedure,
        unit_id=route.processing_unit_id or unit["id"],
        received_at=at,
        verification=verification,
    )
    code = dossier_codes.next_code(conn, unit_id=unit["id"], unit_code=unit["code"], at=at)
    party_ids = [_save_applicant(conn, person, at) for person in people]
    dossier = _insert_dossier(
        conn,
        actor,
        code=code,
        procedure=procedure,
        route=route,
        applicant=people[0],
        applicant_id=party_ids[0],
        unit_id=unit["id"],
        land_unit_id=land_unit_id,
        options=dict(channel=channel, verification=verification, vneid_support=vneid_support, notes=nfc(notes)),
        at=at,
        submitted_at=submitted_at or at,
        due=due,
    )
    _insert_parties(conn, dossier["id"], people, party_ids)
    _insert_documents(conn, dossier["id"], received_documents)
    prefix = f"dossiers/{unit['code']}/{code}"
    dossier_files.attach_files(
        conn, actor, store, dossier_id=dossier["id"], prefix=prefix, checked=checked, kind="scan", at=at
    )
    add_event(conn, actor, dossier["id"], route.action, None, dossier["status"], at=at, event={"step_due_at": due})
    legal_steps.create_steps(
        conn,
        dossier_id=dossier["id"],
        procedure=procedure,
        calendar=catalog.calendar_for_unit(conn, route.processing_unit_id or unit["id"]),
        received_at=at,
        verification=verification,
    )
    for warning in warnings:
        status = dossier["status"]
        add_event(conn, actor, dossier["id"], "note", status, status, at=at, note=warning, public=False)
    if route.then == "transfer":
        dossier = transition(
            conn,
            actor,
            dossier,
            "transfer",
            at=at,
            event={"to_unit_id": route.processing_unit_id, "to_department_id": route.department_id},
        )
    audit.record(
        conn, actor, action="receive", entity="dossier", entity_id=dossier["id"], unit_id=unit["id"], code=code
    )
    return Receipt(
        dossier["id"],
        code,
        dossier["status"],
        procedure["name"],
        at,
        due,
        route.processing_unit_id,
        route.department_id,
        tuple(warnings),
    )


def _require_clerk(actor: Actor) -> None:
    actor.require(CLERK)
    if actor.unit_id is None:
        raise PermissionDenied("Tài khoản một cửa chưa được gán phường/xã.")


def active_procedure(conn: Connection, code: str) -> dict:
    if not (code or "").strip():
        raise ValidationError("Chưa chọn thủ tục hành chính.")
    procedure = catalog.get_procedure(conn, code)
    if not procedure["active"]:
        raise ValidationError(f"Thủ tục “{procedure['name']}” đang tạm ngừng tiếp nhận.")
    return procedure


def _parties(procedure: dict, applicant: dict, second_party: dict | None, *, today: date) -> list[Person]:
    people = [check_person(applicant, today=today, label="Người nộp hồ sơ", phone_required=True)]
    if procedure["parties"] >= 2:
        if not second_party or not any((second_party or {}).values()):
            raise ValidationError(f"Thủ tục “{procedure['name']}” cần thông tin của cả hai bên.")
        people.append(check_person(second_party, today=today, label="Bên còn lại", phone_required=False))
        if people[0].cccd == people[1].cccd:
            raise ValidationError("Hai bên không thể có cùng số CCCD.")
    return people


def _marriage_warnings(conn: Connection, procedure: dict, people: list[Person], *, on: date) -> list[str]:
    """Marriage: refuse (nothing saved) under-age or same-sex parties; warn on a marriage not ended."""
    if not legal_marriage.is_marriage(procedure):
        return []
    legal_marriage.check_conditions([asdict(person) for person in people], on=on)
    return legal_marriage.open_marriage_warnings(conn, [person.cccd for person in people])


def check_person(data: dict, *, today: date, label: str, phone_required: bool) -> Person:
    name = " ".join(nfc(data.get("full_name", "")).split())
    if not name:
        raise ValidationError(f"{label}: họ và tên không được để trống.")
    if len(name) > MAX_NAME or any(ch.isdigit() for ch in name):
        raise ValidationError(f"{label}: họ và tên “{name[:40]}” không hợp lệ.")
    birth = check_birth_date(data.get("birth_date"), today=today, label=f"{label}: ngày sinh")
    cccd = check_cccd(data.get("cccd", ""), birth_date=birth, label=f"{label}: số CCCD")
    phone = check_phone(data.get("phone", ""), required=phone_required, label=f"{label}: số điện thoại")
    address = nfc(data.get("address", ""))
    if len(address) > MAX_ADDRESS:
        raise ValidationError(f"{label}: địa chỉ quá dài (tối đa {MAX_ADDRESS} ký tự).")
    email = (data.get("email") or "").strip()
    if email and not EMAIL.match(email):
        raise ValidationError(f"{label}: thư điện tử “{email}” không hợp lệ.")
    return Person(name, cccd, birth, phone, address, email)


def _documents(procedure: dict, documents: Sequence[dict] | None) -> list[dict]:
    items = procedure["documents"] if documents is None else documents
    cleaned = [_document(item) for item in items]
    if not any(item["received"] for item in cleaned):
        raise ValidationError("Chưa đánh dấu giấy tờ nào đã nhận trong thành phần hồ sơ.")
    return cleaned


def _document(item: dict) -> dict:
    name = nfc(item.get("name", ""))
    if not name:
        raise ValidationError("Tên giấy tờ trong thành phần hồ sơ không được để trống.")
    copies = int(item.get("copies") or 1)
    if not 1 <= copies <= 99:
        raise ValidationError(f"Số bản của “{name}” phải từ 1 đến 99.")
    return {
        "name": name[:300],
        "original": bool(item.get("original")),
        "copies": copies,
        "received": bool(item.get("received", True)),
    }


def _check_options(conn, procedure, vneid_support, channel, verification, land_unit_id) -> None:
    if vneid_support not in VNEID_SUPPORT:
        raise ValidationError("Mức hỗ trợ VNeID không hợp lệ.")
    if channel not in CHANNELS:
        raise ValidationError("Kênh nộp hồ sơ không hợp lệ.")
    if verification and not procedure.get("verification_deadline_kind"):
        raise ValidationError(f"Thủ tục “{procedure['name']}” không có trường hợp cần xác minh.")
    if procedure["mode"] == "any_point":
        if land_unit_id is None:
            raise ValidationError("Thủ tục này cần chọn phường/xã nơi có đất.")
        get_unit(conn, land_unit_id)
    elif land_unit_id is not None:
        raise ValidationError("Chỉ thủ tục tiếp nhận không phụ thuộc địa giới hành chính mới chọn nơi có đất.")


def _save_applicant(conn: Connection, person: Person, at: datetime) -> int:
    """Insert or refresh the applicant by CCCD in one statement, so two counters registering the same new citizen
    at once cannot collide; blank fields do not erase what was known."""
    values = {**asdict(person), "updated_at": at}
    changes = {key: value for key, value in values.items() if key != "cccd" and value not in ("", None)}
    statement = (pg_insert if conn.dialect.name == "postgresql" else sqlite_insert)(applicants).values(**values)
    statement = statement.on_conflict_do_update(index_elements=["cccd"], set_=changes)
    return conn.execute(statement.returning(applicants.c.id)).scalar_one()


def _insert_dossier(conn, actor, *, code, procedure, route, applicant, applicant_id, unit_id, land_unit_id, options,
                    at, due, submitted_at) -> dict:  # fmt: skip
    deadline = catalog.deadline_of(procedure, verification=options["verification"])
    status = "received" if route.action == "receive" else "awaiting_dispatch"
    values = dict(
        code=code,
        procedure_id=procedure["id"],
        receiving_unit_id=unit_id,
        processing_unit_id=route.processing_unit_id,
        land_unit_id=land_unit_id,
        department_id=route.department_id,
        received_by=actor.user_id,
        status=status,
        applicant_id=applicant_id,
        applicant_name=applicant.full_name,
        applicant_phone=applicant.phone,
        applicant_address=applicant.address,
        deadline_kind=deadline.kind,
        deadline_amount=deadline.amount,
        submitted_at=submitted_at,
        received_at=at,
        due_at=due,
        original_due_at=due,
        paused_seconds=0,
        supplement_count=0,
        apology_count=0,
        result_electronic=False,
        collected_by="",
        rating_comment="",
        version=1,
        updated_at=at,
        **options,
    )
    new_id = conn.execute(insert(dossiers).values(**values)).inserted_primary_key[0]
    return {"id": new_id, **values}


def _insert_parties(conn: Connection, dossier_id: int, people: list[Person], ids: list[int]) -> None:
    rows = [
        dict(
            dossier_id=dossier_id,
            role="applicant" if index == 0 else "spouse",
            applicant_id=applicant_id,
            full_name=person.full_name,
            cccd=person.cccd,
            birth_date=person.birth_date,
            phone=person.phone,
            address=person.address,
        )
        for index, (person, applicant_id) in enumerate(zip(people, ids, strict=True))
    ]
    conn.execute(insert(dossier_parties), rows)


def _insert_documents(conn: Connection, dossier_id: int, documents: list[dict]) -> None:
    conn.execute(insert(dossier_documents), [{"dossier_id": dossier_id, **item} for item in documents])


def find_applicant(conn: Connection, actor: Actor, cccd: str) -> dict | None:
    """A returning citizen's last known details, to pre-fill the form: only a citizen who has filed a dossier at this
    counter's own unit (another ward's citizen's birth date, phone and address are not this ward's to read)."""
    actor.require(CLERK, LEADER)
    cccd = check_cccd(cccd)
    filed_here = select(dossiers.c.id).where(
        dossiers.c.applicant_id == applicants.c.id, dossiers.c.receiving_unit_id == actor.unit_id
    )
    row = conn.execute(select(applicants).where(applicants.c.cccd == cccd, filed_here.exists())).first()
    return dict(row._mapping) if row else None


def refuse_intake(
    conn: Connection,
    actor: Actor,
    *,
    procedure_code: str,
    applicant_name: str,
    applicant_cccd: str = "",
    applicant_phone: str = "",
    reasons: Sequence[str],
    at: datetime | None = None,
) -> int:
    """Phiếu từ chối tiếp nhận: recorded for the statistics, no dossier code is used up."""
    _require_clerk(actor)
    procedure = active_procedure(conn, procedure_code)
    name = " ".join(nfc(applicant_name).split())
    if not name:
        raise ValidationError("Họ và tên người nộp không được để trống.")
    cccd = check_cccd(applicant_cccd) if applicant_cccd.strip() else ""
    phone = check_phone(applicant_phone, required=False)
    cleaned = [nfc(reason) for reason in reasons if nfc(reason)]
    if not cleaned:
        raise ValidationError("Phải ghi rõ ít nhất một lý do từ chối tiếp nhận.")
    refusal_id = conn.execute(
        insert(intake_refusals).values(
            unit_id=actor.unit_id,
            procedure_id=procedure["id"],
            applicant_name=name[:MAX_NAME],
            applicant_cccd=cccd,
            applicant_phone=phone,
            reasons=json.dumps(cleaned, ensure_ascii=False),
            refused_at=at or now(),
            refused_by=actor.user_id,
            username=actor.username,
        )
    ).inserted_primary_key[0]
    audit.record(conn, actor, action="refuse", entity="intake_refusal", entity_id=refusal_id, unit_id=actor.unit_id)
    return refusal_id


def get_refusal(conn: Connection, actor: Actor, refusal_id: int) -> dict:
    row = conn.execute(select(intake_refusals).where(intake_refusals.c.id == refusal_id)).first()
    if row is None:
        raise NotFound("Không tìm thấy phiếu từ chối.")
    actor.require_unit(row.unit_id)
    return {**row._mapping, "reasons": json.loads(row.reasons)}


def list_refusals(conn: Connection, actor: Actor, *, unit_id: int, limit: int = 50) -> list[dict]:
    actor.require_unit(unit_id)
    query = (
        select(intake_refusals)
        .where(intake_refusals.c.unit_id == unit_id)
        .order_by(intake_refusals.c.id.desc())
        .limit(limit)
    )
    return [{**row._mapping, "reasons": json.loads(row.reasons)} for row in conn.execute(query)]
