"""Receipt regardless of administrative boundaries: routing, dispatch, postal transfers, visibility."""

from __future__ import annotations

from datetime import timedelta

import pytest

from db.engine import read, write
from services.catalog import routing
from services.core.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationError
from services.dossiers import flow as dossier_flow
from services.dossiers import intake, public_status, returns
from services.processing import worklist
from services.processing.dossier_view import find_dossier_id, hand_overs
from services.transfers import dispatch, postal, postal_forms
from services.transfers.sent_elsewhere import sent_elsewhere
from tests.builders import actor
from tests.postal_builders import (
    LAND,
    OWNER,
    TUESDAY_9AM,
    complete,
    confirm,
    department_id,
    load,
    receive_land,
    ship,
    snapshot,
    third_ward,
    unit_id,
)


def land_procedure_id(engine) -> int:
    with read(engine) as conn:
        return routing.any_point_procedures(conn, actor(engine, "admin"))[0]["id"]


def worklist_codes(engine, username: str) -> set[str]:
    with read(engine) as conn:
        return {row["code"] for row in worklist.worklist(conn, actor(engine, username), page_size=100).rows}


# --- routing ---------------------------------------------------------------------------------------------------


def test_a_land_dossier_goes_to_the_land_office_of_the_ward_where_the_land_is(demo_engine):
    receipt = receive_land(demo_engine)
    dossier = load(demo_engine, receipt.dossier_id)
    assert dossier["receiving_unit_id"] == unit_id(demo_engine, "NGUHANHSON")
    assert dossier["processing_unit_id"] == unit_id(demo_engine, "HAICHAU")
    assert dossier["department_id"] == department_id(demo_engine, "HAICHAU")
    assert dossier["status"] == "assigned"
    assert receipt.code.startswith("NGUHANHSON-")


def test_the_land_office_of_the_other_ward_sees_the_dossier_at_once(demo_engine):
    receipt = receive_land(demo_engine)
    assert receipt.code in worklist_codes(demo_engine, "diachinh.hc")
    assert receipt.code in worklist_codes(demo_engine, "lanhdao.hc")
    assert receipt.code not in worklist_codes(demo_engine, "diachinh.nhs")


def test_an_explicit_routing_rule_wins_over_the_default_and_clearing_it_restores_the_default(demo_engine):
    admin, procedure_id = actor(demo_engine, "admin"), land_procedure_id(demo_engine)
    with write(demo_engine) as conn:
        routing.set_route(
            conn,
            admin,
            procedure_id=procedure_id,
            land_unit_id=unit_id(demo_engine, "HAICHAU"),
            processing_unit_id=unit_id(demo_engine, "NGUHANHSON"),
            department_id=department_id(demo_engine, "NGUHANHSON"),
        )
    routed = load(demo_engine, receive_land(demo_engine).dossier_id)
    assert routed["processing_unit_id"] == unit_id(demo_engine, "NGUHANHSON")
    with write(demo_engine) as conn:
        routing.clear_route(conn, admin, procedure_id=procedure_id, land_unit_id=unit_id(demo_engine, "HAICHAU"))
    default = load(demo_engine, receive_land(demo_engine, at=TUESDAY_9AM + timedelta(hours=1)).dossier_id)
    assert default["processing_unit_id"] == unit_id(demo_engine, "HAICHAU")


def test_the_routing_table_shows_every_unit_and_where_its_dossiers_go(demo_engine):
    with read(demo_engine) as conn:
        table = routing.routing_table(conn, actor(demo_engine, "admin"), procedure_id=land_procedure_id(demo_engine))
    assert len(table) == 94
    by_unit = {row["land_unit"]: row for row in table}
    assert by_unit["Phường Hải Châu"]["source"] == "default"
    assert by_unit["Phường Hòa Cường"]["source"] == "rule"  # the demo's explicit rule
    assert by_unit["Xã Hòa Vang"]["source"] == "none"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"land_unit_id": 999_999}, "94 phường"),
        ({"processing_unit_id": 999_999}, "94 phường"),
        ({"department_id": "other ward"}, "thuộc đơn vị xử lý"),
    ],
)
def test_a_routing_rule_with_a_unit_or_department_that_does_not_fit_is_refused(demo_engine, change, message):
    arguments = dict(
        procedure_id=land_procedure_id(demo_engine),
        land_unit_id=unit_id(demo_engine, "HAICHAU"),
        processing_unit_id=unit_id(demo_engine, "HAICHAU"),
        department_id=department_id(demo_engine, "HAICHAU"),
    )
    if change.get("department_id") == "other ward":
        change = {"department_id": department_id(demo_engine, "NGUHANHSON")}
    before = snapshot(demo_engine)
    with pytest.raises(ValidationError, match=message), write(demo_engine) as conn:
        routing.set_route(conn, actor(demo_engine, "admin"), **{**arguments, **change})
    assert snapshot(demo_engine) == before


def test_only_an_admin_edits_the_routing_table(demo_engine):
    with pytest.raises(PermissionDenied), write(demo_engine) as conn:
        routing.set_route(
            conn,
            actor(demo_engine, "lanhdao.nhs"),
            procedure_id=land_procedure_id(demo_engine),
            land_unit_id=unit_id(demo_engine, "HAICHAU"),
            processing_unit_id=unit_id(demo_engine, "HAICHAU"),
            department_id=department_id(demo_engine, "HAICHAU"),
        )


def test_a_land_location_that_is_not_one_of_the_94_units_is_refused_and_nothing_is_written(demo_engine):
    before = snapshot(demo_engine)
    with pytest.raises(DomainError), write(demo_engine) as conn:
        intake.receive_dossier(
            conn, actor(demo_engine, "motcua.nhs"), procedure_code=LAND, applicant=OWNER, land_unit_id=999_999
        )
    assert snapshot(demo_engine) == before


# --- dispatch ------------------------------------------------------------------------------------------------


def test_an_unrouted_dossier_waits_in_the_city_dispatch_queue_until_an_admin_sends_it(demo_engine):
    receipt = receive_land(demo_engine, land="HOAVANG")  # no land office is set up in Hòa Vang
    assert receipt.status == "awaiting_dispatch"
    admin = actor(demo_engine, "admin")
    with read(demo_engine) as conn:
        queued = {row["code"]: row for row in dispatch.dispatch_queue(conn, admin)}
    assert queued[receipt.code]["land_unit"] == "Xã Hòa Vang"
    with write(demo_engine) as conn:
        dispatch.dispatch_dossier(
            conn,
            admin,
            dossier_id=receipt.dossier_id,
            expected_version=queued[receipt.code]["version"],
            unit_id=unit_id(demo_engine, "HAICHAU"),
            department_id=department_id(demo_engine, "HAICHAU"),
            remember=True,
        )
    assert receipt.code in worklist_codes(demo_engine, "diachinh.hc")
    with read(demo_engine) as conn:
        assert receipt.code not in {row["code"] for row in dispatch.dispatch_queue(conn, admin)}
        table = routing.routing_table(conn, admin, procedure_id=land_procedure_id(demo_engine))
    assert next(r for r in table if r["land_unit"] == "Xã Hòa Vang")["processing_unit"] == "Phường Hải Châu"


def test_dispatching_to_a_department_of_another_unit_is_refused_and_nothing_changes(demo_engine):
    receipt = receive_land(demo_engine, land="HOAVANG")
    before = snapshot(demo_engine)
    with pytest.raises(ValidationError, match="thuộc đơn vị xử lý"), write(demo_engine) as conn:
        dispatch.dispatch_dossier(
            conn,
            actor(demo_engine, "admin"),
            dossier_id=receipt.dossier_id,
            expected_version=load(demo_engine, receipt.dossier_id)["version"],
            unit_id=unit_id(demo_engine, "HAICHAU"),
            department_id=department_id(demo_engine, "NGUHANHSON"),
        )
    assert snapshot(demo_engine) == before


def test_the_dispatch_queue_is_for_city_roles_only(demo_engine):
    with pytest.raises(PermissionDenied), read(demo_engine) as conn:
        dispatch.dispatch_queue(conn, actor(demo_engine, "lanhdao.nhs"))


# --- scenario 3 through the services -------------------------------------------------------------------------


def test_scenario_3_paper_goes_by_post_the_result_comes_back_and_is_returned_at_the_receiving_counter(demo_engine):
    receipt = receive_land(demo_engine)
    sent = ship(demo_engine, "motcua.nhs", [receipt.dossier_id], sent_at=TUESDAY_9AM + timedelta(hours=1))
    with read(demo_engine) as conn:
        incoming = postal.shipments(conn, actor(demo_engine, "diachinh.hc"), direction="incoming", open_only=True)
    assert incoming[0]["id"] == sent
    confirm(demo_engine, "diachinh.hc", sent, at=TUESDAY_9AM + timedelta(days=1))
    complete(demo_engine, "diachinh.hc", receipt.dossier_id, at=TUESDAY_9AM + timedelta(days=2))
    back = ship(
        demo_engine,
        "diachinh.hc",
        [receipt.dossier_id],
        kind="result",
        number="EB987654321VN",
        sent_at=TUESDAY_9AM + timedelta(days=2, hours=1),
    )
    assert load(demo_engine, receipt.dossier_id)["status"] == "result_in_transit"
    confirm(demo_engine, "motcua.nhs", back, at=TUESDAY_9AM + timedelta(days=3))
    assert load(demo_engine, receipt.dossier_id)["status"] == "result_ready"
    with write(demo_engine) as conn:
        returned = returns.return_result(
            conn,
            actor(demo_engine, "motcua.nhs"),
            dossier_id=receipt.dossier_id,
            expected_version=load(demo_engine, receipt.dossier_id)["version"],
            collector_name=OWNER["full_name"],
            collector_cccd=OWNER["cccd"],
            at=TUESDAY_9AM + timedelta(days=3, hours=1),
        )
    assert returned["status"] == "returned"


def test_every_hand_over_between_units_is_an_event_naming_the_unit_that_takes_it(demo_engine):
    receipt = receive_land(demo_engine)
    sent = ship(demo_engine, "motcua.nhs", [receipt.dossier_id], sent_at=TUESDAY_9AM + timedelta(hours=1))
    confirm(demo_engine, "diachinh.hc", sent, at=TUESDAY_9AM + timedelta(days=1))
    hai_chau = unit_id(demo_engine, "HAICHAU")
    with read(demo_engine) as conn:
        events = {e["action"]: e for e in dossier_flow.events(conn, receipt.dossier_id)}
    assert events["transfer"]["to_unit_id"] == hai_chau
    assert events["ship_dossier"]["to_unit_id"] == hai_chau and events["ship_dossier"]["public"]
    assert events["receive_paper"]["to_unit_id"] == hai_chau
    assert "EB123456789VN" in events["ship_dossier"]["note"]


def test_the_public_timeline_shows_each_step_and_unit_without_personal_data(demo_engine):
    receipt = receive_land(demo_engine)
    sent = ship(demo_engine, "motcua.nhs", [receipt.dossier_id], sent_at=TUESDAY_9AM + timedelta(hours=1))
    confirm(demo_engine, "diachinh.hc", sent, at=TUESDAY_9AM + timedelta(days=1))
    with read(demo_engine) as conn:
        status = public_status.status_by_token(
            conn, secret="s", token=public_status.sign_token("s", receipt.dossier_id)
        )
    labels = [step["label"] for step in status.timeline]
    assert "Gửi hồ sơ giấy qua bưu chính đến đơn vị xử lý → Phường Hải Châu" in labels
    assert "Nhận hồ sơ giấy qua bưu chính tại Phường Hải Châu" in labels
    text = " ".join(labels)
    assert OWNER["full_name"] not in text and OWNER["cccd"] not in text and "EB123456789VN" not in text


def test_the_receiving_counter_cannot_return_a_result_still_at_the_processing_unit(demo_engine):
    receipt = receive_land(demo_engine)
    confirm(demo_engine, "diachinh.hc", ship(demo_engine, "motcua.nhs", [receipt.dossier_id]))
    complete(demo_engine, "diachinh.hc", receipt.dossier_id, at=TUESDAY_9AM + timedelta(days=2))
    before = snapshot(demo_engine)
    with pytest.raises(dossier_flow.InvalidTransition, match="Kết quả còn ở Phường Hải Châu"), write(demo_engine) as c:
        returns.return_result(
            c,
            actor(demo_engine, "motcua.nhs"),
            dossier_id=receipt.dossier_id,
            expected_version=load(demo_engine, receipt.dossier_id)["version"],
            collector_name=OWNER["full_name"],
            collector_cccd=OWNER["cccd"],
        )
    assert snapshot(demo_engine) == before


def test_a_result_mailed_to_the_citizen_counts_as_returned_once_delivery_is_confirmed(demo_engine):
    receipt = receive_land(demo_engine)
    confirm(demo_engine, "diachinh.hc", ship(demo_engine, "motcua.nhs", [receipt.dossier_id]))
    complete(demo_engine, "diachinh.hc", receipt.dossier_id, at=TUESDAY_9AM + timedelta(days=2))
    mailed = ship(
        demo_engine,
        "diachinh.hc",
        [receipt.dossier_id],
        kind="citizen",
        number="RR555666777VN",
        sent_at=TUESDAY_9AM + timedelta(days=2, hours=1),
    )
    with read(demo_engine) as conn:
        detail = postal.shipment_detail(conn, actor(demo_engine, "diachinh.hc"), shipment_id=mailed)
    assert detail["to_address"] == OWNER["address"]
    with write(demo_engine) as conn:
        postal.confirm_delivery(
            conn,
            actor(demo_engine, "diachinh.hc"),
            shipment_id=mailed,
            recipient="Trần Văn Phúc",
            at=TUESDAY_9AM + timedelta(days=4),
        )
    dossier = load(demo_engine, receipt.dossier_id)
    assert dossier["status"] == "returned" and "RR555666777VN" in dossier["collected_by"]


# --- bad input: clear error, nothing changed -------------------------------------------------------------------


def test_a_duplicate_tracking_number_of_the_same_carrier_is_refused_and_nothing_changes(demo_engine):
    first, second = receive_land(demo_engine), receive_land(demo_engine, at=TUESDAY_9AM + timedelta(minutes=5))
    ship(demo_engine, "motcua.nhs", [first.dossier_id], number="EB111222333VN")
    before = snapshot(demo_engine)
    with pytest.raises(Conflict, match="EB111222333VN .* đã được ghi nhận"):
        ship(demo_engine, "motcua.nhs", [second.dossier_id], number="eb 111 222 333 vn")
    assert snapshot(demo_engine) == before


def test_confirming_a_shipment_twice_is_refused_and_nothing_changes(demo_engine):
    receipt = receive_land(demo_engine)
    sent = ship(demo_engine, "motcua.nhs", [receipt.dossier_id])
    confirm(demo_engine, "diachinh.hc", sent)
    before = snapshot(demo_engine)
    with pytest.raises(Conflict, match="đã được xác nhận"):
        confirm(demo_engine, "motcua.hc", sent)
    assert snapshot(demo_engine) == before


def test_shipping_a_dossier_that_is_not_at_the_sending_unit_is_refused_and_nothing_changes(demo_engine):
    receipt = receive_land(demo_engine)
    ship(demo_engine, "motcua.nhs", [receipt.dossier_id])
    before = snapshot(demo_engine)
    with pytest.raises(ValidationError, match="không ở đơn vị gửi: đang gửi qua bưu chính"):
        ship(demo_engine, "motcua.nhs", [receipt.dossier_id], number="EB000000009VN")
    assert snapshot(demo_engine) == before
    complete(demo_engine, "diachinh.hc", receipt.dossier_id, at=TUESDAY_9AM + timedelta(days=1))
    before = snapshot(demo_engine)
    with pytest.raises(ValidationError, match="không ở đơn vị gửi: đang ở Phường Hải Châu"):
        ship(demo_engine, "motcua.nhs", [receipt.dossier_id], kind="citizen", number="EB000000010VN")
    assert snapshot(demo_engine) == before


def test_a_result_cannot_be_shipped_before_it_exists(demo_engine):
    receipt = receive_land(demo_engine)
    confirm(demo_engine, "diachinh.hc", ship(demo_engine, "motcua.nhs", [receipt.dossier_id]))
    with pytest.raises(ValidationError, match="không gửi được theo loại chuyến này"):
        ship(demo_engine, "diachinh.hc", [receipt.dossier_id], kind="result", number="EB000000011VN")


@pytest.mark.parametrize("number", ["", "EB12", "EB123 456 789 VN!", "X" * 41])
def test_a_malformed_tracking_number_is_refused(demo_engine, number):
    receipt = receive_land(demo_engine)
    before = snapshot(demo_engine)
    with pytest.raises(ValidationError, match="Số hiệu bưu gửi"):
        ship(demo_engine, "motcua.nhs", [receipt.dossier_id], number=number)
    assert snapshot(demo_engine) == before


def test_only_the_unit_at_the_other_end_confirms_receipt(demo_engine):
    receipt = receive_land(demo_engine)
    sent = ship(demo_engine, "motcua.nhs", [receipt.dossier_id])
    with pytest.raises(PermissionDenied):
        confirm(demo_engine, "motcua.nhs", sent)


def test_a_sending_time_in_the_future_is_refused(demo_engine):
    receipt = receive_land(demo_engine)
    with pytest.raises(ValidationError, match="tương lai"), write(demo_engine) as conn:
        postal.send_shipment(
            conn,
            actor(demo_engine, "motcua.nhs"),
            kind="dossier",
            carrier="vnpost",
            tracking_number="EB123456789VN",
            dossier_ids=[receipt.dossier_id],
            sent_at=TUESDAY_9AM + timedelta(days=1),
            at=TUESDAY_9AM,
        )


# --- the overdue flag ------------------------------------------------------------------------------------------


def test_a_shipment_not_confirmed_within_the_configured_working_days_is_flagged_on_both_sides(demo_engine):
    with write(demo_engine) as conn:
        postal.set_confirm_days(conn, actor(demo_engine, "admin"), days=2)
    receipt = receive_land(demo_engine)
    ship(demo_engine, "motcua.nhs", [receipt.dossier_id], sent_at=TUESDAY_9AM)  # due Thursday 09:00
    due = TUESDAY_9AM + timedelta(days=2)
    for at, flagged in ((due - timedelta(minutes=1), False), (due + timedelta(minutes=1), True)):
        with read(demo_engine) as conn:
            outgoing = postal.shipments(conn, actor(demo_engine, "motcua.nhs"), direction="outgoing", at=at)
            incoming = postal.shipments(conn, actor(demo_engine, "diachinh.hc"), direction="incoming", at=at)
            tracked = sent_elsewhere(conn, actor(demo_engine, "motcua.nhs"), at=at)
        mine = [s for s in outgoing if receipt.dossier_id in s["dossier_ids"]]
        assert mine[0]["overdue"] is flagged
        assert next(s for s in incoming if s["id"] == mine[0]["id"])["overdue"] is flagged
        assert next(r for r in tracked if r["id"] == receipt.dossier_id)["shipment_overdue"] is flagged


@pytest.mark.parametrize("days", [0, 31, -1])
def test_the_confirmation_limit_must_be_between_1_and_30_working_days(demo_engine, days):
    with pytest.raises(ValidationError), write(demo_engine) as conn:
        postal.set_confirm_days(conn, actor(demo_engine, "admin"), days=days)


# --- visibility ----------------------------------------------------------------------------------------------


def test_the_receiving_unit_tracks_the_dossier_in_its_sent_elsewhere_list(demo_engine):
    receipt = receive_land(demo_engine)
    ship(demo_engine, "motcua.nhs", [receipt.dossier_id])
    for username in ("motcua.nhs", "lanhdao.nhs"):
        with read(demo_engine) as conn:
            rows = {row["code"]: row for row in sent_elsewhere(conn, actor(demo_engine, username))}
        assert rows[receipt.code]["processing_unit"] == "Phường Hải Châu"
        assert rows[receipt.code]["paper_at"] == "Đang gửi bưu chính (EB123456789VN)"
    with read(demo_engine) as conn:
        assert receipt.code not in {r["code"] for r in sent_elsewhere(conn, actor(demo_engine, "motcua.hc"))}


def test_a_land_dossier_never_appears_in_a_third_wards_lists(demo_engine):
    receipt = receive_land(demo_engine)
    sent = ship(demo_engine, "motcua.nhs", [receipt.dossier_id])
    staff = third_ward(demo_engine)
    for username, me in staff.items():
        assert receipt.code not in worklist_codes(demo_engine, username)
        with read(demo_engine) as conn:
            assert not dossier_flow.can_read(me, load(demo_engine, receipt.dossier_id))
            with pytest.raises(NotFound):
                find_dossier_id(conn, me, code=receipt.code)
            if me.has("clerk", "leader"):
                assert receipt.code not in {r["code"] for r in sent_elsewhere(conn, me)}
            if me.has("clerk", "specialist"):
                for kind in postal.KINDS:
                    assert receipt.dossier_id not in {r["id"] for r in postal.shippable(conn, me, kind=kind)}
            for direction in ("incoming", "outgoing"):
                assert sent not in {s["id"] for s in postal.shipments(conn, me, direction=direction)}
            with pytest.raises(NotFound):
                postal.shipment_detail(conn, me, shipment_id=sent)
    with pytest.raises(PermissionDenied), read(demo_engine) as conn:
        returns.find_for_return(conn, staff["motcua.st"], query=receipt.code, token_secret="s")
    with pytest.raises(DomainError):
        confirm(demo_engine, "motcua.st", sent)


def test_a_specialist_of_another_department_in_the_processing_unit_cannot_confirm_the_paper(demo_engine):
    receipt = receive_land(demo_engine)
    sent = ship(demo_engine, "motcua.nhs", [receipt.dossier_id])
    with pytest.raises(PermissionDenied), write(demo_engine) as conn:
        postal.confirm_receipt(conn, actor(demo_engine, "chuyenvien.nhs"), shipment_id=sent)


def test_the_manifest_lists_the_dossiers_of_one_shipment(demo_engine):
    first, second = receive_land(demo_engine), receive_land(demo_engine, at=TUESDAY_9AM + timedelta(minutes=5))
    sent = ship(demo_engine, "motcua.nhs", [first.dossier_id, second.dossier_id])
    with read(demo_engine) as conn:
        pdf = postal_forms.manifest_pdf(conn, actor(demo_engine, "diachinh.hc"), shipment_id=sent)
        detail = postal.shipment_detail(conn, actor(demo_engine, "motcua.nhs"), shipment_id=sent)
    assert pdf.startswith(b"%PDF")
    assert [d["code"] for d in detail["dossiers"]] == [first.code, second.code]


def test_the_control_slip_lists_each_hand_over_between_units(demo_engine):
    receipt = receive_land(demo_engine)
    sent = ship(demo_engine, "motcua.nhs", [receipt.dossier_id], sent_at=TUESDAY_9AM + timedelta(hours=1))
    confirm(demo_engine, "diachinh.hc", sent, at=TUESDAY_9AM + timedelta(days=1))
    complete(demo_engine, "diachinh.hc", receipt.dossier_id, at=TUESDAY_9AM + timedelta(days=2))
    later = TUESDAY_9AM + timedelta(days=2, hours=1)
    back = ship(demo_engine, "diachinh.hc", [receipt.dossier_id], kind="result", number="EB987654321VN", sent_at=later)
    confirm(demo_engine, "motcua.nhs", back, at=TUESDAY_9AM + timedelta(days=3))
    with read(demo_engine) as conn:
        rows = hand_overs(conn, load(demo_engine, receipt.dossier_id))
    steps = [(row["action"], row["to"]) for row in rows]
    assert ("ship_dossier", "Phường Hải Châu") in steps
    assert ("receive_paper", "Phường Hải Châu") in steps
    assert ("ship_result", "Phường Ngũ Hành Sơn") in steps
    assert ("receive_result", "Phường Ngũ Hành Sơn") in steps
    assert next(row for row in rows if row["action"] == "receive_paper")["on_time"] is True
