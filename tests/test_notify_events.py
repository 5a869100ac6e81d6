"""Which changes write which notifications, in the same transaction: dossier events for a consenting citizen, queue
calls, feedback answers, and the staff's near-due alerts (once per dossier and recipient, in-app and by e-mail)."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from db.engine import read, write
from db.schema import dossiers, notify_outbox, staff_alerts, users
from services.core.clock import now
from services.core.units import unit_by_code
from services.delivery import alerts as notify_alerts
from services.dossiers import counter_results, returns
from services.notify import events as notify_events
from services.notify import inbox as notify_inbox
from services.notify import outbox
from services.queue import setup as queue_config
from services.queue import tickets as queue
from tests.builders import actor
from tests.intake_builders import MARRIAGE_ENTRY, groom, receive_marriage, store_in
from tests.notify_builders import without_online_demo
from tests.test_queue import AT, UNIT


@pytest.fixture(autouse=True)
def _no_online_demo(demo_engine):
    without_online_demo(demo_engine)


def queued(engine, **where) -> list[tuple]:
    query = select(notify_outbox.c.event, notify_outbox.c.channel, notify_outbox.c.recipient).order_by(
        notify_outbox.c.id
    )
    for column, value in where.items():
        query = query.where(notify_outbox.c[column] == value)
    with read(engine) as conn:
        return [tuple(row) for row in conn.execute(query)]


def consenting_marriage(engine, tmp_path):
    receipt = receive_marriage(engine, actor(engine, "motcua.nhs"), store_in(tmp_path), at=now())
    with write(engine) as conn:
        outbox.consent(conn, subject_kind="dossier", subject_id=receipt.dossier_id, email="an@example.vn")
    return receipt


def test_a_decision_and_the_return_notify_a_consenting_citizen(demo_engine, tmp_path):
    clerk = actor(demo_engine, "motcua.nhs")
    receipt = consenting_marriage(demo_engine, tmp_path)
    with write(demo_engine) as conn:
        decided = counter_results.record_decision(conn, clerk, dossier_id=receipt.dossier_id, expected_version=1,
                                                  approve=True, marriage=MARRIAGE_ENTRY)  # fmt: skip
        returns.return_result(conn, clerk, dossier_id=receipt.dossier_id, expected_version=decided["version"],
                              collector_name=groom()["full_name"], collector_cccd=groom()["cccd"])  # fmt: skip
    assert queued(demo_engine) == [("result_ready", "email", "an@example.vn"), ("returned", "email", "an@example.vn")]


def test_a_rolled_back_decision_writes_no_notification(demo_engine, tmp_path):
    receipt = consenting_marriage(demo_engine, tmp_path)
    with pytest.raises(RuntimeError), write(demo_engine) as conn:
        counter_results.record_decision(conn, actor(demo_engine, "motcua.nhs"), dossier_id=receipt.dossier_id,
                                        expected_version=1, approve=True, marriage=MARRIAGE_ENTRY)  # fmt: skip
        raise RuntimeError("the page crashed before the commit")
    assert queued(demo_engine) == []


def test_a_dossier_without_consent_notifies_nobody(demo_engine, tmp_path):
    receipt = receive_marriage(demo_engine, actor(demo_engine, "motcua.nhs"), store_in(tmp_path), at=now())
    with write(demo_engine) as conn:
        counter_results.record_decision(conn, actor(demo_engine, "motcua.nhs"), dossier_id=receipt.dossier_id,
                                        expected_version=1, approve=False, note="Thiếu giấy tờ.")  # fmt: skip
    assert queued(demo_engine) == []


def test_calling_a_number_texts_the_called_citizen_and_the_one_two_places_behind(demo_engine):
    with write(demo_engine) as conn:
        unit_id = unit_by_code(conn, UNIT)["id"]
        queue_config.seed_sample_queue(conn, None, unit_id=unit_id)
        group = queue_config.list_groups(conn, unit_id)[0]["id"]
        counter = queue_config.counters_of(conn, unit_id)[0]["id"]
        phones = ["0905000001", "", "0905000003", "0905000004"]
        tickets = [queue.issue_ticket(conn, unit_code=UNIT, group_id=group, phone=p, at=AT) for p in phones]
    with write(demo_engine) as conn:
        queue.call_next(conn, actor(demo_engine, "motcua.hc"), counter_id=counter, at=AT)
    assert queued(demo_engine) == [("queue_called", "sms", "0905000001"), ("queue_soon", "sms", "0905000004")]
    assert tickets[0]["code"] == "A001"


def test_a_near_due_dossier_alerts_its_people_once_in_the_app_and_by_email(demo_engine):
    leader = actor(demo_engine, "lanhdao.nhs")
    with write(demo_engine) as conn:
        conn.execute(update(users).where(users.c.id == leader.user_id).values(email="lanhdao@example.vn"))
        first = notify_alerts.scan_near_due(conn)
        again = notify_alerts.scan_near_due(conn)
        inbox = notify_inbox.list_for_user(conn, leader)
        unread = notify_inbox.unread_count(conn, leader)
        notify_inbox.mark_read(conn, leader, alert_id=inbox[0]["id"])
        near = conn.execute(select(staff_alerts.c.dossier_id).where(staff_alerts.c.user_id == leader.user_id)).all()
        unit_ids = {row.processing_unit_id or row.receiving_unit_id for row in conn.execute(
            select(dossiers).where(dossiers.c.id.in_([r.dossier_id for r in near])))}  # fmt: skip
    assert first > 0 and again == 0
    assert inbox and unread == len(inbox) and all("sắp đến hạn" in alert["title"] for alert in inbox)
    assert unit_ids == {leader.unit_id}
    assert queued(demo_engine, event="near_due") == [("near_due", "email", "lanhdao@example.vn")] * len(inbox)
    with read(demo_engine) as conn:
        assert notify_inbox.unread_count(conn, leader) == len(inbox) - 1


def test_a_consent_given_at_the_counter_sends_the_received_message_at_once(demo_engine, tmp_path):
    receipt = receive_marriage(demo_engine, actor(demo_engine, "motcua.nhs"), store_in(tmp_path), at=now())
    with write(demo_engine) as conn:
        chosen = notify_events.subscribe_dossier(conn, receipt.dossier_id, phone="0905123456")
    assert chosen == ["sms"]
    assert queued(demo_engine) == [("received", "sms", "0905123456")]


def test_consent_given_at_the_counter_queues_the_received_message_with_the_receipt(demo_engine, tmp_path):
    citizen = {**groom(), "email": "an@example.vn"}
    receive_marriage(demo_engine, actor(demo_engine, "motcua.nhs"), store_in(tmp_path), at=now(),
                     applicant=citizen, notify_consent=True)  # fmt: skip
    assert ("received", "email", "an@example.vn") in queued(demo_engine)
    assert any(event == "received" and channel == "sms" for event, channel, _ in queued(demo_engine))


def test_a_counter_receipt_without_consent_queues_nothing(demo_engine, tmp_path):
    before = queued(demo_engine)
    receive_marriage(demo_engine, actor(demo_engine, "motcua.nhs"), store_in(tmp_path), at=now(),
                     applicant={**groom(), "email": "an@example.vn"})  # fmt: skip
    assert queued(demo_engine) == before
