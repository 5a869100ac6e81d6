"""A citizen pins the place with the phone's (mocked) location and submits; the ward's leader sees the location and
the unit suggested from the address on the desk and passes the item to that ward, whose leader finds it in the
triage queue."""

from playwright.sync_api import Browser, Page, expect

from tests.browser.helpers import choose, click, open_page, settled, sign_in

TIMEOUT = 20000
HERE = {"latitude": 16.0678, "longitude": 108.222}
REASON = "Địa điểm trên đường Trần Phú thuộc phường Hải Châu quản lý"


def choose_item(page: Page, view: str, code: str) -> None:
    open_page(page, "Phản ánh, kiến nghị")
    page.get_by_text(view, exact=True).click()
    choose(page, "Chọn phản ánh để xem và xử lý", code)


def citizen_submits_with_location(browser: Browser, live_app: str) -> tuple[str, str]:
    context = browser.new_context(geolocation=HERE, permissions=["geolocation"], viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{live_app}/gop-y")
    page.get_by_label("Phường/xã nơi xảy ra sự việc").select_option(label="Phường Ngũ Hành Sơn")
    page.get_by_label("Địa chỉ cụ thể").fill("Trước số 5 Trần Phú, phường Hải Châu")
    click(page, "Dùng vị trí của tôi")
    expect(page.get_by_label("Vĩ độ")).to_have_value("16.067800")
    expect(page.locator(".leaflet-marker-icon")).to_be_visible()
    page.locator("#map").click(position={"x": 240, "y": 200})  # move the pin by tapping the map
    expect(page.get_by_label("Vĩ độ")).not_to_have_value("16.067800")
    pinned = f"{page.get_by_label('Vĩ độ').input_value()}, {page.get_by_label('Kinh độ').input_value()}"
    page.get_by_label("Tiêu đề").fill("Đèn đường hỏng trước số 5")
    page.get_by_label("Nội dung phản ánh").fill("Đèn chiếu sáng trước số 5 hỏng cả tuần, buổi tối rất tối.")
    click(page, "Gửi phản ánh")
    code_box = page.locator("#feedback-code")
    expect(code_box).to_be_visible()
    code = code_box.inner_text().strip()
    context.close()
    return code, pinned


def test_a_pinned_report_is_passed_to_the_ward_suggested_by_its_address(live_app, browser: Browser, page: Page):
    code, pinned = citizen_submits_with_location(browser, live_app)

    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_app, "lanhdao.nhs")
    choose_item(page, "Tất cả đang xử lý", code)
    expect(page.get_by_text(pinned, exact=True)).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("Đơn vị gợi ý (theo tên phường/xã ghi trong địa chỉ)")).to_be_visible()
    expect(page.get_by_text("Phường Hải Châu", exact=True)).to_be_visible()
    settled(page)
    page.get_by_text("Chuyển đơn vị xử lý khác (phường/xã khác)").click()
    choose(page, "Đơn vị nhận", "Phường Hải Châu")
    page.get_by_label("Lý do chuyển").fill(REASON)
    click(page, "Chuyển đơn vị")
    expect(page.get_by_text("Đã chuyển phản ánh tới Phường Hải Châu.")).to_be_visible(timeout=TIMEOUT)

    hai_chau = page.context.browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(hai_chau, live_app, "lanhdao.hc")
    choose_item(hai_chau, "Chờ phân loại", code)
    expect(hai_chau.get_by_text("Đèn chiếu sáng trước số 5 hỏng", exact=False)).to_be_visible(timeout=TIMEOUT)
    hai_chau.get_by_text("Quá trình xử lý").click()
    expect(hai_chau.get_by_text("Phân loại và chuyển xử lý")).to_be_visible()

    page.goto(f"{live_app}/gop-y/theo-doi?ma={code}")
    expect(page.get_by_text("Phường Hải Châu", exact=False).first).to_be_visible()
    expect(page.get_by_text("Từ Phường Ngũ Hành Sơn đến Phường Hải Châu", exact=False)).to_be_visible()
