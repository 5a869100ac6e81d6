"""The rollout screens in AppTest: who gets them, the import from upload to passwords, the copy from preview to
history, the readiness table, and the poster download that readiness counts."""

import pytest
from sqlalchemy import func, select

from db.engine import read
from db.schema import config_copies, poster_downloads, users
from services.core.units import unit_by_code
from tests.apptest import check, errors, open_app, registered_pages
from tests.rollout_builders import csv_file, row_counts, tables_for, workbook

IMPORT, COPY, READINESS = "pages/admin_import.py", "pages/admin_copy_config.py", "pages/readiness.py"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.mark.parametrize(
    "username, expected",
    [
        ("admin", {IMPORT, COPY, READINESS}),
        ("lanhdao.tp", {READINESS}),
        ("lanhdao.nhs", set()),
        ("motcua.nhs", set()),
        ("truongphong.nhs", set()),
        ("chuyenvien.nhs", set()),
    ],
)
def test_the_rollout_screens_are_for_the_admin_and_readiness_also_for_city_leaders(demo, username, expected):
    assert registered_pages(open_app(demo, username)) & {IMPORT, COPY, READINESS} == expected


def upload_and_dry_run(demo, files, *, allow_errors=()):
    at = open_app(demo, "admin", page=IMPORT)
    at.file_uploader(key="admin_import__files").set_value(files)
    check(at.run())
    return check(at.button(key="admin_import__dry_run").click().run(), allow_errors=allow_errors)


def test_an_admin_imports_a_file_after_its_dry_run_and_gets_the_passwords_once(demo):
    before = row_counts(demo.engine)
    at = upload_and_dry_run(demo, [("hai-phuong.xlsx", workbook(tables_for(["HOAVANG", "SONTRA"])), XLSX)])
    assert at.metric[0].value == "30" and at.metric[4].value == "0"
    assert row_counts(demo.engine) == before

    check(at.button(key="admin_import__confirm").click().run())

    assert not at.exception, at.exception
    assert any("Đã nhập xong" in s.value for s in at.success)
    passwords = at.dataframe[0].value
    assert len(passwords) == 30 and "Mật khẩu ban đầu" in passwords.columns
    with read(demo.engine) as conn:
        created = conn.execute(select(users).where(users.c.username.in_(list(passwords["Tên đăng nhập"])))).all()
    assert len(created) == 30 and all(person.must_change_password for person in created)
    assert {b.key for b in at.download_button} >= {"admin_import__passwords_xlsx", "admin_import__passwords_csv"}

    check(at.button(key="admin_import__forget").click().run())
    assert not at.exception and not any("Mật khẩu ban đầu" in d.value.columns for d in at.dataframe)


def test_a_file_with_errors_shows_each_line_and_cannot_be_confirmed(demo):
    rows = [["An", "an.hc", "clerk", "HAICHAU", "", "", ""], ["Bình", "motcua.nhs", "clerk", "KHONGCO", "", "", ""]]
    before = row_counts(demo.engine)
    at = upload_and_dry_run(demo, [("loi.csv", csv_file("staff", rows), "text/csv")], allow_errors=["Có 2 lỗi"])
    assert errors(at) == ["Có 2 lỗi ở 1 dòng: sửa tệp rồi chạy thử lại. Chưa có gì được ghi."]
    lines = at.dataframe[0].value
    assert list(lines["Dòng"]) == [3, 3]
    assert not [b for b in at.button if b.key == "admin_import__confirm"]
    assert row_counts(demo.engine) == before


def test_a_file_that_is_not_a_spreadsheet_gets_a_message_not_a_traceback(demo):
    at = upload_and_dry_run(
        demo, [("anh.csv", b"\x89PNG\r\n\x1a\n\x00\x00", "text/csv")], allow_errors=["không phải bảng tính"]
    )
    assert errors(at) == ["Tệp “anh.csv” không phải bảng tính Excel (.xlsx) hay CSV; hãy dùng tệp mẫu."]


def test_an_admin_previews_then_applies_the_pilot_configuration_to_a_ward(demo):
    with read(demo.engine) as conn:
        hai_chau = unit_by_code(conn, "HAICHAU")["id"]
        copies = conn.scalar(select(func.count()).select_from(config_copies))
    at = open_app(demo, "admin", page=COPY)
    assert at.selectbox(key="copy_config__source").format_func(at.selectbox(key="copy_config__source").value) == (
        "Phường Ngũ Hành Sơn"
    )
    check(at.radio(key="copy_config__scope").set_value("some").run())
    check(at.multiselect(key="copy_config__targets").set_value([hai_chau]).run())
    check(at.button(key="copy_config__preview_button").click().run())
    assert not at.exception, at.exception
    assert at.metric[0].value == "1" and int(at.metric[2].value) > 0
    changes = at.dataframe[0].value
    assert set(changes["Đơn vị"]) == {"Phường Hải Châu"} and "Nhóm dịch vụ và quầy" in set(changes["Nhóm cấu hình"])

    check(at.button(key="copy_config__apply").click().run())

    assert not at.exception, at.exception
    assert any("Đã sao chép cấu hình sang 1 đơn vị" in s.value for s in at.success)
    with read(demo.engine) as conn:
        assert conn.scalar(select(func.count()).select_from(config_copies)) == copies + 1
    history = at.dataframe[0].value
    assert history.iloc[0]["Đến đơn vị"] == "Phường Hải Châu" and history.iloc[0]["Người thực hiện"] == "admin"


@pytest.mark.parametrize("username", ["admin", "lanhdao.tp"])
def test_the_readiness_table_has_a_row_per_unit_and_filters(demo, username):
    at = open_app(demo, username, page=READINESS)
    assert not at.exception, at.exception
    assert len(at.dataframe[0].value) == 94 and at.metric[0].value.endswith("/94")
    check(at.text_input(key="readiness__search").input("hai chau").run())
    table = at.dataframe[0].value
    assert list(table["Mã"]) == ["HAICHAU"] and "Chưa có quầy phục vụ" in table.iloc[0]["Còn thiếu"]
    assert {b.key for b in at.download_button} >= {"readiness__table__xlsx", "readiness__table__csv"}


def test_downloading_the_qr_poster_is_recorded_for_readiness(demo):
    at = open_app(demo, "lanhdao.nhs", page="pages/admin_queue.py")
    poster = next(b for b in at.download_button if b.key == "admin_queue__poster")
    check(poster.click().run())
    assert not at.exception, at.exception
    with read(demo.engine) as conn:
        assert "lanhdao.nhs" in set(conn.scalars(select(poster_downloads.c.username)))
