"""Each role lands on its day's work: the home figures come from the demo data and each link opens the page that
acts on it; every page of the role is in the sidebar (no "View more"), and staff never see the Deploy button.
The clerk also fills intake from a CCCD QR (scanner text, then a photo) and prints a number for a walk-in citizen."""

from __future__ import annotations

import io
import re
import subprocess

import pytest
import qrcode
from playwright.sync_api import Page, expect

from components.nav import PAGES
from db.engine import read
from services.home import screens as home
from tests.browser.helpers import open_page, sign_in
from tests.builders import actor

HUSBAND = "001099012345|123456789|Nguyễn Văn An|01021999|Nam|Số 12, đường Lê Văn Hiến, phường Ngũ Hành Sơn|15082021"
WIFE = "048301001234||Trần Thị Bích Ngọc|05032001|Nữ|Tổ 5, khu phố Đông Hải, phường Ngũ Hành Sơn|10042022"


def at_home(page: Page) -> None:
    """Right after a sign-in or a page switch the old run's elements linger a moment: wait for one home page."""
    expect(page.get_by_role("heading", name="Trung tâm Phục vụ Hành chính công")).to_have_count(1)
    settled(page)


def settled(page: Page) -> None:
    expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-script-state", "notRunning")


def metric(page: Page, label: str):
    # .first: a rerun right after sign-in (the cookie component) can briefly leave the previous run's tiles
    return page.get_by_test_id("stMetric").filter(has_text=label).get_by_test_id("stMetricValue").first


def check_sidebar_and_toolbar(page: Page, username: str, demo) -> None:
    """Every page of the role is listed without any "View more", and no developer tools are shown."""
    roles = actor(demo.engine, username).roles
    nav = page.get_by_test_id("stSidebarNav")
    for spec in PAGES:
        if roles & spec.roles:
            expect(nav.get_by_text(spec.title, exact=True)).to_be_visible()
    expect(page.get_by_text(re.compile(r"View \d+ more|View less"))).to_have_count(0)
    expect(page.get_by_test_id("stAppDeployButton")).to_have_count(0)
    expect(page.get_by_role("button", name="Deploy")).to_have_count(0)


def follow(page: Page, link_key: str, heading: str) -> None:
    """Click a home link, land on its page, come back home."""
    page.locator(f".st-key-{link_key} a").click()
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    open_page(page, "Trang chủ")
    at_home(page)


def figures(demo, username: str) -> dict[str, str]:
    me = actor(demo.engine, username)
    with read(demo.engine) as conn:
        if home.home_kind(me) == "department":
            data = home.department_home(conn, me)
            return {
                "Hồ sơ của tôi": str(data["mine_total"]),
                "Chưa phân công trong phòng": str(data["unassigned_total"]),
            }
        if home.home_kind(me) == "leader":
            data = home.leader_home(conn, me)
            return {"Hồ sơ quá hạn": str(data["overdue"]), "Phản ánh đang mở": str(data["feedback"]["open"])}
        data = home.city_home(conn, me)
        ready = data["readiness"]
        return {"Hồ sơ quá hạn": str(data["overdue"]), "Đơn vị sẵn sàng vận hành": f"{ready['ready']}/{ready['units']}"}


ROLES = {
    "chuyenvien.nhs": [("home__link_mine", "Hồ sơ cần xử lý"), ("home__link_supplements", "Hồ sơ")],
    "lanhdao.nhs": [
        ("home__link_ioc", "Trung tâm điều hành (IOC)"),
        ("home__link_feedback", "Phản ánh, kiến nghị"),
        ("home__link_rivers", "Mực nước sông và lượng mưa"),
    ],
    "lanhdao.tp": [
        ("home__link_ioc", "Trung tâm điều hành (IOC)"),
        ("home__link_readiness", "Sẵn sàng vận hành các đơn vị"),
    ],
}


@pytest.mark.parametrize("username", sorted(ROLES))
def test_each_role_home_shows_its_demo_figures_and_each_link_opens_its_page(live_app, demo, page: Page, username):
    page.set_default_timeout(20000)
    expect.set_options(timeout=20000)
    sign_in(page, live_app, username)
    at_home(page)
    for label, value in figures(demo, username).items():
        expect(metric(page, label)).to_have_text(value)
    check_sidebar_and_toolbar(page, username, demo)
    settled(page)
    for link_key, heading in ROLES[username]:
        follow(page, link_key, heading)
    if username == "lanhdao.nhs":
        open_page(page, "Trung tâm điều hành")
        expect(page.get_by_role("heading", name="Trung tâm điều hành (IOC)")).to_be_visible()


def qr_png(text: str) -> bytes:
    buffer = io.BytesIO()
    qrcode.make(text).save(buffer, format="PNG")
    return buffer.getvalue()


def test_the_clerk_works_from_home_prints_a_walk_in_number_and_fills_intake_from_cccd_qr(live_app, demo, page: Page):
    page.set_default_timeout(20000)
    expect.set_options(timeout=20000)
    sign_in(page, live_app, "motcua.nhs")
    at_home(page)
    with read(demo.engine) as conn:
        data = home.clerk_home(conn, actor(demo.engine, "motcua.nhs"))
    expect(metric(page, "Hồ sơ hẹn trả hôm nay")).to_have_text(str(len(data["due_today"])))
    expect(page.get_by_text(f"Số tiếp theo: {data['counters'][0]['next']}").first).to_be_visible()
    check_sidebar_and_toolbar(page, "motcua.nhs", demo)
    settled(page)
    follow(page, "home__link_return", "Trả kết quả")
    follow(page, "home__link_postal", "Bưu chính công ích")

    # A walk-in citizen without a phone: the clerk prints a number, which is in the counter's line at once.
    page.locator(".st-key-home__link_counter a").click()
    expect(page.get_by_role("heading", name="Quầy phục vụ")).to_be_visible()
    settled(page)
    page.get_by_text("Cấp số in cho công dân không có điện thoại").click()
    page.get_by_role("button", name="Cấp số và in phiếu").click()
    issued = page.get_by_text(re.compile(r"Đã cấp số [A-Z]+\d+"))
    expect(issued).to_be_visible()
    code = re.search(r"Đã cấp số ([A-Z]+\d+)", issued.inner_text()).group(1)
    expect(page.get_by_test_id("stDataFrame").last).to_contain_text(code)
    with page.expect_download() as download:
        page.get_by_role("button", name="Tải phiếu để in (PDF 80 mm)").click()
    slip = subprocess.run(
        ["pdftotext", "-layout", str(download.value.path()), "-"], capture_output=True, check=True
    ).stdout.decode()
    assert code in slip and "Hộ tịch – Chứng thực" in slip

    # Intake from the CCCD card: the scanner types the QR text; then a photo of the other spouse's card.
    open_page(page, "Tiếp nhận hồ sơ")
    page.get_by_label("Thủ tục hành chính", exact=True).click()
    page.get_by_role("option").filter(has_text="Đăng ký kết hôn").first.click()
    settled(page)
    scanner = page.get_by_label("Nội dung mã QR (đặt con trỏ vào ô này rồi quét bằng máy quét)")
    scanner.fill(HUSBAND)
    scanner.press("Enter")
    page.get_by_role("button", name="Điền vào mục Người nộp").click()
    expect(page.get_by_label("Họ và tên", exact=True).nth(0)).to_have_value("Nguyễn Văn An")
    expect(page.get_by_label("Số CCCD (12 số)").nth(0)).to_have_value("001099012345")
    expect(page.get_by_label("Ngày sinh (dd/mm/yyyy)").nth(0)).to_have_value("01/02/1999")
    settled(page)

    page.get_by_test_id("stRadio").get_by_text("Bên còn lại", exact=True).click()
    settled(page)
    page.get_by_text("Chụp hoặc tải ảnh mã QR").click()
    uploader = page.get_by_test_id("stFileUploader").filter(has_text="Ảnh mã QR (JPEG, PNG)")
    uploader.locator("input[type=file]").set_input_files(
        files=[{"name": "cccd.png", "mimeType": "image/png", "buffer": qr_png(WIFE)}]
    )
    page.get_by_role("button", name="Điền vào mục Bên còn lại").click()
    expect(page.get_by_label("Họ và tên", exact=True).nth(1)).to_have_value("Trần Thị Bích Ngọc")
    expect(page.get_by_label("Họ và tên", exact=True).nth(0)).to_have_value("Nguyễn Văn An")
