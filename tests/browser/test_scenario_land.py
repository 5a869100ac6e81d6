"""Trial scenario 3 in the browser: a clerk of Ngũ Hành Sơn receives a land dossier for land in Hải Châu; Hải Châu's
land office sees it at once, confirms the paper's postal receipt, produces the result and posts it back; the clerk
confirms its arrival and returns it; the citizen's public status page shows each step."""

import re

from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from db.engine import read
from db.schema import postal_shipments
from tests.browser.helpers import click, open_page, settled, sign_in
from tests.intake_builders import SCAN

OWNER = {
    "Họ và tên": "Trần Văn Phúc",
    "Số CCCD (12 số)": "048085006123",
    "Ngày sinh (dd/mm/yyyy)": "14/07/1985",
    "Điện thoại": "0905006123",
    "Địa chỉ": "27 Lê Văn Hiến, Ngũ Hành Sơn",
}
RESULT_SCAN = {"name": "ket-qua.pdf", "mimeType": "application/pdf", "buffer": SCAN}
TIMEOUT = 20000


def pick(page: Page, label: str, option: str) -> None:
    """A Streamlit selectbox or multiselect: open it, type to filter, click the option."""
    settled(page)
    page.get_by_label(label).click()
    page.keyboard.type(option)
    page.get_by_role("option", name=re.compile(re.escape(option))).first.click()
    settled(page)


def receive_land_dossier(page: Page) -> str:
    open_page(page, "Tiếp nhận hồ sơ")
    pick(page, "Thủ tục hành chính", "Đăng ký biến động đất đai")
    for label, value in OWNER.items():
        page.get_by_label(label, exact=True).fill(value)
    pick(page, "Phường/xã nơi có đất", "Phường Hải Châu")
    click(page, "Tiếp nhận và in giấy hẹn")
    receipt = page.get_by_text("Đã tiếp nhận hồ sơ").first
    expect(receipt).to_be_visible(timeout=TIMEOUT)
    return re.search(r"NGUHANHSON-\d{6}-\d{4}", receipt.inner_text()).group(0)


def send_by_post(page: Page, kind: str, code: str, tracking: str) -> None:
    open_page(page, "Bưu chính công ích")
    settled(page)
    page.get_by_role("tab", name="Gửi bưu chính").click()
    page.get_by_text(kind, exact=True).click()
    pick(page, "Hồ sơ trong chuyến gửi", code)
    page.keyboard.press("Escape")
    page.get_by_label("Số hiệu bưu gửi").fill(tracking)
    click(page, "Ghi nhận chuyến gửi")
    expect(page.get_by_text(f"Đã ghi nhận chuyến {tracking} gồm 1 hồ sơ")).to_be_visible(timeout=TIMEOUT)


def confirm_arrival(page: Page, demo, tracking: str) -> None:
    with read(demo.engine) as conn:
        shipment_id = conn.scalar(select(postal_shipments.c.id).where(postal_shipments.c.tracking_number == tracking))
    open_page(page, "Bưu chính công ích")
    settled(page)
    page.locator(f".st-key-postal__receive_{shipment_id}").get_by_role("button", name="Xác nhận đã nhận").click()
    expect(page.get_by_text(f"Đã xác nhận nhận chuyến gửi {tracking}.")).to_be_visible(timeout=TIMEOUT)


def test_scenario_3_land_dossier_received_in_one_ward_processed_in_another_and_returned(
    live_app, demo, browser: Browser
):
    clerk = browser.new_context().new_page()
    sign_in(clerk, live_app, "motcua.nhs")
    code = receive_land_dossier(clerk)
    send_by_post(clerk, "Hồ sơ giấy gửi đơn vị xử lý", code, "EB246813579VN")

    land_office = browser.new_context().new_page()
    sign_in(land_office, live_app, "diachinh.hc")
    open_page(land_office, "Hồ sơ cần xử lý")
    # The worklist is long and its drop-down draws only the options in view: type the code to bring it up.
    settled(land_office)
    land_office.get_by_label("Mở hồ sơ").click()
    land_office.keyboard.type(code)
    expect(land_office.get_by_role("option", name=code)).to_be_visible(timeout=TIMEOUT)
    land_office.keyboard.press("Escape")
    confirm_arrival(land_office, demo, "EB246813579VN")

    open_page(land_office, "Tra cứu hồ sơ")
    land_office.get_by_label("Mã hồ sơ").fill(code)
    click(land_office, "Mở hồ sơ")
    click(land_office, "Phân công")
    complete = land_office.get_by_role("button", name="Chuyển kết quả về bộ phận một cửa")
    expect(complete).to_be_visible(timeout=TIMEOUT)
    land_office.locator(".st-key-dossier__results input[type=file]").set_input_files(RESULT_SCAN)
    expect(land_office.get_by_text("ket-qua.pdf")).to_be_visible(timeout=TIMEOUT)
    settled(land_office)
    complete.click()
    expect(land_office.get_by_text("Đã chuyển kết quả về bộ phận một cửa")).to_be_visible(timeout=TIMEOUT)
    send_by_post(land_office, "Kết quả gửi về nơi tiếp nhận", code, "EB246813580VN")

    confirm_arrival(clerk, demo, "EB246813580VN")
    open_page(clerk, "Trả kết quả")
    clerk.get_by_label("Mã hồ sơ, nội dung mã QR").fill(code)
    clerk.keyboard.press("Enter")
    settled(clerk)
    clerk.get_by_label("Số CCCD (đối chiếu căn cước)").fill(OWNER["Số CCCD (12 số)"])
    clerk.get_by_role("button", name="Trả kết quả", exact=True).click()
    expect(clerk.get_by_text(f"Đã trả kết quả hồ sơ {code}")).to_be_visible(timeout=TIMEOUT)

    citizen = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    citizen.goto(f"{live_app}/tra-cuu")
    citizen.get_by_label("Mã hồ sơ").fill(code)
    citizen.get_by_label("4 số cuối điện thoại").fill("6123")
    click(citizen, "Tra cứu")
    timeline = citizen.locator("#timeline")
    for step in (
        "Tiếp nhận hồ sơ",
        "Chuyển phòng chuyên môn → Phường Hải Châu",
        "Gửi hồ sơ giấy qua bưu chính đến đơn vị xử lý → Phường Hải Châu",
        "Nhận hồ sơ giấy qua bưu chính tại Phường Hải Châu",
        "Có kết quả giải quyết",
        "Gửi kết quả về nơi tiếp nhận → Phường Ngũ Hành Sơn",
        "Nhận kết quả tại nơi tiếp nhận",
        "Trả kết quả cho công dân",
    ):
        expect(timeline).to_contain_text(step)
    expect(citizen.locator("#status-label")).to_have_text("Đã trả kết quả")
    expect(timeline).not_to_contain_text("Trần Văn Phúc")
