"""Counter intake: a valid dossier gets a code, an appointment, parties, documents, scans and events in one
transaction; any bad input is refused in Vietnamese and leaves nothing behind."""

from datetime import datetime

import pytest
from sqlalchemy import func, select

from db.engine import read, write
from db.schema import (
    applicants,
    audit_log,
    dossier_counters,
    dossier_documents,
    dossier_events,
    dossier_files,
    dossier_parties,
    dossiers,
    intake_refusals,
)
from services.core.clock import LOCAL_TZ
from services.core.errors import DomainError, PermissionDenied, ValidationError
from services.core.units import unit_by_code
from services.dossiers import codes as dossier_codes
from services.dossiers import intake
from tests.builders import actor
from tests.intake_builders import (
    PNG,
    SCAN,
    TUESDAY_9AM,
    bride,
    groom,
    receive_marriage,
    store_in,
    stored_files,
)


def count(engine, table) -> int:
    with read(engine) as conn:
        return conn.scalar(select(func.count()).select_from(table))


def test_a_clerk_receives_a_marriage_with_a_scan_and_gets_a_code_and_a_same_day_appointment(demo_engine, tmp_path):
    clerk = actor(demo_engine, "motcua.nhs")
    receipt = receive_marriage(demo_engine, clerk, store_in(tmp_path))
    assert receipt.code == "NGUHANHSON-260310-0001"
    assert receipt.status == "received"
    assert receipt.due_at == datetime(2026, 3, 10, 17, 0, tzinfo=LOCAL_TZ)
    with read(demo_engine) as conn:
        dossier = conn.execute(select(dossiers).where(dossiers.c.id == receipt.dossier_id)).one()
        parties = conn.execute(select(dossier_parties).where(dossier_parties.c.dossier_id == dossier.id)).all()
        files = conn.execute(select(dossier_files).where(dossier_files.c.dossier_id == dossier.id)).all()
        event = conn.execute(select(dossier_events).where(dossier_events.c.dossier_id == dossier.id)).one()
        documents = conn.scalar(select(func.count()).where(dossier_documents.c.dossier_id == dossier.id))
        audited = conn.scalar(
            select(func.count()).where(audit_log.c.action == "receive", audit_log.c.entity_id == str(dossier.id))
        )
    assert dossier.processing_unit_id == clerk.unit_id and dossier.vneid_support == "activated"
    assert {(p.role, p.cccd) for p in parties} == {("applicant", "048095001234"), ("spouse", "049197005678")}
    assert files[0].content_type == "application/pdf" and len(files[0].sha256) == 64
    assert len(stored_files(tmp_path)) == 1
    assert (event.action, event.to_status, event.public) == ("receive", "received", True)
    assert documents == 2 and audited == 1


def test_the_daily_sequence_counts_per_unit_and_restarts_the_next_day(demo_engine, tmp_path):
    store = store_in(tmp_path)
    nhs, hc = actor(demo_engine, "motcua.nhs"), actor(demo_engine, "motcua.hc")
    codes = [receive_marriage(demo_engine, nhs, store).code for _ in range(2)]
    codes.append(receive_marriage(demo_engine, hc, store).code)
    codes.append(receive_marriage(demo_engine, nhs, store, at=TUESDAY_9AM.replace(day=11)).code)
    assert codes == [
        "NGUHANHSON-260310-0001",
        "NGUHANHSON-260310-0002",
        "HAICHAU-260310-0001",
        "NGUHANHSON-260311-0001",
    ]


BAD_INPUTS = [
    ("CCCD of 11 digits", dict(applicant=groom(cccd="04809500123")), "đúng 12 chữ số"),
    ("CCCD with letters", dict(applicant=groom(cccd="04809500123A")), "chỉ gồm chữ số"),
    ("impossible century digit", dict(applicant=groom(cccd="048795001234")), "chữ số thứ 4"),
    ("unknown province", dict(applicant=groom(cccd="097095001234")), "mã tỉnh"),
    ("CCCD not matching the birth year", dict(applicant=groom(birth_date="05/09/1996")), "không khớp năm sinh"),
    ("birth date in the future", dict(applicant=groom(birth_date="01/01/2099")), "ở tương lai"),
    ("empty name", dict(applicant=groom(full_name="   ")), "họ và tên không được để trống"),
    ("phone with letters", dict(applicant=groom(phone="09051234ab")), "chỉ được gồm chữ số"),
    ("spouse missing", dict(second_party=None), "cả hai bên"),
    ("same CCCD twice", dict(second_party=bride(cccd="048095001234", birth_date="05/09/1995")), "cùng số CCCD"),
    ("60 MB upload", dict(files=[("lon.pdf", b"%PDF-1.4" + b"0" * (60 * 1024 * 1024))]), "quá lớn"),
    ("executable renamed .pdf", dict(files=[("to_khai.pdf", b"MZ\x90\x00" + b"\x00" * 200)]), "không phải"),
    ("file name with ../", dict(files=[("../../etc/passwd.pdf", SCAN)]), "không hợp lệ"),
    ("too much in total", dict(files=[(f"s{i}.pdf", SCAN + b"0" * (19 * 1024 * 1024)) for i in range(3)]), "Tổng"),
    ("no document received", dict(documents=[{"name": "Tờ khai", "received": False}]), "Chưa đánh dấu"),
    ("verification on a procedure without it", dict(procedure_code="khai_sinh", verification=True), "xác minh"),
    ("unknown VNeID level", dict(vneid_support="maybe"), "VNeID"),
    ("unknown procedure", dict(procedure_code="khong_co"), "Không có thủ tục"),
]


@pytest.mark.parametrize("case, changes, message", BAD_INPUTS, ids=[case for case, _, _ in BAD_INPUTS])
def test_bad_input_is_refused_in_vietnamese_and_leaves_nothing_behind(demo_engine, tmp_path, case, changes, message):
    clerk = actor(demo_engine, "motcua.nhs")
    tables = (dossiers, dossier_parties, dossier_files, dossier_events, applicants, dossier_counters)
    before = [count(demo_engine, table) for table in tables]
    with pytest.raises(DomainError, match=message):
        receive_marriage(demo_engine, clerk, store_in(tmp_path), **changes)
    assert [count(demo_engine, table) for table in tables] == before
    assert stored_files(tmp_path) == []


def test_a_file_stored_for_a_transaction_that_fails_afterwards_is_removed(demo_engine, tmp_path):
    clerk = actor(demo_engine, "motcua.nhs")
    before = count(demo_engine, dossiers)
    with pytest.raises(RuntimeError), write(demo_engine) as conn:
        intake.receive_dossier(
            conn,
            clerk,
            procedure_code="ket_hon",
            applicant=groom(),
            second_party=bride(),
            files=[("a.pdf", SCAN), ("b.png", PNG)],
            store=store_in(tmp_path),
            received_at=TUESDAY_9AM,
        )
        assert len(stored_files(tmp_path)) == 2
        raise RuntimeError("the commit never happens")
    assert stored_files(tmp_path) == []
    assert count(demo_engine, dossiers) == before


def test_a_returning_applicant_is_found_by_cccd_and_their_new_phone_kept(demo_engine, tmp_path):
    clerk = actor(demo_engine, "motcua.nhs")
    before = count(demo_engine, applicants)
    receive_marriage(demo_engine, clerk, store_in(tmp_path))
    receive_marriage(demo_engine, clerk, store_in(tmp_path), applicant=groom(phone="0912 345 678", address=""))
    with read(demo_engine) as conn:
        found = intake.find_applicant(conn, clerk, "048095001234")
        assert intake.find_applicant(conn, clerk, "001099000001") is None
    assert found["phone"] == "0912345678" and found["address"] == "12 Lê Văn Hiến, Ngũ Hành Sơn"
    assert count(demo_engine, applicants) == before + 2


def test_verification_needed_gives_five_working_days(demo_engine, tmp_path):
    receipt = receive_marriage(demo_engine, actor(demo_engine, "motcua.nhs"), store_in(tmp_path), verification=True)
    assert receipt.due_at == datetime(2026, 3, 17, 9, 0, tzinfo=LOCAL_TZ)


def test_after_the_15_00_cutoff_a_same_day_procedure_is_due_the_next_working_day(demo_engine, tmp_path):
    late = TUESDAY_9AM.replace(hour=15, minute=30)
    receipt = receive_marriage(demo_engine, actor(demo_engine, "motcua.nhs"), store_in(tmp_path), at=late)
    assert receipt.due_at == datetime(2026, 3, 11, 17, 0, tzinfo=LOCAL_TZ)


def test_a_construction_permit_goes_straight_to_the_economic_department(demo_engine, tmp_path):
    clerk = actor(demo_engine, "motcua.nhs")
    receipt = receive_marriage(demo_engine, clerk, store_in(tmp_path), procedure_code="gpxd_nha_o", second_party=None)
    assert receipt.status == "assigned" and receipt.department_id == actor(demo_engine, "chuyenvien.nhs").department_id
    with read(demo_engine) as conn:
        actions = conn.scalars(select(dossier_events.c.action).where(dossier_events.c.dossier_id == receipt.dossier_id))
        assert list(actions) == ["receive", "transfer"]


def test_a_land_change_is_routed_to_the_unit_where_the_land_is(demo_engine, tmp_path):
    clerk = actor(demo_engine, "motcua.nhs")
    with read(demo_engine) as conn:
        hai_chau = unit_by_code(conn, "HAICHAU")["id"]
    arguments = dict(procedure_code="bien_dong_dat_dai", second_party=None)
    with pytest.raises(ValidationError, match="nơi có đất"):
        receive_marriage(demo_engine, clerk, store_in(tmp_path), **arguments)
    receipt = receive_marriage(demo_engine, clerk, store_in(tmp_path), land_unit_id=hai_chau, **arguments)
    assert receipt.processing_unit_id == hai_chau and receipt.status == "assigned"
    assert receipt.code.startswith("NGUHANHSON-")


@pytest.mark.parametrize("username", ["lanhdao.nhs", "chuyenvien.nhs", "admin"])
def test_only_a_counter_clerk_receives_dossiers(demo_engine, tmp_path, username):
    with pytest.raises(PermissionDenied):
        receive_marriage(demo_engine, actor(demo_engine, username), store_in(tmp_path))


def test_a_refusal_is_recorded_for_the_statistics_without_using_a_code(demo_engine):
    clerk = actor(demo_engine, "motcua.nhs")
    refusals, counters = count(demo_engine, intake_refusals), count(demo_engine, dossier_counters)
    with write(demo_engine) as conn:
        with pytest.raises(ValidationError, match="lý do"):
            intake.refuse_intake(conn, clerk, procedure_code="ket_hon", applicant_name="Lê Văn C", reasons=[" "])
        refusal_id = intake.refuse_intake(
            conn,
            clerk,
            procedure_code="ket_hon",
            applicant_name="Lê Văn C",
            reasons=["Thiếu giấy xác nhận tình trạng hôn nhân", "Bên nữ chưa đủ 18 tuổi"],
        )
        assert len(intake.get_refusal(conn, clerk, refusal_id)["reasons"]) == 2
    with pytest.raises(PermissionDenied), read(demo_engine) as conn:
        intake.get_refusal(conn, actor(demo_engine, "motcua.hc"), refusal_id)
    assert count(demo_engine, intake_refusals) == refusals + 1
    assert count(demo_engine, dossier_counters) == counters


def test_the_admin_changes_the_code_pattern_and_bad_patterns_are_refused(demo_engine, tmp_path):
    admin = actor(demo_engine, "admin")
    with write(demo_engine) as conn:
        for bad in ("{unit}-{seq}", "{yymmdd}-{seq}", "{unit}{yymmdd}{seq}{x}", "{unit}-{yymmdd}-{seq:zz}"):
            with pytest.raises(ValidationError):
                dossier_codes.set_pattern(conn, admin, pattern=bad)
        with pytest.raises(PermissionDenied):
            dossier_codes.set_pattern(conn, actor(demo_engine, "motcua.nhs"), pattern="{unit}.{yyyymmdd}.{seq:05d}")
        dossier_codes.set_pattern(conn, admin, pattern="{unit}.{yyyymmdd}.{seq:05d}")
    assert receive_marriage(demo_engine, actor(demo_engine, "motcua.nhs"), store_in(tmp_path)).code == (
        "NGUHANHSON.20260310.00001"
    )
