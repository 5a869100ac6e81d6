"""A citizen takes a number on the phone page, a clerk calls it, and within 5 seconds the citizen's page and the
hall display both show the counter."""

import re

from playwright.sync_api import Browser, Page, expect
from sqlalchemy import update

from db.engine import write
from db.schema import queue_tickets
from tests.browser.helpers import click, open_page, sign_in
from tests.test_queue_web import open_all_day

UNIT = "NGUHANHSON"


def test_a_called_number_reaches_the_phone_and_the_hall_display_within_5_seconds(live_app, demo, browser: Browser):
    open_all_day(demo.engine)
    with write(demo.engine) as conn:  # an empty hall: the citizen of this test is the next one called
        conn.execute(
            update(queue_tickets)
            .where(queue_tickets.c.status.in_(("waiting", "called", "serving")))
            .values(status="done")
        )

    phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    phone.goto(f"{live_app}/lay-so/{UNIT}")
    phone.get_by_text("Hộ tịch – Chứng thực").click()
    phone.get_by_label("Số điện thoại (không bắt buộc").fill("0905 123 456")
    click(phone, "Lấy số")
    expect(phone.locator("#code")).to_have_text(re.compile(r"^A\d{3}$"))
    code = phone.locator("#code").inner_text().strip()
    expect(phone.locator("#message")).to_contain_text("Sắp đến lượt")

    display = browser.new_context().new_page()
    display.goto(f"{live_app}/man-hinh/{UNIT}")
    expect(display.get_by_text("Nhóm A: 1 người chờ")).to_be_visible()

    clerk = browser.new_context().new_page()
    sign_in(clerk, live_app, "motcua.nhs")
    open_page(clerk, "Quầy phục vụ")
    click(clerk, "Gọi số tiếp theo")
    expect(clerk.get_by_text(f"Mời số {code}.")).to_be_visible(timeout=15000)

    expect(phone.locator("#message")).to_have_text("Mời đến quầy 1", timeout=5000)
    counter_1 = display.locator('.counter[data-number="1"] .ticket')
    expect(counter_1).to_have_text(code, timeout=5000)
    expect(display.locator("#calls li").first).to_contain_text(f"{code} → Quầy 1")
    assert f"Mời số A {int(code[1:])} đến quầy 1" in display.evaluate("window.queueDisplaySpoken")


def test_the_hall_display_reconnects_by_itself_after_a_network_drop(live_app, demo, page: Page):
    page.goto(f"{live_app}/man-hinh/{UNIT}")
    expect(page.locator("#status")).to_have_text("Đang cập nhật")
    page.context.set_offline(True)
    expect(page.locator("#status")).to_contain_text("Mất kết nối", timeout=10000)
    expect(page.locator(".counter").first).to_be_visible()  # the last board stays on screen
    page.context.set_offline(False)
    expect(page.locator("#status")).to_have_text("Đang cập nhật", timeout=15000)
