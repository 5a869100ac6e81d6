"""An admin changes a procedure's deadline in the catalog, then computes an appointment with the new deadline."""

from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from db.engine import read
from services.catalog import admin as catalog_admin
from services.catalog import procedures as catalog
from tests.browser.helpers import open_page, sign_in
from tests.builders import actor


def choose(page: Page, label: str, option: str, within: Locator | None = None) -> None:
    """Open the select box and pick the option; a rerun that replaces the box right then closes the list unseen,
    so try a second time before failing."""
    field = (within or page).get_by_role("combobox", name=label, exact=True)
    for _ in range(2):
        field.click()
        try:
            page.get_by_role("option").filter(has_text=option).first.click(timeout=8000)
            break
        except PlaywrightTimeoutError:
            page.keyboard.press("Escape")
    expect(field).to_have_value(option)


def go_to(page: Page, title: str, heading_text: str) -> None:
    """Open a page from the sidebar; a click that lands during the sign-in rerun is dropped, so click again once."""
    heading = page.get_by_role("heading", name=heading_text)
    for _ in range(2):
        open_page(page, title)
        try:
            expect(heading).to_be_visible(timeout=10000)
            return
        except AssertionError:
            continue
    expect(heading).to_be_visible()


def type_segments(page: Page, label: str, **segments: str) -> None:
    """Streamlit's date and time fields are segmented (day, month, year / hour, minute spin buttons)."""
    for segment, value in segments.items():
        field = page.get_by_role("spinbutton", name=f"{segment}, {label}")
        field.click()
        field.press_sequentially(value)


def test_a_deadline_changed_in_the_catalog_is_used_by_the_next_appointment(live_app, demo, page: Page):
    page.set_default_timeout(20000)
    sign_in(page, live_app, "admin")

    go_to(page, "Danh mục thủ tục", "Danh mục thủ tục")
    expect(page.get_by_text("7 thủ tục còn mang")).to_be_visible()
    choose(page, "Thủ tục", "ket_hon — Đăng ký kết hôn (mẫu)")
    edit_form = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Lưu thay đổi"))
    expect(edit_form.get_by_role("combobox", name="Loại thời hạn", exact=True)).to_have_count(
        1
    )  # the old procedure's fields left
    choose(page, "Loại thời hạn", "Ngày làm việc", within=edit_form)
    amount = edit_form.get_by_label("Thời hạn (số ngày/giờ; thủ tục trong ngày: 0)")
    amount.fill("2")
    amount.press("Tab")
    page.get_by_role("button", name="Lưu thay đổi").click()
    expect(page.get_by_text("Đã lưu 4 thay đổi của “Đăng ký kết hôn”.")).to_be_visible()

    go_to(page, "Lịch làm việc, ngày hẹn", "Lịch làm việc và ngày hẹn")
    page.get_by_role("tab", name="Thử tính ngày hẹn").click()
    choose(page, "Thủ tục", "Đăng ký kết hôn")
    type_segments(page, "Ngày tiếp nhận", day="19", month="06", year="2026")
    type_segments(page, "Giờ tiếp nhận", hour="15", minute="30")
    page.get_by_role("button", name="Tính ngày hẹn").click()
    expect(page.get_by_text("15:30 Thứ Ba 23/06/2026")).to_be_visible()

    with read(demo.engine) as conn:
        ket_hon = catalog.get_procedure(conn, "ket_hon")
        history = catalog_admin.procedure_history_of(conn, actor(demo.engine, "admin"), procedure_id=ket_hon["id"])
    assert history[0]["changes"]["deadline_amount"] == [0, 2]
