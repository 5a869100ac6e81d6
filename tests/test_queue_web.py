"""The citizens' queue pages through Starlette's TestClient on the real database: take, follow, cancel, display."""

from __future__ import annotations

import pytest
from sqlalchemy import func, insert, select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from db.engine import read, write
from db.schema import calendar_overrides, queue_tickets
from services.core.clock import local_today, now
from services.core.units import unit_by_code
from services.queue import setup as queue_config
from services.queue import tickets as queue
from tests.builders import actor
from web import runtime
from web.routes import ROUTES

UNIT = "NGUHANHSON"


def open_all_day(engine, unit_code: str = UNIT) -> dict:
    """Tests run at any hour on any day: open ticket issuing around the clock, today included."""
    admin = actor(engine, "admin")
    with write(engine) as conn:
        unit_id = unit_by_code(conn, unit_code)["id"]
        queue_config.set_issuing_hours(conn, admin, unit_id=unit_id, hours={d: "00:00-23:59" for d in range(7)})
        taken = select(calendar_overrides.c.id).where(
            calendar_overrides.c.unit_id == unit_id, calendar_overrides.c.day == local_today()
        )
        if conn.scalar(taken) is None:
            conn.execute(
                insert(calendar_overrides).values(
                    unit_id=unit_id, day=local_today(), kind="working_day", note="test", created_at=now()
                )
            )
        return {g["letter"]: g["id"] for g in queue_config.list_groups(conn, unit_id)} | {"unit_id": unit_id}


@pytest.fixture
def client(demo, monkeypatch) -> TestClient:
    monkeypatch.setenv("DATABASE_URL", demo.url)
    monkeypatch.setenv("MOTCUA_PUBLIC_BASE_URL", "https://motcua.example")
    runtime.settings.cache_clear()
    runtime.engine.cache_clear()
    yield TestClient(Starlette(routes=ROUTES), follow_redirects=False)
    runtime.engine.cache_clear()
    runtime.settings.cache_clear()


@pytest.fixture
def groups(demo_engine) -> dict:
    return open_all_day(demo_engine)


def _tickets(engine) -> int:
    with read(engine) as conn:
        return conn.scalar(select(func.count()).select_from(queue_tickets))


def test_the_ticket_page_lists_the_groups_and_gives_the_browser_an_id(client, groups):
    response = client.get(f"/lay-so/{UNIT}")
    assert response.status_code == 200
    assert "Hộ tịch – Chứng thực" in response.text and "Người cao tuổi" in response.text
    assert "motcua_queue_id" in response.cookies


def test_taking_a_number_leads_to_its_live_page_with_a_qr(client, groups, demo_engine):
    response = client.post(f"/lay-so/{UNIT}", data={"nhom": groups["C"], "dien_thoai": "0905 111 222"})
    assert response.status_code == 303 and response.headers["location"].startswith("/so/")
    page = client.get(response.headers["location"])
    assert page.status_code == 200 and "data:image/png;base64," in page.text
    status = client.get("/api/" + response.headers["location"].lstrip("/")).json()
    assert status["status"] == "waiting" and status["code"].startswith("C") and status["ahead"] >= 0
    assert "C0" in client.get(f"/lay-so/{UNIT}").text, "the browser sees its number when it comes back"


def test_an_unknown_unit_in_the_link_says_so_in_vietnamese(client, groups, demo_engine):
    before = _tickets(demo_engine)
    assert client.get("/lay-so/KHONGCO").status_code == 404
    response = client.post("/lay-so/KHONGCO", data={"nhom": groups["A"]})
    assert response.status_code == 404 and "không có phường/xã này" in response.text
    assert _tickets(demo_engine) == before


def test_a_phone_with_letters_issues_nothing_and_keeps_the_form(client, groups, demo_engine):
    before = _tickets(demo_engine)
    response = client.post(f"/lay-so/{UNIT}", data={"nhom": groups["A"], "dien_thoai": "09o5abc123"})
    assert response.status_code == 400 and "chỉ được gồm chữ số" in response.text
    assert 'value="09o5abc123"' in response.text
    assert _tickets(demo_engine) == before


def test_a_closed_group_issues_nothing(client, groups, demo_engine):
    with write(demo_engine) as conn:
        queue_config.update_group(conn, actor(demo_engine, "admin"), group_id=groups["B"], name="Đất đai", active=False)
    before = _tickets(demo_engine)
    response = client.post(f"/lay-so/{UNIT}", data={"nhom": groups["B"]})
    assert response.status_code == 400 and "tạm ngừng cấp số" in response.text
    assert _tickets(demo_engine) == before


def test_an_eleventh_active_ticket_from_one_phone_is_refused(client, groups, demo_engine):
    for _ in range(10):
        client.cookies.clear()
        assert client.post(f"/lay-so/{UNIT}", data={"nhom": groups["A"], "dien_thoai": "0913000111"}).status_code == 303
    client.cookies.clear()
    before = _tickets(demo_engine)
    response = client.post(f"/lay-so/{UNIT}", data={"nhom": groups["A"], "dien_thoai": "0913000111"})
    assert response.status_code == 400 and "đã có 10 số thứ tự đang chờ" in response.text
    assert _tickets(demo_engine) == before


def test_outside_opening_hours_the_page_says_when_it_opens_and_nothing_is_issued(client, demo_engine):
    admin = actor(demo_engine, "admin")
    with write(demo_engine) as conn:
        unit_id = unit_by_code(conn, UNIT)["id"]
        tomorrow = (local_today().weekday() + 1) % 7
        queue_config.set_issuing_hours(conn, admin, unit_id=unit_id, hours={tomorrow: "07:00-07:01"})
        group_id = queue_config.list_groups(conn, unit_id)[0]["id"]
    assert "ngoài giờ cấp số" in client.get(f"/lay-so/{UNIT}").text
    before = _tickets(demo_engine)
    response = client.post(f"/lay-so/{UNIT}", data={"nhom": group_id})
    assert response.status_code == 400 and "ngoài giờ cấp số" in response.text
    assert _tickets(demo_engine) == before


def test_names_typed_by_staff_are_escaped(client, groups, demo_engine):
    with write(demo_engine) as conn:
        queue_config.create_group(
            conn, actor(demo_engine, "admin"), unit_id=groups["unit_id"], letter="X", name="<script>alert(1)</script>"
        )
    text = client.get(f"/lay-so/{UNIT}").text
    assert "<script>alert(1)" not in text and "&lt;script&gt;" in text


def test_a_citizen_cancels_a_waiting_number(client, groups):
    location = client.post(f"/lay-so/{UNIT}", data={"nhom": groups["A"]}).headers["location"]
    assert client.post(location + "/huy").status_code == 303
    assert client.get("/api" + location).json()["status"] == "cancelled"


def test_an_unknown_ticket_link_is_a_404_with_a_message(client):
    assert "Không tìm thấy số thứ tự" in client.get("/api/so/khong-co").json()["error"]
    assert client.get("/so/khong-co").status_code == 404


def test_the_display_and_the_phone_show_the_counter_once_called(client, groups, demo_engine):
    location = client.post(f"/lay-so/{UNIT}", data={"nhom": groups["A"]}).headers["location"]
    code = client.get("/api" + location).json()["code"]
    clerk = actor(demo_engine, "motcua.nhs")
    with write(demo_engine) as conn:
        counter = next(c for c in queue.my_counters(conn, clerk) if groups["A"] in c["group_ids"])
        ticket_id = conn.scalar(select(queue_tickets.c.id).where(queue_tickets.c.token == location.split("/")[-1]))
        current = queue.counter_board(conn, clerk, counter_id=counter["id"])["current"]
        if current and current["status"] == "called":
            queue.mark_no_show(conn, clerk, counter_id=counter["id"])
        queue.call_ticket(conn, clerk, counter_id=counter["id"], ticket_id=ticket_id)
    assert client.get("/api" + location).json()["message"] == f"Mời đến quầy {counter['number']}"
    board = client.get(f"/api/man-hinh/{UNIT}").json()
    assert {c["number"]: c["code"] for c in board["counters"]}[counter["number"]] == code
    assert board["calls"][0]["code"] == code
    page = client.get(f"/man-hinh/{UNIT}")
    assert page.status_code == 200 and "speechSynthesis" in page.text


def test_the_display_of_an_unknown_unit_is_a_404(client):
    assert client.get("/man-hinh/KHONGCO").status_code == 404
    assert client.get("/api/man-hinh/KHONGCO").status_code == 404
