"""Signed electronic results: a result counts as electronic only when its PDF carries a valid PAdES signature whose
certificate chains to a root the unit (or the whole city) trusts — Decision 766/QĐ-TTg counts "kết quả giải quyết
điện tử", and Decree 45/2020/NĐ-CP art. 3 defines an electronic result as one the competent authority signed
digitally [law, to confirm against the decree's final text]. Unsigned scans stay scans.

Signatures are checked with pyHanko against the configured trust roots only: nothing is fetched from the network.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO

from asn1crypto import pem as asn1_pem
from asn1crypto import x509 as asn1_x509
from sqlalchemy import Connection, insert, or_, select, update

from db.schema import trusted_certificates, units
from services.core import audit
from services.core.clock import format_datetime, now
from services.core.errors import NotFound, PermissionDenied, ValidationError
from services.core.files import CheckedFile
from services.core.roles import ADMIN, LEADER, Actor
from services.core.text import nfc

# pyHanko logs every failed path build with a traceback; the outcome is reported to the user instead.
logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)

VALID, INVALID, UNSIGNED = "valid", "invalid", "unsigned"
STATUS_LABELS = {VALID: "Có chữ ký số hợp lệ", INVALID: "Chữ ký số không hợp lệ", UNSIGNED: "Bản quét (không ký số)"}
MAX_CERTIFICATE_BYTES = 64 * 1024


@dataclass(frozen=True)
class SignatureCheck:
    status: str
    message: str
    signer: str = ""
    signed_at: datetime | None = None

    @property
    def electronic(self) -> bool:
        return self.status == VALID


# --- checking one file (pure: bytes and trust roots in, outcome out) ------------------------------------------


def check_file(item: CheckedFile, roots: list[asn1_x509.Certificate], *, at: datetime | None = None) -> SignatureCheck:
    """The outcome for one uploaded result file; every refusal says why in Vietnamese."""
    name = item.filename
    if item.content_type != "application/pdf":
        return SignatureCheck(UNSIGNED, f"Tệp “{name}” là ảnh quét, không phải kết quả điện tử có chữ ký số.")
    try:
        signatures = _embedded_signatures(item.data)
    except Exception:  # noqa: BLE001 — any parse failure of a hostile file is "unreadable", never a crash
        return SignatureCheck(
            UNSIGNED, f"Không đọc được cấu trúc tệp PDF “{name}” để tìm chữ ký số: được lưu như bản quét."
        )
    if not signatures:
        return SignatureCheck(
            UNSIGNED, f"Tệp “{name}” không có chữ ký số: được lưu như bản quét, không tính là kết quả điện tử."
        )
    if not roots:
        return SignatureCheck(
            INVALID,
            f"Chưa khai báo chứng thư số tin cậy nào cho đơn vị: chưa thể công nhận chữ ký số trên tệp “{name}”. "
            "Quản trị hoặc lãnh đạo đơn vị khai báo tại trang “Chứng thư số tin cậy”.",
        )
    outcomes = [_check_signature(signature, roots, name, at) for signature in signatures]
    failed = next((outcome for outcome in outcomes if outcome.status != VALID), None)
    return failed or outcomes[-1]


def _embedded_signatures(data: bytes) -> list:
    from pyhanko.pdf_utils.reader import PdfFileReader

    return list(PdfFileReader(BytesIO(data), strict=False).embedded_signatures)


def _check_signature(signature, roots, name: str, at: datetime | None) -> SignatureCheck:
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    context = ValidationContext(trust_roots=roots, allow_fetching=False, moment=at)
    try:
        status = validate_pdf_signature(signature, context)
    except Exception:  # noqa: BLE001 — malformed signature dictionaries raise many different errors
        return SignatureCheck(INVALID, f"Chữ ký số trong tệp “{name}” bị lỗi định dạng, không kiểm tra được.")
    signer = _signer_name(status)
    signed_at = status.signer_reported_dt
    if not status.intact or not status.valid:
        return SignatureCheck(
            INVALID, f"Chữ ký số trên tệp “{name}” không hợp lệ: nội dung tệp đã bị thay đổi sau khi ký.", signer
        )
    if not _covers_whole_file(status):
        return SignatureCheck(INVALID, f"Tệp “{name}” đã bị thêm hoặc sửa nội dung sau khi ký số.", signer)
    if not status.trusted:
        return SignatureCheck(INVALID, _trust_message(status, name, signer), signer)
    return SignatureCheck(VALID, f"Tệp “{name}” có chữ ký số hợp lệ của {signer}.", signer, signed_at)


def _covers_whole_file(status) -> bool:
    return getattr(status.coverage, "name", "") == "ENTIRE_FILE"


def _trust_message(status, name: str, signer: str) -> str:
    problem = getattr(status.trust_problem_indic, "name", "") or ""
    if problem == "REVOKED":
        return f"Chứng thư số của người ký “{signer}” đã bị thu hồi: chữ ký trên tệp “{name}” không được công nhận."
    if problem.startswith("OUT_OF_BOUNDS") or problem in {"EXPIRED", "NOT_YET_VALID"}:
        return (
            f"Chứng thư số của người ký “{signer}” đã hết hạn hoặc chưa có hiệu lực: tệp “{name}” không được công nhận."
        )
    return (
        f"Chứng thư số của người ký “{signer}” không do tổ chức chứng thực mà đơn vị tin cậy cấp: "
        f"tệp “{name}” không được công nhận là kết quả điện tử."
    )


def _signer_name(status) -> str:
    try:
        subject = status.signing_cert.subject.native
    except Exception:  # noqa: BLE001
        return "không rõ"
    return str(subject.get("common_name") or status.signing_cert.subject.human_friendly)[:300]


def describe(file_row: dict) -> str:
    """One line for the dossier page: signer and signing time of an electronic result, or why it is not one."""
    status = file_row.get("signature_status")
    if status == VALID:
        signed = format_datetime(file_row["signature_signed_at"]) if file_row["signature_signed_at"] else "không rõ"
        return f"Kết quả điện tử – chữ ký số hợp lệ. Người ký: {file_row['signature_signer']}. Thời điểm ký: {signed}."
    if status is None:
        return "Tệp tải lên trước khi hệ thống kiểm tra chữ ký số: chưa được công nhận là kết quả điện tử."
    return f"{STATUS_LABELS[status]}: {file_row['signature_message']}"


# --- trust roots ------------------------------------------------------------------------------------------------


def load_certificate(data: bytes) -> asn1_x509.Certificate:
    """A PEM or DER certificate file, refused with a Vietnamese message when it is anything else."""
    if not data or len(data) > MAX_CERTIFICATE_BYTES:
        raise ValidationError("Tệp chứng thư số rỗng hoặc quá lớn (tối đa 64 KB).")
    try:
        der = asn1_pem.unarmor(data)[2] if asn1_pem.detect(data) else data
        certificate = asn1_x509.Certificate.load(der)
        certificate.native  # noqa: B018 — forces a full parse so garbage is refused here
    except Exception as exc:  # noqa: BLE001
        raise ValidationError("Tệp không phải chứng thư số X.509 (định dạng PEM hoặc DER).") from exc
    return certificate


def trust_roots(conn: Connection, unit_id: int | None) -> list[asn1_x509.Certificate]:
    """The active certificates trusted city-wide plus those the unit added itself."""
    t = trusted_certificates.c
    scope = t.unit_id.is_(None) if unit_id is None else or_(t.unit_id.is_(None), t.unit_id == unit_id)
    return [load_certificate(pem.encode()) for pem in conn.scalars(select(t.pem).where(t.active.is_(True), scope))]


def check_results(conn: Connection, unit_id: int | None, files: list[CheckedFile]) -> list[SignatureCheck]:
    """Checked at the moment of upload (now), whatever business time the caller records the decision at."""
    roots = trust_roots(conn, unit_id)
    return [check_file(item, roots) for item in files]


def add_certificate(
    conn: Connection, actor: Actor, *, unit_id: int | None, name: str, data: bytes, at: datetime | None = None
) -> int:
    """Admins add city-wide roots (the government CA's root is one) or any unit's; a unit's leader adds its own."""
    _require_manager(actor, unit_id)
    name = " ".join(nfc(name).split())[:200]
    if not name:
        raise ValidationError("Nhập tên gợi nhớ của chứng thư (VD: CA gốc Chính phủ).")
    certificate = load_certificate(data)
    der = certificate.dump()
    fingerprint = hashlib.sha256(der).hexdigest()
    t = trusted_certificates.c
    same = select(t.id).where(t.fingerprint == fingerprint, t.active.is_(True))
    same = same.where(t.unit_id.is_(None) if unit_id is None else t.unit_id == unit_id)
    if conn.scalar(same) is not None:
        raise ValidationError("Chứng thư này đã có trong danh sách tin cậy.")
    pem = asn1_pem.armor("CERTIFICATE", der).decode()
    values = dict(
        unit_id=unit_id,
        name=name,
        subject=certificate.subject.human_friendly[:500],
        fingerprint=fingerprint,
        pem=pem,
        not_after=certificate["tbs_certificate"]["validity"]["not_after"].native.astimezone(UTC),
        active=True,
        added_by=actor.username,
        added_at=at or now(),
    )
    cert_id = conn.execute(insert(trusted_certificates).values(values)).inserted_primary_key[0]
    audit.record(conn, actor, action="trust_certificate", entity="trusted_certificate", entity_id=cert_id,
                 unit_id=unit_id, fingerprint=fingerprint)  # fmt: skip
    return cert_id


def remove_certificate(conn: Connection, actor: Actor, *, certificate_id: int) -> None:
    row = conn.execute(select(trusted_certificates).where(trusted_certificates.c.id == certificate_id)).first()
    if row is None or not row.active:
        raise NotFound("Không tìm thấy chứng thư.")
    _require_manager(actor, row.unit_id)
    conn.execute(update(trusted_certificates).where(trusted_certificates.c.id == certificate_id).values(active=False))
    audit.record(conn, actor, action="untrust_certificate", entity="trusted_certificate", entity_id=certificate_id,
                 unit_id=row.unit_id)  # fmt: skip


def list_certificates(conn: Connection, actor: Actor, *, unit_id: int | None) -> list[dict]:
    """What a unit trusts: city-wide entries plus its own (a city role with unit_id None sees the city-wide ones)."""
    actor.require(ADMIN, LEADER)
    if unit_id is not None:
        actor.require_unit(unit_id)
    t = trusted_certificates.c
    scope = t.unit_id.is_(None) if unit_id is None else or_(t.unit_id.is_(None), t.unit_id == unit_id)
    query = (
        select(trusted_certificates, units.c.name.label("unit_name"))
        .outerjoin(units, units.c.id == t.unit_id)
        .where(t.active.is_(True), scope)
        .order_by(t.unit_id.is_not(None), t.name)
    )
    return [{**row._mapping, "scope": row.unit_name or "Toàn thành phố"} for row in conn.execute(query)]


def _require_manager(actor: Actor, unit_id: int | None) -> None:
    if actor.has(ADMIN):
        return
    actor.require(LEADER)
    if unit_id is None or unit_id != actor.unit_id:
        raise PermissionDenied("Lãnh đạo đơn vị chỉ khai báo chứng thư tin cậy cho đơn vị mình.")
