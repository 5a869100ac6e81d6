"""An admin imports a ward's staff from the template workbook, downloads the initial passwords, and a new clerk's
first sign-in goes straight to the password change."""

import csv
import io

from playwright.sync_api import Browser, Page, expect

from tests.browser.helpers import click, sign_in
from tests.rollout_builders import STAFF_PER_UNIT, tables_for, workbook


def test_imported_staff_sign_in_with_the_downloaded_password_and_must_change_it(
    live_app, demo, page: Page, browser: Browser, tmp_path
):
    page.set_default_timeout(30000)
    upload = tmp_path / "hoa-vang.xlsx"
    upload.write_bytes(workbook(tables_for(["HOAVANG"])))
    sign_in(page, live_app, "admin")

    page.goto(f"{live_app}/admin_import")  # the admin's sidebar folds its last sections under "View more"
    expect(page.get_by_role("heading", name="Nhập cán bộ hàng loạt")).to_be_visible()
    page.locator("input[type=file]").set_input_files(str(upload))
    expect(page.get_by_text("hoa-vang.xlsx")).to_be_visible()
    click(page, "Chạy thử (kiểm tra, chưa ghi)")
    expect(page.get_by_text("Báo cáo từng dòng")).to_be_visible()
    click(page, "Xác nhận nhập")
    expect(page.get_by_text("Đã nhập xong")).to_be_visible()
    with page.expect_download() as download:
        click(page, "Tải danh sách (CSV)")
    listed = list(csv.DictReader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
    assert len(listed) == STAFF_PER_UNIT
    clerk = next(row for row in listed if row["Tên đăng nhập"] == "motcua1.hoavang")

    newcomer = browser.new_context().new_page()
    newcomer.set_default_timeout(30000)
    sign_in(newcomer, live_app, clerk["Tên đăng nhập"], clerk["Mật khẩu ban đầu"])
    expect(newcomer.get_by_role("heading", name="Đổi mật khẩu").first).to_be_visible()
    expect(newcomer.get_by_test_id("stSidebarNav").get_by_text("Quầy phục vụ")).to_have_count(0)
