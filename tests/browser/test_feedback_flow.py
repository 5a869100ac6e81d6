"""A citizen reports rubbish in Ngũ Hành Sơn from a phone; the ward's environment handler answers it on the desk;
the public board shows the answer."""

import re

from playwright.sync_api import Page, expect

from tests.browser.helpers import click, open_page, sign_in

ANSWER = "Phường đã cho xe thu gom toàn bộ rác tại đầu kiệt 12 và bố trí lịch thu gom cố định hằng ngày."


def test_a_citizen_report_reaches_the_environment_handler_and_the_answer_is_published(live_app, page: Page):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_app}/gop-y")
    page.get_by_label("Phường/xã nơi xảy ra sự việc").select_option(label="Phường Ngũ Hành Sơn")
    page.get_by_label("Địa chỉ cụ thể").fill("Đầu kiệt 12 Nguyễn Duy Trinh")
    page.get_by_label("Tiêu đề").fill("Rác thải ùn ứ đầu kiệt 12")
    page.get_by_label("Nội dung phản ánh").fill(
        "Rác thải ùn ứ cả tuần nay ở đầu kiệt, bốc mùi hôi thối, ruồi muỗi nhiều."
    )
    click(page, "Gửi phản ánh")
    code_box = page.locator("#feedback-code")
    expect(code_box).to_be_visible()
    code = code_box.inner_text().strip()
    assert re.fullmatch(r"PA-[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    expect(page.get_by_text("Phòng Kinh tế, Hạ tầng và Đô thị", exact=False)).to_be_visible()

    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_app, "chuyenvien.nhs")
    open_page(page, "Phản ánh, kiến nghị")
    picker = page.get_by_label("Chọn phản ánh để xem và xử lý")
    expect(picker).to_be_visible(timeout=20000)
    picker.click()
    page.get_by_role("option", name=re.compile(re.escape(code))).click()
    expect(page.get_by_text("Rác thải ùn ứ cả tuần nay", exact=False)).to_be_visible(timeout=20000)
    page.get_by_label("Nội dung trả lời (được công khai)").fill(ANSWER)
    click(page, "Gửi trả lời")
    expect(page.get_by_text("Đã trả lời; câu trả lời được công khai.")).to_be_visible(timeout=20000)

    page.goto(f"{live_app}/gop-y/cong-khai?q=rac+thai+kiet+12")
    entry = page.locator("article.entry").filter(has_text="Rác thải ùn ứ đầu kiệt 12")
    expect(entry).to_be_visible()
    expect(entry.get_by_text(ANSWER)).to_be_visible()
    expect(entry.get_by_text("Đúng hạn")).to_be_visible()

    page.goto(f"{live_app}/gop-y/theo-doi?ma={code}")
    expect(page.locator("#answer").get_by_text(ANSWER)).to_be_visible()
