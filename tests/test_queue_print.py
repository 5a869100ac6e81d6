"""Printed queue numbers for citizens without a phone: issued at the counter or the entrance kiosk, 80 mm slip."""

from __future__ import annotations

import re
import subprocess

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from db.engine import read, write
from services.core.clock import LOCAL_TZ
from services.core.errors import PermissionDenied, ValidationError
from services.queue import printed as queue_print
from services.queue import setup as queue_config
from services.queue import tickets as queue
from tests.apptest import open_app
from tests.builders import actor
from tests.test_queue_web import UNIT, open_all_day
from web import runtime
from web.routes import ROUTES


def pdf_text(data: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


@pytest.fixture
def groups(demo_engine) -> dict:
    return open_all_day(demo_engine)


@pytest.fixture
def client(demo, monkeypatch, groups) -> TestClient:
    monkeypatch.setenv("DATABASE_URL", demo.url)
    monkeypatch.setenv("MOTCUA_PUBLIC_BASE_URL", "https://motcua.example")
    runtime.settings.cache_clear()
    runtime.engine.cache_clear()
    yield TestClient(Starlette(routes=ROUTES), follow_redirects=False)
    runtime.engine.cache_clear()
    runtime.settings.cache_clear()


def kiosk_key(engine, unit_id: int) -> str:
    with write(engine) as conn:
        return queue_print.set_kiosk_key(conn, actor(engine, "lanhdao.nhs"), unit_id=unit_id)


def test_a_clerk_issued_number_is_in_the_counter_line_at_once_and_its_slip_reads_number_group_time_ahead(
    demo_engine, groups
):
    clerk = actor(demo_engine, "motcua.nhs")
    with read(demo_engine) as conn:
        before = [t["code"] for t in queue.counter_board(conn, clerk, counter_id=1)["line"]]
    with write(demo_engine) as conn:
        ticket = queue_print.issue_at_counter(conn, clerk, group_id=groups["A"])
    with read(demo_engine) as conn:
        line = [t["code"] for t in queue.counter_board(conn, clerk, counter_id=1)["line"]]
        slip = queue_print.ticket_pdf(conn, token=ticket["token"], base_url="https://motcua.example")
    assert ticket["code"] in line and ticket["code"] not in before
    text = pdf_text(slip)
    assert ticket["code"] in text
    assert "Hộ tịch – Chứng thực" in text
    assert f"Lấy số lúc {ticket['issued_at'].astimezone(LOCAL_TZ):%H:%M}" in text
    assert re.search(r"Số người chờ trước: \d+", text)
    assert "SỐ THỨ TỰ" in text


def test_the_slip_is_80_mm_wide(demo_engine, groups):
    with write(demo_engine) as conn:
        ticket = queue_print.issue_at_counter(conn, actor(demo_engine, "motcua.nhs"), group_id=groups["A"])
        slip = queue_print.ticket_pdf(conn, token=ticket["token"], base_url="https://x")
    width_pt = float(re.search(rb"/MediaBox \[0 0 ([\d.]+)", slip).group(1))
    assert round(width_pt / 72 * 25.4) == 80


def test_a_group_of_another_unit_is_refused_at_the_counter(demo_engine, groups):
    unit_id = open_all_day(demo_engine, "HAICHAU")["unit_id"]
    with write(demo_engine) as conn:
        other = queue_config.create_group(conn, actor(demo_engine, "admin"), unit_id=unit_id, letter="H", name="Khác")
    with write(demo_engine) as conn, pytest.raises(ValidationError, match="không thuộc trung tâm"):
        queue_print.issue_at_counter(conn, actor(demo_engine, "motcua.nhs"), group_id=other)


def test_the_kiosk_needs_the_unit_key_and_a_new_key_retires_the_old_one(demo_engine, groups):
    with read(demo_engine) as conn, pytest.raises(PermissionDenied, match="chưa được kích hoạt"):
        queue_print.kiosk_form(conn, unit_code=UNIT, key="")
    old = kiosk_key(demo_engine, groups["unit_id"])
    new = kiosk_key(demo_engine, groups["unit_id"])
    with write(demo_engine) as conn:
        assert queue_print.kiosk_issue(conn, unit_code=UNIT, key=new, group_id=groups["B"])["code"].startswith("B")
        with pytest.raises(PermissionDenied):
            queue_print.kiosk_issue(conn, unit_code=UNIT, key=old, group_id=groups["B"])
        with pytest.raises(PermissionDenied):
            queue_print.kiosk_issue(conn, unit_code="HAICHAU", key=new, group_id=groups["B"])


def test_a_leader_cannot_set_the_kiosk_key_of_another_unit(demo_engine, groups):
    with write(demo_engine) as conn, pytest.raises(PermissionDenied):
        queue_print.set_kiosk_key(conn, actor(demo_engine, "lanhdao.hc"), unit_id=groups["unit_id"])


def test_the_kiosk_page_issues_a_number_and_shows_its_printable_slip(demo_engine, client, groups):
    assert client.get(f"/kiosk/{UNIT}?khoa=sai").status_code == 403
    key = kiosk_key(demo_engine, groups["unit_id"])
    page = client.get(f"/kiosk/{UNIT}", params={"khoa": key})
    assert page.status_code == 200 and "Hộ tịch – Chứng thực" in page.text
    taken = client.post(f"/kiosk/{UNIT}", data={"khoa": key, "nhom": str(groups["A"]), "uu_tien": ""})
    assert taken.status_code == 200
    code = re.search(r'id="issued-code">([A-Z]+\d+)<', taken.text).group(1)
    slip_path = re.search(r'src="(/so/[^"]+/phieu\.pdf)"', taken.text).group(1)
    slip = client.get(slip_path)
    assert slip.headers["content-type"] == "application/pdf"
    assert code in pdf_text(slip.content)


def test_the_counter_page_issues_a_printed_number_that_the_line_shows(demo, groups):
    at = open_app(demo, "motcua.nhs", page="pages/counter.py")
    at.button(key="FormSubmitter:printed__form-Cấp số và in phiếu").click().run()
    assert not at.exception and not at.error
    issued = [s.value for s in at.success if s.value.startswith("Đã cấp số")]
    assert issued
    code = issued[0].split()[3].rstrip(";")
    clerk = actor(demo.engine, "motcua.nhs")
    with read(demo.engine) as conn:
        assert code in [t["code"] for t in queue.counter_board(conn, clerk, counter_id=1)["line"]]
