"""Online submission: what a citizen files waits in the unit's online inbox; accepting makes a channel-2 dossier whose
clock starts by the calendar; bad input stores nothing; duplicates and bursts are recognised."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select

from db.engine import read, write
from db.schema import dossier_files, dossiers, notify_outbox, online_submissions
from services.catalog import admin as catalog_admin
from services.catalog import procedures as catalog
from services.core.clock import LOCAL_TZ
from services.core.errors import PermissionDenied, ValidationError
from services.core.working_time import WorkingCalendar, parse_hhmm
from services.dossiers.intake import receive_dossier
from services.online import submission as online
from tests.builders import actor
from tests.intake_builders import PNG, SCAN, TUESDAY_9AM, bride, groom, store_in, stored_files
from tests.notify_builders import without_online_demo

SECRET = "test-secret-" + "x" * 40


@pytest.fixture(autouse=True)
def _no_online_demo(request):
    if "demo_engine" in request.fixturenames:
        without_online_demo(request.getfixturevalue("demo_engine"))


CALENDAR = WorkingCalendar()


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=LOCAL_TZ)


@pytest.mark.parametrize(
    "moment, cutoff, starts",
    [
        (at(10, 9), "15:00", at(10, 9)),  # Tuesday morning: now
        (at(10, 6, 15), None, at(10, 7, 30)),  # before opening: the opening
        (at(10, 15, 1), "15:00", at(11, 7, 30)),  # after the 15:00 cutoff: next working day's opening
        (at(10, 15, 0), "15:00", at(10, 15, 0)),  # 15:00 itself is not after
        (at(10, 17, 30), None, at(11, 7, 30)),  # after closing
        (at(14, 10), None, at(16, 7, 30)),  # Saturday: Monday's opening
    ],
)
def test_the_legal_clock_of_an_accepted_online_dossier_starts_by_the_calendar(moment, cutoff, starts):
    assert online.clock_start(CALENDAR, moment, parse_hhmm(cutoff) if cutoff else None) == starts


def nhs_unit(engine) -> int:
    return actor(engine, "motcua.nhs").unit_id


def marriage(engine, **changes) -> online.NewSubmission:
    values = dict(
        unit_id=nhs_unit(engine),
        procedure_code="ket_hon",
        applicant=groom(email="an@example.vn"),
        second_party=bride(),
        consent=True,
        uploads=[
            ("Tờ khai đăng ký kết hôn (có chữ ký của hai bên)", "to_khai.pdf", SCAN),
            ("Khác", "cccd.png", PNG),
        ],
    )
    return online.NewSubmission(**{**values, **changes})


def submit(engine, tmp_path, submission=None, moment=TUESDAY_9AM) -> online.Submitted:
    with write(engine) as conn:
        submission = submission or marriage(engine)
        return online.submit_online(conn, store=store_in(tmp_path), submission=submission, at=moment)


def count(engine, table) -> int:
    with read(engine) as conn:
        return conn.scalar(select(func.count()).select_from(table))


def test_a_marriage_filed_online_waits_in_the_receiving_units_inbox_and_tells_the_citizen(demo_engine, tmp_path):
    submitted = submit(demo_engine, tmp_path)
    with read(demo_engine) as conn:
        rows = online.inbox(conn, actor(demo_engine, "motcua.nhs"))
        other_unit = online.inbox(conn, actor(demo_engine, "motcua.hc"))
        mails = conn.execute(
            select(notify_outbox.c.event, notify_outbox.c.recipient, notify_outbox.c.code).order_by(notify_outbox.c.id)
        ).all()
        view = online.citizen_view(conn, secret=SECRET, token=online.sign_token(SECRET, submitted.submission_id))
    assert [(r["tracking_code"], r["status_label"], r["file_count"]) for r in rows] == [
        (submitted.tracking_code, "Chờ tiếp nhận", 2)
    ]
    assert other_unit == []
    assert [tuple(m) for m in mails] == [
        ("online_submitted", "an@example.vn", submitted.tracking_code),
        ("online_submitted", "0905123456", submitted.tracking_code),
    ]
    assert view["status_label"] == "Chờ tiếp nhận" and view["applicant"] == "N. V. An"
    assert len(stored_files(tmp_path)) == 2


def test_without_consent_nothing_is_queued_for_the_citizen(demo_engine, tmp_path):
    submit(demo_engine, tmp_path, marriage(demo_engine, consent=False))
    assert count(demo_engine, notify_outbox) == 0


def test_the_same_submission_sent_twice_is_recognised_not_doubled(demo_engine, tmp_path):
    first = submit(demo_engine, tmp_path)
    again = submit(demo_engine, tmp_path)
    assert again == online.Submitted(first.submission_id, first.tracking_code, True)
    assert count(demo_engine, online_submissions) == 1 and len(stored_files(tmp_path)) == 2


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"applicant": groom(cccd="12345")}, "CCCD"),
        ({"procedure_code": "chung_thuc_ban_sao"}, "chưa được cung cấp trực tuyến"),
        ({"procedure_code": "khong_co"}, "chưa được cung cấp trực tuyến"),
        ({"uploads": [("Tờ khai", "to_khai.pdf", b"MZ\x90\x00 not a pdf")]}, "không phải"),
        ({"uploads": [("Tờ khai", "to_khai.pdf", b"%PDF-" + b"0" * (11 * 1024 * 1024))]}, "quá lớn"),
        ({"second_party": None}, "cả hai bên"),
        ({"uploads": []}, "ít nhất một giấy tờ"),
        ({"unit_id": None}, "phường/xã"),
    ],
)
def test_bad_input_gets_a_vietnamese_message_and_stores_nothing(demo_engine, tmp_path, changes, message):
    with pytest.raises(ValidationError, match=message):
        submit(demo_engine, tmp_path, marriage(demo_engine, **changes))
    assert count(demo_engine, online_submissions) == 0 and stored_files(tmp_path) == []


def test_a_burst_from_one_client_is_refused_after_the_limit(database):
    with write(database.engine) as conn:
        for _ in range(online.RATE_LIMIT):
            online.count_attempt(conn, "client-a", at=TUESDAY_9AM)
        with pytest.raises(online.TooManySubmissions, match="quá nhiều"):
            online.count_attempt(conn, "client-a", at=TUESDAY_9AM)
        online.count_attempt(conn, "client-b", at=TUESDAY_9AM)


def test_supplement_then_acceptance_makes_a_channel_2_dossier_with_the_files_and_the_consents(demo_engine, tmp_path):
    clerk = actor(demo_engine, "motcua.nhs")
    submitted = submit(demo_engine, tmp_path)
    token = online.sign_token(SECRET, submitted.submission_id)
    with write(demo_engine) as conn:
        request = "Bổ sung giấy xác nhận tình trạng hôn nhân của bên nữ."
        online.request_supplement(conn, clerk, submission_id=submitted.submission_id, expected_version=1,
                                  request=request, at=at(10, 10))  # fmt: skip
    with write(demo_engine) as conn:
        assert online.citizen_view(conn, secret=SECRET, token=token)["supplement_request"].startswith("Bổ sung")
        online.upload_supplement(conn, store=store_in(tmp_path), secret=SECRET, token=token,
                                 uploads=[("Bổ sung", "xac_nhan.pdf", SCAN + b"2")], at=at(10, 11))  # fmt: skip
    with write(demo_engine) as conn:
        accepted = online.accept(conn, clerk, submission_id=submitted.submission_id, expected_version=3,
                                 at=at(10, 16))  # fmt: skip
    with read(demo_engine) as conn:
        dossier = conn.execute(select(dossiers).where(dossiers.c.id == accepted["dossier_id"])).one()
        scans = conn.scalar(select(func.count()).where(dossier_files.c.dossier_id == dossier.id))
        events = conn.execute(
            select(notify_outbox.c.event, notify_outbox.c.subject_kind)
            .where(notify_outbox.c.channel == "email")
            .order_by(notify_outbox.c.id)
        ).all()
        view = online.citizen_view(conn, secret=SECRET, token=token, base_url="http://x")
    assert dossier.channel == 2 and dossier.status == "received"
    assert dossier.submitted_at == TUESDAY_9AM and dossier.received_at == at(11, 7, 30)  # after 15:00: next morning
    assert scans == 3
    assert [tuple(e) for e in events] == [
        ("online_submitted", "online"),
        ("online_supplement", "online"),
        ("online_accepted", "dossier"),
    ]
    assert view["status_label"] == "Đã tiếp nhận" and view["dossier"]["code"] == dossier.code
    assert view["dossier"]["link"].startswith("http://x/tra-cuu?t=")


def test_a_clerk_of_another_unit_cannot_accept_and_a_refusal_needs_a_reason(demo_engine, tmp_path):
    submitted = submit(demo_engine, tmp_path)
    with pytest.raises(PermissionDenied), write(demo_engine) as conn:
        online.accept(conn, actor(demo_engine, "motcua.hc"), submission_id=submitted.submission_id, expected_version=1)
    with pytest.raises(ValidationError, match="lý do"), write(demo_engine) as conn:
        online.refuse(conn, actor(demo_engine, "motcua.nhs"), submission_id=submitted.submission_id,
                      expected_version=1, reason="")  # fmt: skip
    with write(demo_engine) as conn:
        online.refuse(conn, actor(demo_engine, "motcua.nhs"), submission_id=submitted.submission_id,
                      expected_version=1, reason="Hồ sơ không thuộc thẩm quyền của phường.")  # fmt: skip
        view = online.citizen_view(conn, secret=SECRET, token=online.sign_token(SECRET, submitted.submission_id))
    assert view["status_label"] == "Không tiếp nhận" and "thẩm quyền" in view["refusal_reason"]


def test_the_counter_cannot_mark_a_dossier_as_filed_online(demo_engine, tmp_path):
    with pytest.raises(ValidationError, match="Trực tuyến"), write(demo_engine) as conn:
        receive_dossier(conn, actor(demo_engine, "motcua.nhs"), procedure_code="ket_hon", applicant=groom(),
                        second_party=bride(), channel=2, received_at=TUESDAY_9AM)  # fmt: skip


def test_a_tampered_status_link_shows_nothing(demo_engine, tmp_path):
    submitted = submit(demo_engine, tmp_path)
    with pytest.raises(Exception, match="không hợp lệ"), read(demo_engine) as conn:
        online.citizen_view(conn, secret=SECRET, token=f"{submitted.submission_id}.forged")


def test_the_admin_offers_a_procedure_online_from_the_catalog(demo_engine):
    with write(demo_engine) as conn:
        copies = catalog.get_procedure(conn, "chung_thuc_ban_sao")
        assert copies["code"] not in [p["code"] for p in online.online_procedures(conn)]
        changes = catalog_admin.update_procedure(conn, actor(demo_engine, "admin"), procedure_id=copies["id"],
                                                 online=True)  # fmt: skip
        assert changes["online"] == [False, True]
        assert copies["code"] in [p["code"] for p in online.online_procedures(conn)]


def test_a_citizen_who_also_ticks_zalo_is_told_on_zalo_too(demo_engine, tmp_path):
    submit(demo_engine, tmp_path, marriage(demo_engine, zalo=True))
    with read(demo_engine) as conn:
        channels = conn.scalars(select(notify_outbox.c.channel).order_by(notify_outbox.c.id)).all()
    assert channels == ["email", "sms", "zalo"]
