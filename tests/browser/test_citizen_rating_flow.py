"""The citizen rates, not the clerk: the clerk returns a result with no rating to set; the citizen opens the receipt's
QR link, rates "Không hài lòng" on the status page, and the ward's satisfaction figure goes down."""

import re
import subprocess
from datetime import timedelta

from playwright.sync_api import Page, expect
from sqlalchemy import select

from db.engine import read
from db.schema import dossiers
from seed.demo.intake import CITIZENS, DEMO_NOTE
from services.core.clock import local_today
from services.ioc import kpi
from tests.browser.helpers import click, open_page, sign_in
from tests.builders import actor


def settled(page: Page) -> None:
    expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-script-state", "notRunning")


def satisfaction(demo, unit_id: int) -> float:
    today = local_today()
    with read(demo.engine) as conn:
        figures = kpi.summary(
            conn, actor(demo.engine, "lanhdao.nhs"), unit_id=unit_id, start=today - timedelta(days=29), end=today
        )
    return figures["satisfaction"]


def test_the_citizen_rates_not_satisfied_from_the_receipt_link_and_the_ward_figure_drops(live_app, demo, page: Page):
    page.set_default_timeout(20000)
    expect.set_options(timeout=20000)
    with read(demo.engine) as conn:
        code, unit_id = conn.execute(
            select(dossiers.c.code, dossiers.c.processing_unit_id).where(
                dossiers.c.notes == DEMO_NOTE, dossiers.c.status == "result_ready"
            )
        ).one()
    sign_in(page, live_app, "motcua.nhs")
    open_page(page, "Trả kết quả")
    expect(page.get_by_role("heading", name="Trả kết quả")).to_be_visible()
    settled(page)
    query = page.get_by_label("Mã hồ sơ, nội dung mã QR trên giấy hẹn (quét hoặc dán) hoặc số CCCD")
    query.fill(code)
    query.press("Enter")
    expect(page.get_by_text("Người nhận kết quả")).to_be_visible()
    settled(page)
    with page.expect_download() as download:
        click(page, "In lại giấy tiếp nhận và hẹn trả")
    receipt = subprocess.run(["pdftotext", str(download.value.path()), "-"], capture_output=True, check=True)
    status_link = re.search(r"(http://\S+/tra-cuu\?t=\S+)", receipt.stdout.decode()).group(1)
    assert page.get_by_text("Mức độ hài lòng").count() == 0 and page.get_by_role("radio").count() == 0
    page.get_by_label("Số CCCD (đối chiếu căn cước)").fill(CITIZENS["lan"]["cccd"])
    click(page, "Trả kết quả")
    expect(page.get_by_text(f"Đã trả kết quả hồ sơ {code}")).to_be_visible()
    before = satisfaction(demo, unit_id)

    citizen = page.context.new_page()
    citizen.goto(status_link)
    expect(citizen.locator("#status-label")).to_have_text("Đã trả kết quả")
    citizen.get_by_label("Không hài lòng").check()
    citizen.get_by_label("Ý kiến (không bắt buộc)").fill("Phải chờ lâu ở quầy.")
    click(citizen, "Gửi đánh giá")
    expect(citizen.locator("#rating-thanks")).to_be_visible()
    expect(citizen.locator("#rating-current")).to_have_text("Không hài lòng")
    assert satisfaction(demo, unit_id) < before
