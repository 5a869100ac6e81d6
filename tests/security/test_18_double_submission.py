"""Finding 18: two parallel POST /lay-so with one cookie gave two tickets; feedback the same. Each public form now
carries a one-use token: the second POST with it gets the first one's result. Real threads, real databases."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from db.engine import read, write
from db.schema import feedback, queue_tickets
from services.core import form_tokens
from services.core.files import LocalFileStore
from services.core.units import unit_by_code
from services.feedback import items as feedback_service
from services.queue import tickets as queue
from tests.security.conftest import run_in_threads
from tests.test_queue_web import UNIT, open_all_day


def _count(engine, table) -> int:
    with read(engine) as conn:
        return conn.scalar(select(func.count()).select_from(table))


def test_two_parallel_ticket_requests_with_one_form_token_give_one_ticket(demo):
    groups = open_all_day(demo.engine)
    token = form_tokens.new_token()
    before = _count(demo.engine, queue_tickets)

    def take(_index):
        with write(demo.engine) as conn:
            return queue.issue_ticket(
                conn, unit_code=UNIT, group_id=groups["A"], browser_id="trinh-duyet-1234567", form_token=token
            )["token"]

    results = run_in_threads(2, take)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert results[0] == results[1] and _count(demo.engine, queue_tickets) == before + 1


def test_two_parallel_feedback_posts_with_one_form_token_file_one_item(demo, tmp_path):
    with read(demo.engine) as conn:
        unit_id = unit_by_code(conn, "NGUHANHSON")["id"]
    item = feedback_service.NewFeedback(
        unit_id=unit_id,
        title="Đèn đường hỏng",
        content="Đèn đường trước nhà số 12 hỏng nhiều ngày.",
        address="12 Lê Văn Hiến",
        contact_name="",
        contact_phone="",
        contact_email="",
        hide_name=True,
    )
    token = form_tokens.new_token()
    before = _count(demo.engine, feedback)

    def submit(_index):
        with write(demo.engine) as conn:
            store = LocalFileStore(tmp_path / "files")
            return feedback_service.submit_feedback(conn, store=store, item=item, form_token=token)["code"]

    results = run_in_threads(2, submit)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert results[0] == results[1] and _count(demo.engine, feedback) == before + 1


def test_the_take_number_page_carries_a_token_and_a_resent_form_gets_the_same_ticket(public_client, demo):
    groups = open_all_day(demo.engine)
    page = public_client.get(f"/lay-so/{UNIT}").text
    token = re.search(r'name="phieu" value="([^"]+)"', page).group(1)
    form = {"nhom": groups["A"], "phieu": token}
    first = public_client.post(f"/lay-so/{UNIT}", data=form)
    again = public_client.post(f"/lay-so/{UNIT}", data=form)
    assert first.status_code == again.status_code == 303
    assert first.headers["location"] == again.headers["location"]
