"""Trial scenario 2 end to end: a construction permit received at the counter goes to the Kinh tế department, the
head assigns it, the specialist appraises the site and asks for papers (the clock stops), the clerk receives them
(the appointment moves by exactly the paused working time), the specialist sends the result, the counter returns it."""

import io
import re
import subprocess
from datetime import timedelta

from PIL import Image
from playwright.sync_api import Page, expect
from sqlalchemy import select, update

from db.engine import read, write
from db.schema import dossier_events, dossiers, supplement_requests
from services.catalog.procedures import calendar_for_unit
from tests.browser.helpers import open_page, sign_in
from tests.intake_builders import SCAN, groom


def png_photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (120, 160, 90)).save(buffer, format="PNG")
    return buffer.getvalue()


def choose(page: Page, label: str, option: str) -> None:
    """Type into the selectbox, which highlights the matching option even in a long list, and take it."""
    page.get_by_label(label, exact=True).click()
    page.keyboard.type(option)
    expect(page.get_by_role("option").filter(has_text=option).first).to_be_attached()
    page.keyboard.press("Enter")
    expect(page.get_by_label(label, exact=True)).to_have_value(re.compile(re.escape(option)))


def upload(page: Page, label: str, name: str, mime: str, data: bytes) -> None:
    uploader = page.get_by_test_id("stFileUploader").filter(has_text=label)
    uploader.locator("input[type=file]").set_input_files(files=[{"name": name, "mimeType": mime, "buffer": data}])
    expect(page.get_by_text(name)).to_be_visible()


def as_user(page: Page, live_app: str, username: str) -> Page:
    other = page.context.browser.new_context().new_page()
    other.set_default_timeout(20000)
    sign_in(other, live_app, username)
    return other


def open_dossier(page: Page, code: str) -> None:
    open_page(page, "Tra cứu hồ sơ")
    page.get_by_label("Mã hồ sơ", exact=True).fill(code)
    page.get_by_role("button", name="Mở hồ sơ").click()
    expect(page.get_by_text(f"{code} — Cấp giấy phép xây dựng nhà ở riêng lẻ")).to_be_visible()


def row(engine, code: str) -> dict:
    with read(engine) as conn:
        return dict(conn.execute(select(dossiers).where(dossiers.c.code == code)).one()._mapping)


def citizen_took_a_week(engine, dossier: dict) -> None:
    """The citizen brings the papers a week after the request: move the request back instead of waiting."""
    earlier = dossier["paused_at"] - timedelta(days=7)
    with write(engine) as conn:
        conn.execute(update(dossiers).where(dossiers.c.id == dossier["id"]).values(paused_at=earlier))
        conn.execute(
            update(supplement_requests)
            .where(supplement_requests.c.dossier_id == dossier["id"])
            .values(requested_at=earlier)
        )


def test_construction_permit_from_intake_through_the_department_to_return(live_app, demo, page: Page):
    page.set_default_timeout(20000)
    sign_in(page, live_app, "motcua.nhs")
    open_page(page, "Tiếp nhận hồ sơ")
    choose(page, "Thủ tục hành chính", "Cấp giấy phép xây dựng nhà ở riêng lẻ")
    applicant = groom()
    page.get_by_label("Họ và tên", exact=True).first.fill(applicant["full_name"])
    page.get_by_label("Số CCCD (12 số)").first.fill(applicant["cccd"])
    page.get_by_label("Ngày sinh (dd/mm/yyyy)").first.fill(applicant["birth_date"])
    page.get_by_label("Điện thoại", exact=True).first.fill(applicant["phone"])
    page.locator("input[type=file]").first.set_input_files(
        files=[{"name": "don_de_nghi.pdf", "mimeType": "application/pdf", "buffer": SCAN}]
    )
    expect(page.get_by_text("don_de_nghi.pdf")).to_be_visible()
    page.get_by_role("button", name="Tiếp nhận và in giấy hẹn").click()
    success = page.get_by_text("Đã tiếp nhận hồ sơ")
    expect(success).to_be_visible()
    code = re.search(r"NGUHANHSON-\d{6}-\d{4}", success.inner_text()).group(0)
    received = row(demo.engine, code)
    assert received["status"] == "assigned" and received["department_id"] is not None  # transferred on receipt

    head = as_user(page, live_app, "truongphong.nhs")
    open_page(head, "Hồ sơ cần xử lý")
    choose(head, "Mở hồ sơ", code)
    head.get_by_role("button", name="Mở hồ sơ").click()
    expect(head.get_by_text(f"{code} — Cấp giấy phép xây dựng nhà ở riêng lẻ")).to_be_visible()
    expect(head.get_by_role("button", name="Phân công")).to_be_visible()
    head.wait_for_load_state("networkidle")
    choose(head, "Chuyên viên xử lý", "Võ Quốc Huy")
    head.get_by_role("button", name="Phân công").click()
    expect(head.get_by_text("Đã phân công chuyên viên xử lý.")).to_be_visible()

    specialist = as_user(page, live_app, "chuyenvien.nhs")
    open_dossier(specialist, code)
    specialist.get_by_label("Thành phần tham gia").fill("Võ Quốc Huy (Phòng Kinh tế); ông Nguyễn Văn An (chủ hộ)")
    specialist.get_by_label("Kết quả kiểm tra thực địa").fill("Hiện trạng đất trống; ranh giới khớp bản vẽ")
    upload(specialist, "Ảnh hiện trạng", "hien_trang.png", "image/png", png_photo())
    specialist.get_by_role("button", name="Lưu biên bản").click()
    expect(specialist.get_by_text("Đã lưu biên bản thẩm định thực địa.")).to_be_visible()
    specialist.get_by_label("Giấy tờ cần bổ sung", exact=False).fill(
        "Bản vẽ mặt bằng móng\nBản sao sổ đỏ có chứng thực"
    )
    specialist.get_by_role("button", name="Gửi yêu cầu bổ sung").click()
    expect(specialist.get_by_text("thời hạn giải quyết tạm dừng")).to_be_visible()
    paused = row(demo.engine, code)
    assert paused["status"] == "supplement_requested"
    citizen_took_a_week(demo.engine, paused)
    paused = row(demo.engine, code)

    open_dossier(page, code)
    expect(page.get_by_text("Bản vẽ mặt bằng móng").first).to_be_visible()
    page.get_by_role("button", name="Đã nhận đủ giấy tờ bổ sung").click()
    expect(page.get_by_text("Đã nhận hồ sơ bổ sung")).to_be_visible()
    resumed = row(demo.engine, code)
    with read(demo.engine) as conn:
        calendar = calendar_for_unit(conn, resumed["processing_unit_id"])
        resumed_at = conn.scalar(
            select(dossier_events.c.at).where(
                dossier_events.c.dossier_id == resumed["id"], dossier_events.c.action == "receive_supplement"
            )
        )
    paused_working_seconds = calendar.between(paused["paused_at"], resumed_at)
    assert paused_working_seconds >= 8 * 3600  # a week holds at least one working day
    assert resumed["paused_seconds"] == paused_working_seconds
    assert calendar.between(paused["due_at"], resumed["due_at"]) == paused_working_seconds

    open_dossier(specialist, code)
    upload(specialist, "Bản quét kết quả đã ký", "giay_phep.pdf", "application/pdf", SCAN)
    specialist.get_by_role("button", name="Chuyển kết quả về bộ phận một cửa").click()
    expect(specialist.get_by_text("Đã chuyển kết quả về bộ phận một cửa")).to_be_visible()
    assert row(demo.engine, code)["status"] == "result_ready"
    with specialist.expect_download() as download:
        specialist.get_by_role("button", name="Phiếu kiểm soát quá trình giải quyết (PDF)").click()
    slip = subprocess.run(
        ["pdftotext", "-layout", str(download.value.path()), "-"], capture_output=True, check=True
    ).stdout.decode()
    assert code in slip and "PHIẾU KIỂM SOÁT" in slip
    assert "Võ Quốc Huy" in slip and "Nhận hồ sơ" in slip and "Đúng hạn" in slip

    open_page(page, "Trả kết quả")
    query = page.get_by_label("Mã hồ sơ, nội dung mã QR trên giấy hẹn (quét hoặc dán) hoặc số CCCD")
    query.fill(code)
    query.press("Enter")
    expect(page.get_by_text("Người nhận kết quả")).to_be_visible()
    page.get_by_label("Số CCCD (đối chiếu căn cước)").fill(applicant["cccd"])
    page.get_by_text("Hài lòng", exact=True).click()
    page.get_by_role("button", name="Trả kết quả").click()
    expect(page.get_by_text(f"Đã trả kết quả hồ sơ {code}.")).to_be_visible()
    assert row(demo.engine, code)["status"] == "returned"
