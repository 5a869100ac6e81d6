"""Department processing on both databases: assignment, supplements that stop the clock, apologies, results,
rejections, stale versions, and who may see and act on what."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from db.engine import read, write
from db.schema import site_appraisal_photos, supplement_requests
from seed.demo.processing import DEMO_DOSSIERS, seed_processing_demo
from services.catalog.procedures import calendar_for_unit
from services.core.clock import LOCAL_TZ
from services.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from services.core.files import LocalFileStore
from services.dossiers import flow as dossier_flow
from services.dossiers.flow import InvalidTransition
from services.processing import actions as processing
from services.processing import dossier_view, worklist
from services.processing import forms as processing_forms
from tests.builders import actor
from tests.intake_builders import SCAN, stored_files
from tests.processing_builders import PNG, assigned_permit, load, receive_permit, snapshot

WED_10AM = datetime(2026, 3, 11, 10, 0, tzinfo=LOCAL_TZ)
MON_14PM = datetime(2026, 3, 16, 14, 0, tzinfo=LOCAL_TZ)


@pytest.fixture
def store(tmp_path):
    return LocalFileStore(tmp_path / "files")


def run(engine, service, username, *args, **kwargs):
    with write(engine) as conn:
        return service(conn, actor(engine, username), *args, **kwargs)


def test_a_construction_permit_goes_to_the_kinh_te_department_on_receipt(demo_engine, store):
    dossier = receive_permit(demo_engine, store)
    assert dossier["status"] == "assigned"
    assert dossier["department_id"] == actor(demo_engine, "chuyenvien.nhs").department_id
    assert dossier["assignee_id"] is None


def test_the_head_assigns_a_specialist_and_a_reassignment_is_recorded(demo_engine, store):
    dossier = assigned_permit(demo_engine, store)
    assert (dossier["status"], dossier["assignee_id"]) == ("in_progress", actor(demo_engine, "chuyenvien.nhs").user_id)
    run(
        demo_engine,
        processing.assign,
        "truongphong.nhs",
        dossier_id=dossier["id"],
        assignee_id=actor(demo_engine, "truongphong.nhs").user_id,
        expected_version=dossier["version"],
    )
    with read(demo_engine) as conn:
        assigns = [e for e in dossier_flow.events(conn, dossier["id"]) if e["action"] == "assign"]
    assert len(assigns) == 2 and "Chuyển từ Võ Quốc Huy sang Phạm Minh Đức" in assigns[-1]["note"]


def test_a_specialist_takes_an_unassigned_dossier_but_cannot_assign_others(demo_engine, store):
    dossier = receive_permit(demo_engine, store)
    with pytest.raises(PermissionDenied):
        run(
            demo_engine,
            processing.assign,
            "chuyenvien.nhs",
            dossier_id=dossier["id"],
            assignee_id=actor(demo_engine, "truongphong.nhs").user_id,
            expected_version=dossier["version"],
        )
    me = actor(demo_engine, "chuyenvien.nhs")
    taken = run(
        demo_engine,
        processing.assign,
        "chuyenvien.nhs",
        dossier_id=dossier["id"],
        assignee_id=me.user_id,
        expected_version=dossier["version"],
    )
    assert taken["assignee_id"] == me.user_id


def test_only_a_specialist_of_the_department_can_be_assigned(demo_engine, store):
    dossier = receive_permit(demo_engine, store)
    before = snapshot(demo_engine, dossier["id"])
    with pytest.raises(ValidationError, match="chuyên viên"):
        run(
            demo_engine,
            processing.assign,
            "truongphong.nhs",
            dossier_id=dossier["id"],
            assignee_id=actor(demo_engine, "hotich.nhs").user_id,
            expected_version=dossier["version"],
        )
    assert snapshot(demo_engine, dossier["id"]) == before


def test_a_supplement_request_stops_the_clock_and_the_appointment_moves_by_exactly_the_paused_time(demo_engine, store):
    dossier = assigned_permit(demo_engine, store)
    request_id = run(
        demo_engine,
        processing.request_supplement,
        "chuyenvien.nhs",
        dossier_id=dossier["id"],
        expected_version=dossier["version"],
        items=["Bản vẽ mặt bằng móng", "  ", "Bản sao sổ đỏ"],
        at=WED_10AM,
    )
    paused = load(demo_engine, dossier["id"])
    assert (paused["status"], paused["paused_at"], paused["supplement_count"]) == ("supplement_requested", WED_10AM, 1)
    assert not paused["counted_late"]
    resumed = run(
        demo_engine,
        processing.receive_supplement,
        "motcua.nhs",
        store,
        dossier_id=dossier["id"],
        expected_version=paused["version"],
        at=MON_14PM,
    )
    with read(demo_engine) as conn:
        calendar = calendar_for_unit(conn, dossier["processing_unit_id"])
        request = conn.execute(select(supplement_requests).where(supplement_requests.c.id == request_id)).one()
    paused_seconds = calendar.between(WED_10AM, MON_14PM)
    assert paused_seconds > 0
    assert resumed["status"] == "in_progress" and resumed["paused_at"] is None
    assert resumed["paused_seconds"] == paused_seconds == request.paused_seconds
    assert calendar.between(dossier["due_at"], resumed["due_at"]) == paused_seconds
    assert request.due_after == resumed["due_at"]


def test_a_second_supplement_request_is_allowed_but_counts_the_dossier_late(demo_engine, store):
    dossier = assigned_permit(demo_engine, store)
    for seq in (1, 2):
        current = load(demo_engine, dossier["id"])
        run(
            demo_engine,
            processing.request_supplement,
            "chuyenvien.nhs",
            dossier_id=dossier["id"],
            expected_version=current["version"],
            items=[f"Giấy tờ lần {seq}"],
            at=WED_10AM + timedelta(days=seq),
        )
        current = load(demo_engine, dossier["id"])
        assert current["counted_late"] == (seq == 2)
        run(
            demo_engine,
            processing.receive_supplement,
            "motcua.nhs",
            dossier_id=dossier["id"],
            expected_version=current["version"],
            at=WED_10AM + timedelta(days=seq, hours=3),
        )
    assert load(demo_engine, dossier["id"])["supplement_count"] == 2


@pytest.mark.parametrize("items", [[], ["", "   "]])
def test_an_empty_supplement_list_is_refused_and_nothing_changes(demo_engine, store, items):
    dossier = assigned_permit(demo_engine, store)
    before = snapshot(demo_engine, dossier["id"])
    with pytest.raises(ValidationError, match="ít nhất một giấy tờ"):
        run(
            demo_engine,
            processing.request_supplement,
            "chuyenvien.nhs",
            dossier_id=dossier["id"],
            expected_version=dossier["version"],
            items=items,
        )
    assert snapshot(demo_engine, dossier["id"]) == before


def test_only_a_counter_clerk_of_the_receiving_unit_receives_the_supplement(demo_engine, store):
    dossier = assigned_permit(demo_engine, store)
    run(
        demo_engine,
        processing.request_supplement,
        "chuyenvien.nhs",
        dossier_id=dossier["id"],
        expected_version=dossier["version"],
        items=["Bản vẽ"],
    )
    paused = load(demo_engine, dossier["id"])
    for username, error in [("chuyenvien.nhs", PermissionDenied), ("motcua.hc", PermissionDenied)]:
        with pytest.raises(error):
            run(
                demo_engine,
                processing.receive_supplement,
                username,
                dossier_id=dossier["id"],
                expected_version=paused["version"],
            )
    assert load(demo_engine, dossier["id"]) == paused


def test_an_apology_moves_the_appointment_later_and_counts_the_dossier_late(demo_engine, store):
    dossier = assigned_permit(demo_engine, store)
    new_due = dossier["due_at"] + timedelta(days=3)
    apology_id = run(
        demo_engine,
        processing.apologize,
        "chuyenvien.nhs",
        dossier_id=dossier["id"],
        expected_version=dossier["version"],
        reason="Chờ ý kiến của cơ quan quản lý đô thị",
        new_due_at=new_due,
        at=WED_10AM,
    )
    after = load(demo_engine, dossier["id"])
    assert (after["due_at"], after["apology_count"], after["counted_late"]) == (new_due, 1, True)
    with read(demo_engine) as conn:
        pdf = processing_forms.apology_pdf(
            conn, actor(demo_engine, "chuyenvien.nhs"), dossier_id=dossier["id"], apology_id=apology_id
        )
    assert pdf.startswith(b"%PDF")


@pytest.mark.parametrize(
    "reason, shift, message",
    [
        ("", timedelta(days=2), "lý do"),
        ("Chờ ý kiến", timedelta(0), "phải sau ngày hẹn cũ"),
        ("Chờ ý kiến", -timedelta(days=1), "phải sau ngày hẹn cũ"),
    ],
)
def test_an_apology_without_a_reason_or_with_an_earlier_date_is_refused(demo_engine, store, reason, shift, message):
    dossier = assigned_permit(demo_engine, store)
    before = snapshot(demo_engine, dossier["id"])
    with pytest.raises(ValidationError, match=message):
        run(
            demo_engine,
            processing.apologize,
            "chuyenvien.nhs",
            dossier_id=dossier["id"],
            expected_version=dossier["version"],
            reason=reason,
            new_due_at=dossier["due_at"] + shift,
            at=WED_10AM,
        )
    assert snapshot(demo_engine, dossier["id"]) == before


def test_a_rejection_needs_a_reason_and_then_the_refusal_is_the_result(demo_engine, store):
    dossier = assigned_permit(demo_engine, store)
    before = snapshot(demo_engine, dossier["id"])
    with pytest.raises(ValidationError, match="lý do từ chối"):
        run(
            demo_engine,
            processing.reject,
            "chuyenvien.nhs",
            store,
            dossier_id=dossier["id"],
            expected_version=dossier["version"],
            reason="  ",
        )
    assert snapshot(demo_engine, dossier["id"]) == before
    rejected = run(
        demo_engine,
        processing.reject,
        "chuyenvien.nhs",
        store,
        dossier_id=dossier["id"],
        expected_version=dossier["version"],
        reason="Công trình nằm trong hành lang an toàn giao thông",
    )
    assert rejected["status"] == "rejected" and rejected["finished_at"] is not None
    with read(demo_engine) as conn:
        letter = processing_forms.refusal_pdf(conn, actor(demo_engine, "motcua.nhs"), dossier_id=dossier["id"])
    assert letter.startswith(b"%PDF")


def test_the_signed_result_makes_the_dossier_ready_for_the_counter(demo_engine, store, tmp_path):
    dossier = assigned_permit(demo_engine, store)
    before = snapshot(demo_engine, dossier["id"])
    with pytest.raises(ValidationError, match="bản quét kết quả"):
        run(
            demo_engine,
            processing.complete,
            "chuyenvien.nhs",
            store,
            dossier_id=dossier["id"],
            expected_version=dossier["version"],
            results=[],
        )
    assert snapshot(demo_engine, dossier["id"]) == before
    done = run(
        demo_engine,
        processing.complete,
        "chuyenvien.nhs",
        store,
        dossier_id=dossier["id"],
        expected_version=dossier["version"],
        results=[("giay_phep.pdf", SCAN)],
        at=WED_10AM,
    )
    assert (done["status"], done["result_ready_at"], done["is_late"]) == ("result_ready", WED_10AM, False)
    with read(demo_engine) as conn:
        view = dossier_view.dossier_view(conn, actor(demo_engine, "motcua.nhs"), dossier_id=dossier["id"])
    assert [f["kind"] for f in view["files"]] == ["scan", "result"]
    assert len(stored_files(tmp_path)) == 2


def test_an_action_not_allowed_in_the_current_state_is_refused_and_nothing_changes(demo_engine, store):
    dossier = receive_permit(demo_engine, store)
    head = "truongphong.nhs"
    before = snapshot(demo_engine, dossier["id"])
    with pytest.raises(InvalidTransition, match="Không thể"):
        run(
            demo_engine,
            processing.complete,
            head,
            store,
            dossier_id=dossier["id"],
            expected_version=dossier["version"],
            results=[("kq.pdf", SCAN)],
        )
    with pytest.raises(InvalidTransition, match="Không thể"):
        run(
            demo_engine,
            processing.receive_supplement,
            "motcua.nhs",
            dossier_id=dossier["id"],
            expected_version=dossier["version"],
        )
    assert snapshot(demo_engine, dossier["id"]) == before


def test_the_second_of_two_people_acting_on_the_same_version_is_told_to_reload(demo_engine, store):
    dossier = assigned_permit(demo_engine, store)
    run(
        demo_engine,
        processing.request_supplement,
        "chuyenvien.nhs",
        dossier_id=dossier["id"],
        expected_version=dossier["version"],
        items=["Bản vẽ"],
    )
    after_first = snapshot(demo_engine, dossier["id"])
    with pytest.raises(Conflict, match="vừa được người khác cập nhật"):
        run(
            demo_engine,
            processing.apologize,
            "truongphong.nhs",
            dossier_id=dossier["id"],
            expected_version=dossier["version"],
            reason="Chậm",
            new_due_at=dossier["due_at"] + timedelta(days=1),
            at=WED_10AM,
        )
    assert snapshot(demo_engine, dossier["id"]) == after_first


def test_site_appraisal_photos_are_checked_by_content_and_stored(demo_engine, store, tmp_path):
    dossier = assigned_permit(demo_engine, store)
    arguments = dict(
        dossier_id=dossier["id"],
        expected_version=dossier["version"],
        appraised_on=date(2026, 3, 12),
        participants="Võ Quốc Huy; chủ hộ Nguyễn Văn An",
        findings="Hiện trạng đất trống, ranh giới khớp bản vẽ",
        conclusion="meets",
    )
    before = snapshot(demo_engine, dossier["id"])
    with pytest.raises(ValidationError, match="JPEG, PNG"):
        run(
            demo_engine,
            processing.record_site_appraisal,
            "chuyenvien.nhs",
            store,
            **arguments,
            photos=[("a.png", SCAN)],
        )
    assert snapshot(demo_engine, dossier["id"]) == before and len(stored_files(tmp_path)) == 1
    appraisal_id = run(
        demo_engine, processing.record_site_appraisal, "chuyenvien.nhs", store, **arguments, photos=[("a.png", PNG)]
    )
    with read(demo_engine) as conn:
        photos = conn.execute(
            select(site_appraisal_photos).where(site_appraisal_photos.c.appraisal_id == appraisal_id)
        ).all()
    assert len(photos) == 1 and len(stored_files(tmp_path)) == 2


def test_a_site_appraisal_needs_participants_and_findings(demo_engine, store):
    dossier = assigned_permit(demo_engine, store)
    with pytest.raises(ValidationError, match="thành phần tham gia"):
        run(
            demo_engine,
            processing.record_site_appraisal,
            "chuyenvien.nhs",
            store,
            dossier_id=dossier["id"],
            expected_version=dossier["version"],
            appraised_on=date(2026, 3, 12),
            participants="",
            findings="x",
            conclusion="meets",
        )


def _every_action(engine, store, dossier):
    version = dossier["version"]
    target = dossier["id"]
    return {
        "assign": lambda u: run(
            engine,
            processing.assign,
            u,
            dossier_id=target,
            assignee_id=actor(engine, u).user_id,
            expected_version=version,
        ),
        "request_supplement": lambda u: run(
            engine, processing.request_supplement, u, dossier_id=target, expected_version=version, items=["x"]
        ),
        "receive_supplement": lambda u: run(
            engine, processing.receive_supplement, u, dossier_id=target, expected_version=version
        ),
        "apologize": lambda u: run(
            engine,
            processing.apologize,
            u,
            dossier_id=target,
            expected_version=version,
            reason="x",
            new_due_at=dossier["due_at"] + timedelta(days=5),
        ),
        "complete": lambda u: run(
            engine,
            processing.complete,
            u,
            store,
            dossier_id=target,
            expected_version=version,
            results=[("k.pdf", SCAN)],
        ),
        "reject": lambda u: run(engine, processing.reject, u, dossier_id=target, expected_version=version, reason="x"),
        "site_appraisal": lambda u: run(
            engine,
            processing.record_site_appraisal,
            u,
            store,
            dossier_id=target,
            expected_version=version,
            appraised_on=date(2026, 3, 12),
            participants="x",
            findings="x",
            conclusion="meets",
        ),
        "note": lambda u: run(engine, processing.add_note, u, dossier_id=target, text="x"),
        "view": lambda u: run(engine, dossier_view.dossier_view, u, dossier_id=target),
        "control_slip": lambda u: run(engine, processing_forms.control_slip_pdf, u, dossier_id=target),
    }


@pytest.mark.parametrize("outsider", ["hotich.nhs", "diachinh.nhs", "diachinh.hc", "motcua.hc", "lanhdao.hc"])
def test_staff_of_another_department_or_ward_can_neither_see_nor_act_on_the_dossier(demo_engine, store, outsider):
    dossier = assigned_permit(demo_engine, store)
    before = snapshot(demo_engine, dossier["id"])
    for name, attempt in _every_action(demo_engine, store, dossier).items():
        with pytest.raises(PermissionDenied):
            attempt(outsider)
        assert snapshot(demo_engine, dossier["id"]) == before, name
    with pytest.raises(NotFound), read(demo_engine) as conn:
        dossier_view.find_dossier_id(conn, actor(demo_engine, outsider), code=dossier["code"])
    with read(demo_engine) as conn:
        rows = worklist.worklist(conn, actor(demo_engine, outsider)).rows
    assert dossier["code"] not in {r["code"] for r in rows}


def test_a_specialist_sees_own_and_unassigned_dossiers_and_the_head_sees_the_whole_department(demo_engine, store):
    mine = assigned_permit(demo_engine, store, assignee="chuyenvien.nhs")
    heads = assigned_permit(demo_engine, store, assignee="truongphong.nhs", cccd="048095001235")
    unassigned = receive_permit(demo_engine, store, cccd="048095001236")
    with read(demo_engine) as conn:
        specialist = {r["code"] for r in worklist.worklist(conn, actor(demo_engine, "chuyenvien.nhs")).rows}
        head = {r["code"] for r in worklist.worklist(conn, actor(demo_engine, "truongphong.nhs")).rows}
    ours = {mine["code"], heads["code"], unassigned["code"]}
    assert specialist & ours == {mine["code"], unassigned["code"]}
    with pytest.raises(PermissionDenied, match="được phân công"):
        run(
            demo_engine,
            processing.request_supplement,
            "chuyenvien.nhs",
            dossier_id=heads["id"],
            expected_version=heads["version"],
            items=["x"],
        )
    assert head >= ours


def test_the_worklist_is_ordered_by_remaining_time_paginated_and_marks_overdue_and_near_due(demo_engine, store):
    with write(demo_engine) as conn:
        seed_processing_demo(conn)
        seed_processing_demo(conn)
    head = actor(demo_engine, "truongphong.nhs")
    with read(demo_engine) as conn:
        everything = worklist.worklist(conn, head, page_size=100)
        first = worklist.worklist(conn, head, page_size=3)
        second = worklist.worklist(conn, head, page_size=3, page=2)
        unassigned = worklist.worklist(conn, head, assignee_id=worklist.UNASSIGNED)
        paused = worklist.worklist(conn, head, status="supplement_requested")
    dues = [r["due_at"] for r in everything.rows]
    assert everything.total >= len(DEMO_DOSSIERS) and dues == sorted(dues)
    assert [r["code"] for r in first.rows + second.rows] == [r["code"] for r in everything.rows[:6]]
    assert first.pages == -(-everything.total // 3)
    assert {r["urgency"] for r in everything.rows} >= {"overdue", "near", "ok", "paused"}
    assert everything.rows[0]["urgency"] == "overdue" and everything.overdue >= 1
    assert unassigned.total >= 2 and all(r["assignee_id"] is None for r in unassigned.rows)
    assert paused.total >= 1 and {r["status"] for r in paused.rows} == {"supplement_requested"}


def test_the_control_slip_lists_every_hand_over_with_its_due_time(demo_engine, store):
    dossier = assigned_permit(demo_engine, store)
    with read(demo_engine) as conn:
        rows = dossier_view.hand_overs(conn, load(demo_engine, dossier["id"]))
        pdf = processing_forms.control_slip_pdf(conn, actor(demo_engine, "lanhdao.nhs"), dossier_id=dossier["id"])
    assert [r["action"] for r in rows] == ["receive", "transfer", "assign"]
    assert rows[-1]["to"] == "Võ Quốc Huy" and rows[-1]["on_time"] is True
    assert pdf.startswith(b"%PDF")


def test_the_actions_offered_depend_on_the_user_and_the_state(demo_engine, store):
    dossier = assigned_permit(demo_engine, store)
    offered = {
        u: processing.available_actions(actor(demo_engine, u), dossier)
        for u in ("chuyenvien.nhs", "truongphong.nhs", "motcua.nhs", "lanhdao.nhs")
    }
    assert {"request_supplement", "complete", "reject", "site_appraisal", "apologize"} <= set(offered["chuyenvien.nhs"])
    assert "assign" in offered["truongphong.nhs"]
    assert offered["motcua.nhs"] == []
    assert offered["lanhdao.nhs"] == ["apologize"]
