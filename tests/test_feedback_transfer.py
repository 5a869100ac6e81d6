"""Transfer between units: the receiving ward gets the item in its triage queue, the deadline restarts or stays by
the configured rule, both units see the history, and the citizen's page says where the item is."""

from datetime import timedelta

import pytest

from db.engine import read, write
from services.core.errors import PermissionDenied, ValidationError
from services.core.units import unit_by_code
from services.feedback import desk as feedback_desk
from services.feedback import items as service
from services.feedback import transfer as feedback_transfer
from tests.builders import actor
from tests.test_feedback import MONDAY_9, row, store, submit  # noqa: F401 (fixture)

REASON = "Địa điểm thuộc đường Trần Phú, phường Hải Châu quản lý"


def hai_chau(engine) -> int:
    with read(engine) as conn:
        return unit_by_code(conn, "HAICHAU")["id"]


def transfer(engine, username, item, **changes):
    values = dict(
        feedback_id=item["id"],
        to_unit_id=hai_chau(engine),
        reason=REASON,
        expected_version=item["version"],
        at=MONDAY_9 + timedelta(days=1),
    )
    with write(engine) as conn:
        return feedback_transfer.transfer(conn, actor(engine, username), **{**values, **changes})


def test_a_handler_passes_an_item_to_another_ward_which_triages_it_with_a_fresh_deadline(demo_engine, store):  # noqa: F811
    item = row(demo_engine, submit(demo_engine, store)["id"])
    transfer(demo_engine, "lanhdao.nhs", item)
    moved = row(demo_engine, item["id"])
    assert moved["unit_id"] == hai_chau(demo_engine) and moved["status"] == "triage"
    assert moved["due_at"] > item["due_at"]
    with read(demo_engine) as conn:
        queue = feedback_desk.desk_items(
            conn, actor(demo_engine, "lanhdao.hc"), unit_id=moved["unit_id"], view="triage"
        )
        detail = feedback_desk.item_detail(conn, actor(demo_engine, "lanhdao.hc"), feedback_id=item["id"])
    assert item["id"] in [r["id"] for r in queue]
    assert any(e["action"] == "transfer" and REASON in e["note"] for e in detail["events"])


def test_the_sending_ward_keeps_the_history_but_no_longer_handles_the_item(demo_engine, store):  # noqa: F811
    item = row(demo_engine, submit(demo_engine, store)["id"])
    transfer(demo_engine, "lanhdao.nhs", item)
    nhs_leader = actor(demo_engine, "lanhdao.nhs")
    with read(demo_engine) as conn:
        history = feedback_transfer.history(conn, nhs_leader, feedback_id=item["id"])
        sent = feedback_transfer.transferred_out(conn, nhs_leader, unit_id=item["unit_id"])
        with pytest.raises(PermissionDenied):
            feedback_desk.item_detail(conn, nhs_leader, feedback_id=item["id"])
        with pytest.raises(PermissionDenied):
            feedback_transfer.history(conn, actor(demo_engine, "motcua.hc"), feedback_id=submit_other(conn))
    assert history["unit"] == "Phường Hải Châu" and history["transfers"][0]["reason"] == REASON
    assert [r["current_unit"] for r in sent if r["code"] == item["code"]] == ["Phường Hải Châu"]


def submit_other(conn) -> int:
    """An item of Ngũ Hành Sơn that never passed through Hải Châu."""
    from sqlalchemy import select

    from db.schema import feedback

    nhs = unit_by_code(conn, "NGUHANHSON")["id"]
    return conn.scalar(select(feedback.c.id).where(feedback.c.unit_id == nhs).limit(1))


def test_the_keep_rule_leaves_the_original_deadline(demo_engine, store):  # noqa: F811
    item = row(demo_engine, submit(demo_engine, store)["id"])
    transfer(demo_engine, "lanhdao.nhs", item, clock="keep")
    assert row(demo_engine, item["id"])["due_at"] == item["due_at"]


def test_the_citizen_sees_the_new_ward_and_the_reason(demo_engine, store):  # noqa: F811
    item = row(demo_engine, submit(demo_engine, store)["id"])
    transfer(demo_engine, "lanhdao.nhs", item)
    with read(demo_engine) as conn:
        view = service.citizen_view(conn, code=item["code"])
    assert view["unit"] == "Phường Hải Châu"
    assert any("Phường Ngũ Hành Sơn đến Phường Hải Châu" in e["note"] for e in view["events"])


@pytest.mark.parametrize(
    "username, changes, error, message",
    [
        ("lanhdao.nhs", {"reason": "vì"}, ValidationError, "lý do"),
        ("lanhdao.nhs", {"to_unit_id": None}, ValidationError, "đơn vị nhận"),
        ("hotich.nhs", {}, PermissionDenied, "chuyển"),
        ("lanhdao.hc", {}, PermissionDenied, ""),
    ],
)
def test_transfers_are_refused_without_a_reason_a_target_or_the_right_role(
    demo_engine,
    store,  # noqa: F811
    username,
    changes,
    error,
    message,
):
    item = row(demo_engine, submit(demo_engine, store)["id"])
    if changes.get("to_unit_id", 0) is None:
        changes = {"to_unit_id": item["unit_id"] + 100000}
    with pytest.raises(error, match=message):
        transfer(demo_engine, username, item, **changes)
    assert row(demo_engine, item["id"])["unit_id"] == item["unit_id"]
