"""Trial scenario 1 end to end: a clerk receives a marriage registration with a scan, prints the receipt, records the
same-day result, returns it with a rating; the citizen then opens the receipt's QR link and sees it returned."""

import re
import subprocess

from playwright.sync_api import Page, expect
from sqlalchemy import select

from db.engine import read
from db.schema import dossiers
from services.core.clock import format_datetime
from tests.browser.helpers import open_page, sign_in
from tests.intake_builders import SCAN, bride, groom

SCAN_FILE = {"name": "to_khai_ket_hon.pdf", "mimeType": "application/pdf", "buffer": SCAN}


def fill_person(page: Page, index: int, person: dict) -> None:
    page.get_by_label("Họ và tên", exact=True).nth(index).fill(person["full_name"])
    page.get_by_label("Số CCCD (12 số)").nth(index).fill(person["cccd"])
    page.get_by_label("Ngày sinh (dd/mm/yyyy)").nth(index).fill(person["birth_date"])
    page.get_by_label("Điện thoại", exact=True).nth(index).fill(person["phone"])


def settled(page: Page) -> None:
    """Streamlit re-renders a form after a rerun; acting on the old one loses the click or the upload."""
    expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-script-state", "notRunning")


def choose(page: Page, label: str, option: str) -> None:
    page.get_by_label(label, exact=True).click()
    page.get_by_role("option").filter(has_text=option).first.click()
    settled(page)


def upload(page: Page, label: str, file: dict) -> None:
    uploader = page.get_by_test_id("stFileUploader").filter(has_text=label)
    uploader.locator("input[type=file]").set_input_files(files=[file])
    expect(uploader.get_by_text(file["name"])).to_be_visible()


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True).stdout.decode()


def test_marriage_registration_from_intake_to_return_and_the_citizen_sees_it(live_app, demo, page: Page):
    page.set_default_timeout(20000)
    expect.set_options(timeout=20000)  # the shared 2-core machine can be slow; these wait on concrete widgets
    sign_in(page, live_app, "motcua.nhs")

    open_page(page, "Tiếp nhận hồ sơ")
    choose(page, "Thủ tục hành chính", "Đăng ký kết hôn")
    expect(page.get_by_text("Bên còn lại", exact=True).first).to_be_visible()
    fill_person(page, 0, groom())
    fill_person(page, 1, bride())
    upload(page, "Bản quét hồ sơ", SCAN_FILE)
    page.get_by_role("button", name="Tiếp nhận và in giấy hẹn").click()
    success = page.get_by_text("Đã tiếp nhận hồ sơ")
    expect(success).to_be_visible()
    code = re.search(r"NGUHANHSON-\d{6}-\d{4}", success.inner_text()).group(0)
    with read(demo.engine) as conn:
        due_at = conn.scalar(select(dossiers.c.due_at).where(dossiers.c.code == code))

    with page.expect_download() as download:
        page.get_by_role("button", name="Tải giấy tiếp nhận và hẹn trả (PDF)").click()
    receipt = pdf_text(download.value.path())
    assert code in receipt and format_datetime(due_at) in receipt
    status_link = re.search(r"(http://\S+/tra-cuu\?t=\S+)", receipt).group(1)

    open_page(page, "Giải quyết tại một cửa")
    expect(page.get_by_role("heading", name="Giải quyết tại một cửa")).to_be_visible()
    settled(page)
    choose(page, "Hồ sơ", code)
    expect(page.get_by_text(f"Hồ sơ {code} ·")).to_be_visible()
    settled(page)
    page.get_by_role("button", name="Ghi nhận quyết định").click()
    expect(page.get_by_text(f"Hồ sơ {code} có kết quả, chờ trả.")).to_be_visible()

    open_page(page, "Trả kết quả")
    expect(page.get_by_role("heading", name="Trả kết quả")).to_be_visible()
    settled(page)
    query = page.get_by_label("Mã hồ sơ, nội dung mã QR trên giấy hẹn (quét hoặc dán) hoặc số CCCD")
    query.fill(status_link)
    query.press("Enter")
    expect(page.get_by_text("Người nhận kết quả")).to_be_visible()
    settled(page)
    page.get_by_label("Số CCCD (đối chiếu căn cước)").fill(groom()["cccd"])
    page.get_by_text("Hài lòng", exact=True).click()
    page.get_by_role("button", name="Trả kết quả").click()
    expect(page.get_by_text(f"Đã trả kết quả hồ sơ {code}.")).to_be_visible()

    citizen = page.context.new_page()
    citizen.goto(status_link)
    expect(citizen.locator("#status-label")).to_have_text("Đã trả kết quả")
    expect(citizen.get_by_text("Trả kết quả cho công dân")).to_be_visible()
    expect(citizen.get_by_text("Nguyễn V. A.")).to_be_visible()
    assert groom()["cccd"] not in citizen.content()
