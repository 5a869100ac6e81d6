"""The routing, dispatch, sent-elsewhere and postal screens in AppTest: who gets them, and their main actions."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from db.engine import read
from db.schema import dossiers, postal_shipments, routing_rules
from seed.demo.postal import DEMO_NOTE
from services.core.clock import now
from tests.apptest import LATE_SHIPMENTS, check, open_app, registered_pages
from tests.postal_builders import receive_land, unit_id

MY_PAGES = {"pages/admin_routing.py", "pages/dispatch.py", "pages/sent_elsewhere.py", "pages/postal.py"}
EXPECTED = {
    "admin": {"pages/admin_routing.py", "pages/dispatch.py"},
    "lanhdao.tp": set(),
    "lanhdao.nhs": {"pages/sent_elsewhere.py"},
    "motcua.nhs": {"pages/sent_elsewhere.py", "pages/postal.py"},
    "truongphong.nhs": {"pages/postal.py"},
    "chuyenvien.nhs": {"pages/postal.py"},
    "diachinh.hc": {"pages/postal.py"},
    "motcua.hc": {"pages/sent_elsewhere.py", "pages/postal.py"},
}


@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_each_role_gets_exactly_its_routing_and_postal_screens(demo, username):
    assert registered_pages(open_app(demo, username)) & MY_PAGES == EXPECTED[username]


@pytest.mark.parametrize("username, page", [(u, p) for u, pages in sorted(EXPECTED.items()) for p in sorted(pages)])
def test_every_routing_and_postal_screen_renders_for_each_role_that_may_open_it(demo, username, page):
    at = open_app(demo, username, page=page, allow_errors=LATE_SHIPMENTS)
    assert at.title


def failures(at) -> list[str]:
    """Messages of failed service calls (the overdue-post banner is an error box too, with its own icon)."""
    return [error.value for error in at.error if error.icon == ":material/error:"]


def demo_codes(demo) -> dict[str, str]:
    with read(demo.engine) as conn:
        rows = conn.execute(select(dossiers.c.code, dossiers.c.status).where(dossiers.c.notes == DEMO_NOTE)).all()
    return {row.status: row.code for row in rows}


def test_the_sent_elsewhere_list_shows_the_demo_land_dossiers_and_the_overdue_shipment(demo):
    at = open_app(demo, "motcua.nhs", page="pages/sent_elsewhere.py", allow_errors=LATE_SHIPMENTS)
    table = at.dataframe[0].value
    assert set(demo_codes(demo).values()) <= set(table["Mã hồ sơ"])
    assert any("quá hạn" in text for text in table["Bưu gửi"])
    assert any("Chưa được xác nhận" in error.value for error in at.error)


def send_on_page(demo, dossier_id: int, tracking: str, *, allow_errors=()):
    at = open_app(demo, "motcua.nhs", page="pages/postal.py", allow_errors=LATE_SHIPMENTS)
    check(at.radio(key="postal__kind").set_value("dossier").run(), allow_errors=LATE_SHIPMENTS)
    check(at.multiselect(key="postal__dossiers_dossier").set_value([dossier_id]).run(), allow_errors=LATE_SHIPMENTS)
    check(at.text_input(key="postal__tracking").input(tracking).run(), allow_errors=LATE_SHIPMENTS)
    return check(at.button(key="postal__send").click().run(), allow_errors=[*LATE_SHIPMENTS, *allow_errors])


def test_a_clerk_records_a_shipment_and_the_other_unit_confirms_it(demo):
    new = receive_land(demo.engine, at=now() - timedelta(hours=1))
    at = send_on_page(demo, new.dossier_id, "eb555000111vn")
    assert not failures(at) and "Đã ghi nhận chuyến EB555000111VN gồm 1 hồ sơ" in at.success[0].value
    with read(demo.engine) as conn:
        shipment = conn.execute(
            select(postal_shipments).where(postal_shipments.c.tracking_number == "EB555000111VN")
        ).first()
    assert shipment.to_unit_id == unit_id(demo.engine, "HAICHAU") and shipment.status == "sent"
    other_end = open_app(demo, "diachinh.hc", page="pages/postal.py", allow_errors=LATE_SHIPMENTS)
    check(other_end.button(key=f"postal__receive_{shipment.id}").click().run(), allow_errors=LATE_SHIPMENTS)
    assert not other_end.exception and not failures(other_end)
    with read(demo.engine) as conn:
        assert conn.scalar(select(postal_shipments.c.status).where(postal_shipments.c.id == shipment.id)) == "received"


def test_the_postal_page_refuses_a_duplicate_tracking_number_with_a_clear_message(demo):
    new = receive_land(demo.engine, at=now() - timedelta(hours=1))
    # EB100000001VN is the demo shipment's number
    at = send_on_page(demo, new.dossier_id, "EB100000001VN", allow_errors=["đã được ghi nhận"])
    assert "EB100000001VN" in failures(at)[0] and "đã được ghi nhận" in failures(at)[0]
    assert not at.success


def test_sending_without_choosing_a_dossier_shows_a_clear_message(demo):
    at = open_app(demo, "motcua.hc", page="pages/postal.py", allow_errors=LATE_SHIPMENTS)
    check(at.text_input(key="postal__tracking").input("EB100000009VN").run(), allow_errors=LATE_SHIPMENTS)
    check(at.button(key="postal__send").click().run(), allow_errors=[*LATE_SHIPMENTS, "Chọn ít nhất một hồ sơ"])
    assert "Chọn ít nhất một hồ sơ" in failures(at)[0]


def test_the_admin_sets_a_routing_rule_on_the_routing_page(demo):
    at = open_app(demo, "admin", page="pages/admin_routing.py")
    assert len(at.dataframe[0].value) == 94
    check(at.selectbox(key="admin_routing__land").set_value(unit_id(demo.engine, "SONTRA")).run())
    check(at.selectbox(key="admin_routing__unit").set_value(unit_id(demo.engine, "HAICHAU")).run())
    check(at.button(key="admin_routing__save").click().run())
    assert not at.exception and not failures(at)
    with read(demo.engine) as conn:
        rule = conn.execute(
            select(routing_rules).where(routing_rules.c.land_unit_id == unit_id(demo.engine, "SONTRA"))
        ).first()
    assert rule.processing_unit_id == unit_id(demo.engine, "HAICHAU")
    assert "Đã lưu quy tắc" in at.success[0].value


def test_saving_a_rule_without_a_land_unit_shows_a_clear_error(demo):
    at = open_app(demo, "admin", page="pages/admin_routing.py")
    check(at.button(key="admin_routing__save").click().run(), allow_errors=["94 phường"])
    assert "94 phường" in failures(at)[0]


def test_the_admin_dispatches_the_waiting_dossier_to_a_land_office(demo):
    at = open_app(demo, "admin", page="pages/dispatch.py")
    waiting = demo_codes(demo)["awaiting_dispatch"]
    assert waiting in set(at.dataframe[0].value["Mã hồ sơ"])
    dossier_id = at.selectbox(key="dispatch__dossier").value
    check(at.selectbox(key=f"dispatch__unit_{dossier_id}").set_value(unit_id(demo.engine, "HAICHAU")).run())
    check(at.button(key="dispatch__send").click().run())
    assert not at.exception and not failures(at)
    assert "Đã chuyển hồ sơ" in at.success[0].value
    assert "awaiting_dispatch" not in demo_codes(demo)


def test_the_land_office_confirms_the_demo_shipment_on_the_postal_page(demo):
    at = open_app(demo, "diachinh.hc", page="pages/postal.py", allow_errors=LATE_SHIPMENTS)
    with read(demo.engine) as conn:
        shipment_id = conn.scalar(
            select(postal_shipments.c.id).where(postal_shipments.c.tracking_number == "EB100000001VN")
        )
    check(at.button(key=f"postal__receive_{shipment_id}").click().run(), allow_errors=LATE_SHIPMENTS)
    assert not at.exception and not failures(at)
    assert "Đã xác nhận nhận chuyến gửi EB100000001VN" in at.success[0].value
    with read(demo.engine) as conn:
        status = conn.scalar(select(postal_shipments.c.status).where(postal_shipments.c.id == shipment_id))
    assert status == "received"
    manifests = at.selectbox(key="postal__manifest_pick").options
    assert any(option.startswith("EB100000001VN") for option in manifests)  # the received one can still be printed
