"""Bulk onboarding on both databases: a 94-unit file through dry run and commit, files with errors that write
nothing and name each error's line, and bad files refused whole."""

import io
import stat
import zipfile

import bcrypt
import pytest
from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from db.engine import read, write
from db.schema import departments, queue_counter_groups, queue_counters, staff_imports, units, users
from manage import main as manage
from seed.reference import seed_sample_catalog, seed_units
from services.accounts import accounts
from services.core.errors import PermissionDenied, ValidationError
from services.rollout import sheets as rollout_sheets
from services.rollout import staff_import
from tests.builders import actor
from tests.rollout_builders import STAFF_PER_UNIT, all_unit_codes, csv_file, row_counts, tables_for, workbook


@pytest.fixture
def city(engine):
    """The 94 units and the sample catalog, nobody and nothing else."""
    with write(engine) as conn:
        seed_units(conn)
        seed_sample_catalog(conn)
    return engine


def plan(engine, files, who=None):
    with read(engine) as conn:
        return staff_import.plan_import(conn, who, files=files)


def commit(engine, files, who=None, credentials=None):
    with write(engine) as conn:
        return staff_import.commit_import(conn, who, files=files, credentials=credentials)


def errors_in(result, source: str) -> dict[int, str]:
    lines: dict[int, str] = {}
    for error in result.errors:
        if error.source == source:
            lines[error.line] = f"{lines.get(error.line, '')} | {error.message}"
    return lines


def test_a_94_unit_file_goes_through_the_dry_run_then_one_commit(city):
    codes = all_unit_codes(city)
    assert len(codes) == 94
    files = [("trien-khai.xlsx", workbook(tables_for(codes)))]
    before = row_counts(city)

    dry = plan(city, files)

    assert dry.ok, dry.errors[:5]
    assert dry.counts["staff_create"] == 94 * STAFF_PER_UNIT == 1410
    assert (dry.counts["departments_create"], dry.counts["groups_create"], dry.counts["counters_create"]) == (
        376,
        282,
        282,
    )
    assert row_counts(city) == before, "a dry run writes nothing"

    result = commit(city, files, credentials=staff_import.issue_credentials(dry.usernames))

    after = row_counts(city)
    assert after["users"] == before["users"] + 1410
    assert (after["departments"], after["queue_groups"], after["queue_counters"]) == (376, 282, 282)
    assert after["queue_counter_groups"] == 94 * 4
    assert len(result.accounts) == 1410 and len({a["password"] for a in result.accounts}) == 1410
    with read(city) as conn:
        head = conn.execute(select(users).where(users.c.username == "tp.kinh_te.nguhanhson")).one()
        department = conn.execute(select(departments).where(departments.c.id == head.department_id)).one()
        counter = conn.execute(
            select(queue_counters)
            .join(units, units.c.id == queue_counters.c.unit_id)
            .where(units.c.code == "HAICHAU", queue_counters.c.number == 3)
        ).one()
        links = conn.scalars(
            select(queue_counter_groups.c.group_id).where(queue_counter_groups.c.counter_id == counter.id)
        )
        assert len(list(links)) == 2
        assert conn.scalar(select(staff_imports.c.username)) == "system"
    assert head.must_change_password and set(head.roles.split(",")) == {"department_head"}
    assert (department.code, department.kind) == ("kinh_te", "kinh_te")
    password = next(a["password"] for a in result.accounts if a["username"] == "tp.kinh_te.nguhanhson")
    assert bcrypt.checkpw(password.encode(), head.password_hash.encode())

    again = plan(city, files)
    assert len(again.errors) == 1410 and all("đã có trong hệ thống" in e.message for e in again.errors)
    assert again.counts["departments_unchanged"] == 376


def test_the_commit_checks_again_and_a_username_taken_since_the_dry_run_stops_it(city):
    files = [("staff.csv", csv_file("staff", tables_for(["HAICHAU"])["staff"]))]
    deps = [("departments.csv", csv_file("departments", tables_for(["HAICHAU"])["departments"]))]
    assert plan(city, files + deps).ok
    with write(city) as conn:
        unit_id = conn.scalar(select(units.c.id).where(units.c.code == "HAICHAU"))
        accounts.create_user(
            conn, None, accounts.NewUser("motcua1.haichau", "Người đến trước", ("clerk",), unit_id), "mat-khau-dai-1"
        )
    before = row_counts(city)
    with pytest.raises(ValidationError, match="1 lỗi nên không có gì được ghi"):
        commit(city, files + deps)
    assert row_counts(city) == before


def test_a_file_with_errors_writes_nothing_and_reports_each_error_with_its_line(demo_engine):
    staff = [
        ["Người Một", "mot.hc", "clerk", "HAICHAU", "", "", ""],  # line 2: fine
        ["Người Hai", "hai.hc", "clerk", "KHONGCO", "", "", ""],  # 3: unknown unit
        ["", "ba.hc", "clerk", "HAICHAU", "", "", ""],  # 4: no name
        ["Người Bốn", "mot.hc", "clerk", "HAICHAU", "", "", ""],  # 5: same username as line 2
        ["Người Năm", "motcua.nhs", "clerk", "HAICHAU", "", "", ""],  # 6: username already in the database
        ["Người Sáu", "sau.hc", "thủ kho", "HAICHAU", "", "", ""],  # 7: bad role
        ["Người Bảy", "bay.hc", "Chuyên viên", "HAICHAU", "khong_co", "", ""],  # 8: missing department
        ["Người Tám", "tam.hc", "Chuyên viên", "HAICHAU", "", "", ""],  # 9: specialist without a department
        ["Người Chín", "chin.hc", "admin", "HAICHAU", "", "", ""],  # 10: city-wide role
        ["Người Mười", "muoi.hc", "clerk", "HAICHAU", "", "khong-phai-email", "12ab"],  # 11: email and phone
        ["Người Mười Một", "Tên Có Dấu", "clerk", "HAICHAU", "", "", ""],  # 12: username with diacritics
    ]
    counters = [["HAICHAU", "1", "Quầy một", "Z"], ["HAICHAU", "100", "", "A"]]  # unknown group; number > 99
    files = [("can-bo.csv", csv_file("staff", staff)), ("quay.csv", csv_file("counters", counters))]
    before = row_counts(demo_engine)

    result = plan(demo_engine, files, actor(demo_engine, "admin"))

    staff_errors = errors_in(result, "can-bo.csv")
    expected = {
        3: "KHONGCO",
        4: "Thiếu họ tên",
        5: "trùng với dòng 2",
        6: "đã có trong hệ thống",
        7: "Vai trò “thủ kho” không hợp lệ",
        8: "chưa có phòng mã “khong_co”",
        9: "phải có Mã phòng",
        10: "cấp thành phố",
        11: "Email",
        12: "chỉ gồm chữ không dấu",
    }
    assert set(staff_errors) == set(expected)
    for line, words in expected.items():
        assert words in staff_errors[line], (line, staff_errors[line])
    assert "Số điện thoại" in staff_errors[11]
    counter_errors = errors_in(result, "quay.csv")
    assert "nhóm dịch vụ Z" in counter_errors[2] and "từ 1 đến 99" in counter_errors[3]
    assert [a.line for a in result.actions if a.table == "staff"] == [2]
    with pytest.raises(ValidationError, match="không có gì được ghi"):
        commit(demo_engine, files, actor(demo_engine, "admin"))
    assert row_counts(demo_engine) == before


def _not_a_workbook_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def _empty_workbook() -> bytes:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("anh.xlsx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "không phải bảng tính"),
        ("bao-cao.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "không phải bảng tính"),
        ("tai-lieu.xlsx", _not_a_workbook_zip(), r"không phải bảng tính Excel \(\.xlsx\) hợp lệ"),
        ("cu.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "Excel 97–2003"),
        ("ansi.csv", b"H\xf4 t\xean,T\xean \xf0\xe3ng nh\xe2p\n", "không phải CSV UTF-8"),
        ("rong.csv", b"", "rỗng"),
        ("trang.csv", b"\n \n", "rỗng"),
        ("rong.xlsx", _empty_workbook(), "không có dòng dữ liệu"),
        ("tieu-de.csv", csv_file("staff", []), "không có dòng dữ liệu"),
        ("sai-cot.csv", b"ten,ngay sinh\nAn,01/01/1990\n", "không nhận ra các cột"),
        ("thieu-cot.csv", "Họ tên,Tên đăng nhập,Mã đơn vị\nAn,an,HAICHAU\n".encode(), "Vai trò"),
    ],
)
def test_a_bad_file_is_refused_whole_with_a_clear_message(demo_engine, name, content, message):
    before = row_counts(demo_engine)
    with pytest.raises(ValidationError, match=message):
        plan(demo_engine, [(name, content)])
    with pytest.raises(ValidationError, match=message):
        commit(demo_engine, [(name, content)])
    assert row_counts(demo_engine) == before


def test_ten_thousand_rows_with_one_bad_line_report_that_line_and_write_nothing(city):
    codes = all_unit_codes(city)
    rows = [[f"Cán bộ {n}", f"canbo{n:05d}", "clerk", codes[n % 94], "", "", ""] for n in range(10_000)]
    rows[4_321][2] = "giám đốc"
    files = [("10000.csv", csv_file("staff", rows))]
    before = row_counts(city)

    result = plan(city, files)

    assert [(e.line, "giám đốc" in e.message) for e in result.errors] == [(4_323, True)]
    assert result.counts["staff_create"] == 9_999
    with pytest.raises(ValidationError, match="1 lỗi"):
        commit(city, files)
    assert row_counts(city) == before


def test_excel_numbers_keep_their_leading_zero_and_labels_or_codes_name_roles(city):
    staff = [
        ["Lê Văn A", "a.hc", "Lãnh đạo phường/xã; clerk", "Phường Hải Châu", "", "", 905123456],
        ["Lê Văn B", "B.HC", "trưởng phòng, chuyên viên", "haichau", "kt", "", "0236 3822 111"],
    ]
    tables = {"departments": [["HAICHAU", "kt", "Phòng Kinh tế", "Kinh tế"]], "staff": staff}
    result = commit(city, [("mot-phuong.xlsx", workbook(tables))])
    with read(city) as conn:
        people = {r.username: r for r in conn.execute(select(users))}
    assert people["a.hc"].phone == "0905123456" and people["a.hc"].roles == "clerk,leader"
    assert people["b.hc"].phone == "02363822111" and people["b.hc"].roles == "department_head,specialist"
    assert result.counts == {"departments_create": 1, "staff_create": 2}


def test_existing_departments_groups_and_counters_are_changed_and_reported_as_changes(demo_engine):
    tables = {
        "departments": [["NGUHANHSON", "kinh_te", "Phòng Kinh tế – Đô thị", "kinh_te"]],
        "groups": [["NGUHANHSON", "A", "Hộ tịch"], ["NGUHANHSON", "D", "Doanh nghiệp"]],
        "counters": [["NGUHANHSON", "3", "Đất đai", "D"]],
    }
    files = [("sua.xlsx", workbook(tables))]
    result = plan(demo_engine, files)
    shown = {(a.table, a.action): a.detail for a in result.actions}
    assert "Phòng Kinh tế, Hạ tầng và Đô thị → Phòng Kinh tế – Đô thị" in shown[("departments", "update")]
    assert ("groups", "create") in shown and "→ Hộ tịch" in shown[("groups", "update")]
    assert "Nhóm: B, C → D" in shown[("counters", "update")]
    commit(demo_engine, files)
    with read(demo_engine) as conn:
        counter = conn.execute(
            select(queue_counters)
            .join(units, units.c.id == queue_counters.c.unit_id)
            .where(units.c.code == "NGUHANHSON", queue_counters.c.number == 3)
        ).one()
        assert (
            len(list(conn.scalars(select(queue_counter_groups).where(queue_counter_groups.c.counter_id == counter.id))))
            == 1
        )
    assert counter.name == "Đất đai"


def test_only_an_admin_imports(demo_engine):
    files = [("s.csv", csv_file("staff", [["A", "a.x", "clerk", "HAICHAU", "", "", ""]]))]
    for username in ("lanhdao.nhs", "lanhdao.tp", "motcua.nhs"):
        with pytest.raises(PermissionDenied):
            plan(demo_engine, files, actor(demo_engine, username))
        with pytest.raises(PermissionDenied):
            commit(demo_engine, files, actor(demo_engine, username))
    assert plan(demo_engine, files, actor(demo_engine, "admin")).ok


def test_generated_passwords_are_readable_and_hashed_at_the_accounts_cost():
    credentials = staff_import.issue_credentials(["a", "b", "c"])
    for credential in credentials.values():
        assert len(credential.password) == 12 and not set(credential.password) & set("0O1lI-_")
        assert credential.password_hash.startswith(f"$2b${accounts.BCRYPT_ROUNDS:02d}$")
        assert bcrypt.checkpw(credential.password.encode(), credential.password_hash.encode())


def test_import_staff_command_reports_lines_and_writes_passwords_only_to_its_file(
    city, database, tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("DATABASE_URL", database.url)
    good = tmp_path / "mot-phuong.xlsx"
    good.write_bytes(workbook(tables_for(["HAICHAU"])))
    bad = tmp_path / "loi.csv"
    bad.write_bytes(csv_file("staff", [["A", "a.x", "clerk", "KHONGCO", "", "", ""]]))
    before = row_counts(city)

    assert manage(["import-staff", str(good), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Cán bộ, dòng 2: Tạo mới lanhdao.haichau" in out and "không có gì được ghi" in out
    with pytest.raises(SystemExit) as failure:
        manage(["import-staff", str(bad)])
    assert failure.value.code == 1
    assert "loi.csv, dòng 2: Lỗi" in capsys.readouterr().out
    assert row_counts(city) == before

    passwords = tmp_path / "mat-khau.csv"
    assert manage(["import-staff", str(good), "--passwords", str(passwords)]) == 0
    out = capsys.readouterr().out
    listed = passwords.read_text(encoding="utf-8-sig").splitlines()
    assert len(listed) == 1 + STAFF_PER_UNIT and listed[0].endswith("Mật khẩu ban đầu")
    assert stat.S_IMODE(passwords.stat().st_mode) == 0o600
    assert all(line.rsplit(",", 1)[1] not in out for line in listed[1:])
    assert row_counts(city)["users"] == before["users"] + STAFF_PER_UNIT


def test_the_downloadable_templates_pass_their_own_dry_run(demo_engine):
    book = rollout_sheets.template_xlsx(role_help=staff_import.ROLE_HELP, kind_help=staff_import.KIND_HELP)
    result = plan(demo_engine, [("mau.xlsx", book)])
    assert result.ok and result.counts["staff_create"] == 2
    assert [s.rsplit(" › ", 1)[1] for s in result.sources] == ["Phòng ban", "Cán bộ", "Nhóm dịch vụ", "Quầy"]
    csvs = [(f"{spec.kind}.csv", rollout_sheets.template_csv(spec.kind)) for spec in rollout_sheets.TABLES]
    assert plan(demo_engine, csvs).ok


def test_an_extra_column_is_named_as_ignored_and_a_semicolon_csv_is_read(demo_engine):
    content = "Họ tên;Tên đăng nhập;Vai trò;Mã đơn vị;Ghi chú\nAn;an.hc;clerk;HAICHAU;mới\n".encode()
    result = plan(demo_engine, [("excel-vn.csv", content)])
    assert result.ok and result.counts["staff_create"] == 1
    assert result.notes == ["excel-vn.csv: bỏ qua cột không dùng Ghi chú."]


def test_a_failure_while_writing_rolls_back_the_departments_groups_and_counters_already_written(city):
    files = [("hv.xlsx", workbook(tables_for(["HOAVANG"])))]
    credentials = staff_import.issue_credentials(plan(city, files).usernames)
    credentials["cv2.dia_chinh.hoavang"] = staff_import.Credential("khong-dung", None)  # the users insert fails
    before = row_counts(city)
    with pytest.raises(IntegrityError):
        commit(city, files, credentials=credentials)
    assert row_counts(city) == before
