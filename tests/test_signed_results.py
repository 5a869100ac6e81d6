"""A result counts as electronic only when its PDF carries a valid PAdES signature chaining to a certificate the unit
trusts: signed with the test's own CA it counts; a changed byte, an expired or untrusted certificate and an
unsigned scan do not, each with a clear Vietnamese message."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from db.engine import read, write
from db.schema import dossier_files, units
from services.core.errors import PermissionDenied, ValidationError
from services.core.files import check_upload
from services.dossiers import counter_results, signed_results
from services.dossiers.flow import load
from services.ioc import kpi
from tests.builders import actor
from tests.intake_builders import MARRIAGE_ENTRY, PNG, TUESDAY_9AM, receive_marriage, store_in
from tests.signing_builders import pki, plain_pdf, signed_pdf, tampered


def check(data: bytes, *trusted: str):
    roots = [signed_results.load_certificate(pki()[name].pem) for name in trusted]
    return signed_results.check_file(check_upload("ket_qua.pdf", data), roots)


def test_a_pdf_signed_by_a_trusted_ca_is_an_electronic_result_with_its_signer():
    outcome = check(signed_pdf(pki()["signer"], pki()["root"]), "root")
    assert outcome.electronic and outcome.status == "valid"
    assert outcome.signer == "UBND phường Ngũ Hành Sơn" and outcome.signed_at is not None


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: tampered(signed_pdf(pki()["signer"], pki()["root"])), "nội dung tệp đã bị thay đổi sau khi ký"),
        (lambda: signed_pdf(pki()["expired"], pki()["root"]), "đã hết hạn"),
        (lambda: signed_pdf(pki()["stranger_signer"], pki()["stranger"]), "không do tổ chức chứng thực"),
        (lambda: plain_pdf(), "không có chữ ký số"),
    ],
    ids=["one byte changed", "expired certificate", "untrusted CA", "unsigned scan"],
)
def test_a_changed_expired_untrusted_or_unsigned_pdf_is_not_an_electronic_result(make, message):
    outcome = check(make(), "root")
    assert not outcome.electronic and message in outcome.message


def test_an_image_scan_and_a_signature_without_any_trusted_root_are_not_electronic():
    assert "ảnh quét" in signed_results.check_file(check_upload("a.png", PNG), []).message
    outcome = check(signed_pdf(pki()["signer"], pki()["root"]))
    assert not outcome.electronic and "Chưa khai báo chứng thư số tin cậy" in outcome.message


def trust_root(engine, username="admin", unit_id=None, name="CA thử nghiệm"):
    with write(engine) as conn:
        return signed_results.add_certificate(
            conn, actor(engine, username), unit_id=unit_id, name=name, data=pki()["root"].pem
        )


def decide(engine, receipt, tmp_path, data: bytes):
    with write(engine) as conn:
        return counter_results.record_decision(
            conn, actor(engine, "motcua.nhs"), dossier_id=receipt.dossier_id,
            expected_version=load(conn, receipt.dossier_id)["version"], approve=True,
            result_files=[("giay_chung_nhan.pdf", data)], store=store_in(tmp_path),
            at=TUESDAY_9AM + timedelta(hours=2), marriage=MARRIAGE_ENTRY,
        )  # fmt: skip


def test_a_signed_result_uploaded_at_the_counter_counts_as_electronic_and_keeps_signer_and_time(demo, tmp_path):
    trust_root(demo.engine)
    marriage = receive_marriage(demo.engine, actor(demo.engine, "motcua.nhs"), store_in(tmp_path))
    ready = decide(demo.engine, marriage, tmp_path, signed_pdf(pki()["signer"], pki()["root"]))
    assert ready["result_electronic"] is True
    with read(demo.engine) as conn:
        files = dossier_files.c
        row = conn.execute(
            select(dossier_files).where(files.dossier_id == marriage.dossier_id, files.kind == "result")
        ).one()
        line = signed_results.describe(dict(row._mapping))
        w = kpi.window(TUESDAY_9AM.date(), TUESDAY_9AM.date(), TUESDAY_9AM + timedelta(hours=5))
        counts = kpi.dossier_counts(conn, ready["processing_unit_id"], w)
    assert row.signature_status == "valid" and row.signature_signer == "UBND phường Ngũ Hành Sơn"
    assert "Người ký: UBND phường Ngũ Hành Sơn" in line and "Thời điểm ký" in line
    assert counts["electronic_result"] == 1 and counts["digitized"] == 1


def test_a_tampered_signed_result_is_stored_as_not_electronic_with_the_reason(demo, tmp_path):
    trust_root(demo.engine)
    marriage = receive_marriage(demo.engine, actor(demo.engine, "motcua.nhs"), store_in(tmp_path))
    ready = decide(demo.engine, marriage, tmp_path, tampered(signed_pdf(pki()["signer"], pki()["root"])))
    assert ready["result_electronic"] is False and "bị thay đổi" in ready["signatures"][0]


def test_a_ward_leader_trusts_a_root_for_their_own_ward_only_and_a_clerk_not_at_all(demo):
    with read(demo.engine) as conn:
        nhs = conn.scalar(select(units.c.id).where(units.c.code == "NGUHANHSON"))
        hc = conn.scalar(select(units.c.id).where(units.c.code == "HAICHAU"))
    trust_root(demo.engine, "lanhdao.nhs", nhs)
    with pytest.raises(PermissionDenied):
        trust_root(demo.engine, "lanhdao.nhs", hc)
    with pytest.raises(PermissionDenied):
        trust_root(demo.engine, "motcua.nhs", nhs)
    with read(demo.engine) as conn:
        assert len(signed_results.trust_roots(conn, nhs)) == 1 and signed_results.trust_roots(conn, hc) == []
        listed = signed_results.list_certificates(conn, actor(demo.engine, "lanhdao.nhs"), unit_id=nhs)
    assert [row["subject"] for row in listed] == ["Common Name: CA thử nghiệm motcua"]


def test_garbage_and_duplicate_certificates_are_refused_in_vietnamese(demo):
    with write(demo.engine) as conn, pytest.raises(ValidationError, match="X.509"):
        signed_results.add_certificate(conn, actor(demo.engine, "admin"), unit_id=None, name="Rác", data=b"abc")
    trust_root(demo.engine)
    with pytest.raises(ValidationError, match="đã có"):
        trust_root(demo.engine)
