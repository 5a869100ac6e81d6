"""At-counter decisions and returning results: the same-day marriage flow, identity and rating at the return,
lateness, and ward boundaries (a clerk of ward A never reads or returns ward B's dossiers)."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from db.engine import read, write
from db.schema import dossier_files, dossiers
from services.core.errors import DomainError, PermissionDenied, ValidationError
from services.dossiers import counter_results, returns
from services.dossiers.flow import load
from services.dossiers.public_status import status_url
from tests.builders import actor
from tests.intake_builders import SCAN, TUESDAY_9AM, receive_marriage, store_in, stored_files

SECRET = "test-secret-for-tokens-0123456789abcdef"


@pytest.fixture
def marriage(demo_engine, tmp_path):
    return receive_marriage(demo_engine, actor(demo_engine, "motcua.nhs"), store_in(tmp_path))


def decide(engine, username, receipt, store, *, approve=True, at=TUESDAY_9AM + timedelta(hours=2), **changes):
    with write(engine) as conn:
        version = load(conn, receipt.dossier_id)["version"]
        arguments = dict(result_files=[("giay_chung_nhan.pdf", SCAN)], result_electronic=True, store=store)
        return counter_results.record_decision(
            conn,
            actor(engine, username),
            dossier_id=receipt.dossier_id,
            expected_version=version,
            approve=approve,
            at=at,
            **{**arguments, **changes},
        )


def hand_over(engine, username, receipt, *, at=TUESDAY_9AM + timedelta(hours=3), **changes):
    with write(engine) as conn:
        version = load(conn, receipt.dossier_id)["version"]
        arguments = dict(collector_name="Nguyễn Văn An", collector_cccd="048095001234", rating="satisfied")
        return returns.return_result(
            conn,
            actor(engine, username),
            dossier_id=receipt.dossier_id,
            expected_version=version,
            at=at,
            **{**arguments, **changes},
        )


def test_the_marriage_is_decided_the_same_day_and_returned_with_a_satisfied_rating(demo_engine, tmp_path, marriage):
    with read(demo_engine) as conn:
        pending = counter_results.pending_at_counter(conn, actor(demo_engine, "motcua.nhs"))
    assert marriage.code in [row["code"] for row in pending]
    ready = decide(demo_engine, "motcua.nhs", marriage, store_in(tmp_path))
    assert ready["status"] == "result_ready" and ready["is_late"] is False and ready["result_electronic"]
    returned = hand_over(demo_engine, "motcua.nhs", marriage, rating_comment="Cán bộ hướng dẫn tận tình")
    assert returned["status"] == "returned" and returned["rating"] == "satisfied"
    with read(demo_engine) as conn:
        row = conn.execute(select(dossiers).where(dossiers.c.id == marriage.dossier_id)).one()
        kinds = sorted(conn.scalars(select(dossier_files.c.kind).where(dossier_files.c.dossier_id == row.id)))
    assert row.returned_at == TUESDAY_9AM + timedelta(hours=3) and row.finished_at == TUESDAY_9AM + timedelta(hours=2)
    assert "048095001234" in row.collected_by and row.is_late is False
    assert kinds == ["result", "scan"] and len(stored_files(tmp_path)) == 2


def test_a_ward_leader_may_record_the_decision(demo_engine, tmp_path, marriage):
    assert decide(demo_engine, "lanhdao.nhs", marriage, store_in(tmp_path))["status"] == "result_ready"


def test_a_result_ready_after_the_appointment_is_marked_late(demo_engine, tmp_path, marriage):
    decide(demo_engine, "motcua.nhs", marriage, store_in(tmp_path), at=TUESDAY_9AM + timedelta(days=1))
    assert hand_over(demo_engine, "motcua.nhs", marriage, at=TUESDAY_9AM + timedelta(days=1, hours=1))["is_late"]


def test_a_citizen_collecting_days_later_does_not_make_an_on_time_dossier_late(demo_engine, tmp_path, marriage):
    decide(demo_engine, "motcua.nhs", marriage, store_in(tmp_path))
    assert hand_over(demo_engine, "motcua.nhs", marriage, at=TUESDAY_9AM + timedelta(days=9))["is_late"] is False


def test_an_electronic_result_needs_its_scan_and_a_refusal_needs_a_reason(demo_engine, tmp_path, marriage):
    with pytest.raises(ValidationError, match="bản điện tử"):
        decide(demo_engine, "motcua.nhs", marriage, store_in(tmp_path), result_files=[])
    with pytest.raises(ValidationError, match="lý do"):
        decide(demo_engine, "motcua.nhs", marriage, store_in(tmp_path), approve=False, note=" ")
    rejected = decide(demo_engine, "motcua.nhs", marriage, store_in(tmp_path), approve=False, note="Chưa đủ tuổi")
    assert rejected["status"] == "rejected"
    assert hand_over(demo_engine, "motcua.nhs", marriage)["status"] == "returned"


def test_someone_else_collects_only_with_an_authorization(demo_engine, tmp_path, marriage):
    decide(demo_engine, "motcua.nhs", marriage, store_in(tmp_path))
    stranger = dict(collector_name="Lê Thị Cúc", collector_cccd="048180001111")
    with pytest.raises(ValidationError, match="ủy quyền"):
        hand_over(demo_engine, "motcua.nhs", marriage, **stranger)
    with pytest.raises(ValidationError, match="12 chữ số"):
        hand_over(demo_engine, "motcua.nhs", marriage, collector_cccd="1234")
    done = hand_over(
        demo_engine, "motcua.nhs", marriage, authorization="Giấy ủy quyền số 15 ngày 09/03/2026", **stranger
    )
    assert "ủy quyền" in done["collected_by"]


def test_a_result_not_ready_cannot_be_returned(demo_engine, marriage):
    with pytest.raises(DomainError, match="Không thể"):
        hand_over(demo_engine, "motcua.nhs", marriage)


def test_the_clerk_finds_the_dossier_by_code_by_receipt_qr_and_by_cccd(demo_engine, marriage):
    clerk = actor(demo_engine, "motcua.nhs")
    url = status_url("http://motcua.example", SECRET, marriage.dossier_id)
    with read(demo_engine) as conn:
        for query in (marriage.code.lower(), url, url.split("t=")[1], "049197005678"):
            found = returns.find_for_return(conn, clerk, query=query, token_secret=SECRET)
            assert [row["code"] for row in found] == [marriage.code], query
        with pytest.raises(ValidationError, match="QR"):
            returns.find_for_return(conn, clerk, query=url[:-3] + "xyz", token_secret=SECRET)
        assert returns.find_for_return(conn, clerk, query="NGUHANHSON-260310-9999", token_secret=SECRET) == []


def test_a_clerk_of_ward_a_cannot_read_decide_or_return_ward_b_dossiers(demo_engine, tmp_path, marriage):
    other = actor(demo_engine, "motcua.hc")
    with read(demo_engine) as conn:
        with pytest.raises(PermissionDenied):
            returns.find_for_return(conn, other, query=marriage.code, token_secret=SECRET)
        with pytest.raises(PermissionDenied):
            returns.return_details(conn, other, dossier_id=marriage.dossier_id)
        assert returns.find_for_return(conn, other, query="048095001234", token_secret=SECRET) == []
        assert marriage.code not in [row["code"] for row in counter_results.pending_at_counter(conn, other)]
    with pytest.raises(PermissionDenied):
        decide(demo_engine, "motcua.hc", marriage, store_in(tmp_path))
    decide(demo_engine, "motcua.nhs", marriage, store_in(tmp_path))
    with pytest.raises(PermissionDenied):
        hand_over(demo_engine, "motcua.hc", marriage)
    with pytest.raises(PermissionDenied):
        hand_over(demo_engine, "lanhdao.hc", marriage)


def test_a_department_procedure_is_not_decided_at_the_counter(demo_engine, tmp_path):
    clerk = actor(demo_engine, "motcua.nhs")
    permit = receive_marriage(demo_engine, clerk, store_in(tmp_path), procedure_code="gpxd_nha_o", second_party=None)
    with pytest.raises(ValidationError):
        decide(demo_engine, "motcua.nhs", permit, store_in(tmp_path))
