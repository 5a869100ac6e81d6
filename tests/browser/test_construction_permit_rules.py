"""The construction permit as the law has it, in the browser: the appraisal step late while the dossier is still on
time (worklist and dossier page), one supplement notice (a second is refused with the reason), an extension of 10
days by written notice, and the control slip PDF with each step's deadline."""

import re
import subprocess
from datetime import timedelta

from playwright.sync_api import Page, expect
from sqlalchemy import select

from db.engine import read, write
from db.schema import dossiers
from services.catalog.procedures import calendar_for_unit
from services.core.clock import local, now
from services.dossiers.intake import receive_dossier
from services.processing import actions as processing
from tests.browser.helpers import open_page, sign_in
from tests.builders import actor
from tests.intake_builders import groom

APPRAISAL = "Thẩm định hồ sơ, kiểm tra thực địa"


def permit_received_nine_working_days_ago(engine) -> dict:
    """Received and assigned 9 legal working days ago: the 7-day appraisal step (due after 8 days) is late, the
    15-day permit is not."""
    clerk = actor(engine, "motcua.nhs")
    with write(engine) as conn:
        received_at = calendar_for_unit(conn, clerk.unit_id).add_working_days(now(), -9).replace(microsecond=0)
        receipt = receive_dossier(conn, clerk, procedure_code="gpxd_nha_o", applicant=groom(), received_at=received_at)
        dossier = processing.assign(
            conn, actor(engine, "truongphong.nhs"), dossier_id=receipt.dossier_id,
            assignee_id=actor(engine, "chuyenvien.nhs").user_id, expected_version=2, at=received_at,
        )  # fmt: skip
    return dossier


def row(engine, code: str) -> dict:
    with read(engine) as conn:
        return dict(conn.execute(select(dossiers).where(dossiers.c.code == code)).one()._mapping)


def settled(page: Page) -> None:
    expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-script-state", "notRunning")


def open_dossier(page: Page, code: str) -> None:
    open_page(page, "Tra cứu hồ sơ")
    page.get_by_label("Mã hồ sơ", exact=True).fill(code)
    page.get_by_role("button", name="Mở hồ sơ").click()
    expect(page.get_by_text(f"{code} — Cấp giấy phép xây dựng nhà ở riêng lẻ")).to_be_visible()
    settled(page)


def test_permit_with_a_late_appraisal_step_one_supplement_an_extension_and_the_step_control_slip(
    live_app, demo, page: Page
):
    page.set_default_timeout(20000)
    expect.set_options(timeout=20000)
    dossier = permit_received_nine_working_days_ago(demo.engine)
    code = dossier["code"]

    sign_in(page, live_app, "chuyenvien.nhs")
    open_page(page, "Hồ sơ cần xử lý")
    expect(page.get_by_text("Có bước xử lý đã quá hạn bước (hồ sơ chưa quá hạn):")).to_be_visible()
    expect(page.get_by_text(f"{code} — {APPRAISAL}")).to_be_visible()
    open_dossier(page, code)
    expect(page.get_by_text(f"Bước quá hạn: {APPRAISAL}")).to_be_visible()
    expect(page.get_by_text("Còn hạn")).to_be_visible()

    page.get_by_label("Giấy tờ cần bổ sung", exact=False).fill("Bản vẽ mặt bằng móng\nBản sao sổ đỏ có chứng thực")
    page.get_by_role("button", name=re.compile("Gửi yêu cầu bổ sung")).click()
    expect(page.get_by_text("thời hạn giải quyết tạm dừng")).to_be_visible()

    clerk = page.context.browser.new_context().new_page()
    clerk.set_default_timeout(20000)
    sign_in(clerk, live_app, "motcua.nhs")
    open_dossier(clerk, code)
    clerk.get_by_role("button", name="Đã nhận đủ giấy tờ bổ sung").click()
    expect(clerk.get_by_text("Đã nhận hồ sơ bổ sung")).to_be_visible()
    resumed = row(demo.engine, code)
    assert resumed["status"] == "in_progress" and not resumed["counted_late"]

    open_dossier(page, code)
    page.get_by_label("Giấy tờ cần bổ sung", exact=False).fill("Bản vẽ mặt cắt")
    page.get_by_role("button", name=re.compile("Gửi yêu cầu bổ sung")).click()
    expect(page.get_by_text("chỉ được yêu cầu bổ sung, hoàn thiện hồ sơ 1 lần")).to_be_visible()
    assert row(demo.engine, code)["supplement_count"] == 1

    settled(page)
    new_due = local(resumed["due_at"]) + timedelta(days=10)
    page.get_by_label("Lý do gia hạn").fill("Chờ ý kiến của đơn vị quản lý hạ tầng về chỉ giới xây dựng")
    page.get_by_role("spinbutton", name="day, Gia hạn đến ngày").click()
    page.keyboard.type(new_due.strftime("%d%m%Y"))  # the segments advance day → month → year
    expect(page.get_by_role("spinbutton", name="year, Gia hạn đến ngày")).to_have_attribute(
        "aria-valuenow", str(new_due.year)
    )
    expect(page.get_by_role("spinbutton", name="day, Gia hạn đến ngày")).to_have_attribute(
        "aria-valuenow", str(new_due.day)
    )
    page.get_by_role("button", name="Gia hạn và in thông báo").click()
    expect(page.get_by_text("Đã gia hạn")).to_be_visible()
    extended = row(demo.engine, code)
    assert (extended["due_at"], extended["extension_count"], extended["counted_late"]) == (new_due, 1, False)

    settled(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Phiếu kiểm soát quá trình giải quyết (PDF)").click()
    slip = subprocess.run(
        ["pdftotext", "-layout", str(download.value.path()), "-"], capture_output=True, check=True
    ).stdout.decode()
    assert code in slip and "Thời hạn từng bước" in slip
    assert "Thẩm định hồ sơ," in slip and "Lãnh đạo UBND ký" in slip and "Hạn bước" in slip
