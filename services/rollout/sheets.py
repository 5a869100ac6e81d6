"""The bulk onboarding spreadsheet: its four tables (departments, staff, service groups, counters), the downloadable
template, and reading an uploaded .xlsx or .csv into rows that keep their sheet and line for the report.

Which table a sheet or a CSV file holds is told by its header row, so sheets may be renamed or reordered and each
table may come as its own CSV file. The file type is told by content, never by the extension.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from services.core.errors import ValidationError
from services.core.text import ascii_fold, nfc

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 20_000
INSTRUCTIONS_TITLE = "Hướng dẫn"


@dataclass(frozen=True)
class ColumnSpec:
    key: str
    label: str
    required: bool
    example: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class TableSpec:
    kind: str
    title: str
    columns: tuple[ColumnSpec, ...]

    @property
    def required(self) -> set[str]:
        return {c.key for c in self.columns if c.required}


UNIT = ColumnSpec("unit_code", "Mã đơn vị", True, "NGUHANHSON", ("unit", "ma phuong xa", "don vi"))
TABLES = (
    TableSpec(
        "departments",
        "Phòng ban",
        (
            UNIT,
            ColumnSpec("code", "Mã phòng", True, "kinh_te", ("department_code",)),
            ColumnSpec("name", "Tên phòng", True, "Phòng Kinh tế, Hạ tầng và Đô thị", ("department_name",)),
            ColumnSpec("kind", "Loại phòng", True, "kinh_te", ("department_kind", "loai")),
        ),
    ),
    TableSpec(
        "staff",
        "Cán bộ",
        (
            ColumnSpec("full_name", "Họ tên", True, "Nguyễn Văn An", ("name", "ho va ten")),
            ColumnSpec("username", "Tên đăng nhập", True, "an.nv.nhs", ("tai khoan",)),
            ColumnSpec("roles", "Vai trò", True, "Chuyên viên", ("role",)),
            UNIT,
            ColumnSpec("department_code", "Mã phòng", False, "kinh_te", ("department", "phong")),
            ColumnSpec("email", "Email", False, "an.nv@danang.gov.vn", ("thu dien tu",)),
            ColumnSpec("phone", "Điện thoại", False, "0905123456", ("so dien thoai", "dien thoai di dong")),
        ),
    ),
    TableSpec(
        "groups",
        "Nhóm dịch vụ",
        (
            UNIT,
            ColumnSpec("letter", "Ký hiệu", True, "A", ("group_letter", "ky hieu nhom")),
            ColumnSpec("name", "Tên nhóm", True, "Hộ tịch – Chứng thực", ("group_name", "ten nhom dich vu")),
        ),
    ),
    TableSpec(
        "counters",
        "Quầy",
        (
            UNIT,
            ColumnSpec("number", "Số quầy", True, "1", ("counter_number", "quay")),
            ColumnSpec("name", "Tên quầy", False, "Hộ tịch – Chứng thực", ("counter_name",)),
            ColumnSpec("groups", "Nhóm phục vụ", True, "A, C", ("group_letters", "nhom")),
        ),
    ),
)
TABLE_BY_KIND = {spec.kind: spec for spec in TABLES}
SAMPLE_ROWS = {
    "departments": [
        ["NGUHANHSON", "kinh_te", "Phòng Kinh tế, Hạ tầng và Đô thị", "kinh_te"],
        ["NGUHANHSON", "vhxh", "Phòng Văn hóa – Xã hội", "van_hoa_xa_hoi"],
    ],
    "staff": [
        ["Nguyễn Văn An", "an.nv.nhs", "Cán bộ một cửa", "NGUHANHSON", "", "an.nv@danang.gov.vn", "0905123456"],
        ["Trần Thị Bình", "binh.tt.nhs", "Trưởng phòng chuyên môn, Chuyên viên", "NGUHANHSON", "kinh_te", "", ""],
    ],
    "groups": [["NGUHANHSON", "A", "Hộ tịch – Chứng thực"], ["NGUHANHSON", "B", "Đất đai – Xây dựng"]],
    "counters": [["NGUHANHSON", "1", "Hộ tịch – Chứng thực", "A"], ["NGUHANHSON", "2", "Đất đai – Xây dựng", "B"]],
}


@dataclass(frozen=True)
class Row:
    source: str  # the sheet title, or the CSV file name
    line: int  # as the spreadsheet numbers it: the header is line 1
    values: dict[str, str]


@dataclass
class Table:
    kind: str
    source: str
    rows: list[Row] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


def header_key(label) -> str:
    """'Mã đơn vị', 'ma_don_vi' and 'MA DON VI' are the same header."""
    return re.sub(r"[\s_]+", " ", ascii_fold(nfc(str(label or ""))).lower()).strip()


def _column_keys() -> dict[str, dict[str, str]]:
    keys = {}
    for spec in TABLES:
        names = {}
        for column in spec.columns:
            for name in (column.label, column.key, *column.aliases):
                names[header_key(name)] = column.key
        keys[spec.kind] = names
    return keys


COLUMN_KEYS = _column_keys()


# Reading ------------------------------------------------------------------------------------------------------


def read_tables(files: list[tuple[str, bytes]]) -> list[Table]:
    """Every table of every file; a file that cannot be read raises ValidationError and nothing is imported."""
    if not files:
        raise ValidationError("Chưa chọn tệp nào.")
    tables = [table for name, content in files for table in _read_file(name, content)]
    if not any(table.rows for table in tables):
        raise ValidationError("Tệp không có dòng dữ liệu nào (chỉ có tiêu đề hoặc để trống). Không có gì được nhập.")
    total = sum(len(table.rows) for table in tables)
    if total > MAX_ROWS:
        raise ValidationError(f"Tệp có {total:,} dòng, vượt giới hạn {MAX_ROWS:,} dòng một lần nhập; hãy chia nhỏ tệp.")
    return tables


def _read_file(name: str, content: bytes) -> list[Table]:
    name = (name or "tệp").strip()
    if not content or not content.strip():
        raise ValidationError(f"Tệp “{name}” rỗng.")
    if len(content) > MAX_FILE_BYTES:
        raise ValidationError(f"Tệp “{name}” lớn hơn {MAX_FILE_BYTES // (1024 * 1024)} MB.")
    kind = sniff(content)
    if kind == "xlsx":
        return _read_workbook(name, content)
    if kind == "csv":
        return [_read_csv(name, content)]
    if kind == "xls":
        raise ValidationError(f"Tệp “{name}” là Excel 97–2003 (.xls); hãy lưu lại dạng .xlsx hoặc CSV UTF-8.")
    if kind == "not_utf8":
        raise ValidationError(
            f"Tệp “{name}” không phải CSV UTF-8; trong Excel chọn Lưu thành → “CSV UTF-8 (Comma delimited)”."
        )
    raise ValidationError(f"Tệp “{name}” không phải bảng tính Excel (.xlsx) hay CSV; hãy dùng tệp mẫu.")


NOT_SPREADSHEETS = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"RIFF", b"\x1f\x8b")


def sniff(content: bytes) -> str | None:
    """xlsx | xls | csv | not_utf8 (text in another encoding) | None (not a spreadsheet at all)."""
    if content.startswith(b"PK\x03\x04"):
        return "xlsx"
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    if content.startswith(NOT_SPREADSHEETS) or b"\x00" in content[:4096]:
        return None
    try:
        content[:4096].decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # a multi-byte character cut at the sample's end is still text
        if exc.start < 4090:
            return "not_utf8"
    return "csv"


def _read_workbook(name: str, content: bytes) -> list[Table]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # any zip that is not a workbook (a .docx, a damaged file): openpyxl raises many kinds
        raise ValidationError(f"Tệp “{name}” không phải bảng tính Excel (.xlsx) hợp lệ.") from None
    try:
        return [table for sheet in book.worksheets if (table := _read_sheet(name, sheet)) is not None]
    except (zipfile.BadZipFile, KeyError, OSError, TypeError):
        raise ValidationError(f"Tệp “{name}” bị hỏng, không đọc được; hãy lưu lại bằng Excel.") from None
    finally:
        book.close()


def _read_sheet(name: str, sheet) -> Table | None:
    if header_key(sheet.title) == header_key(INSTRUCTIONS_TITLE):
        return None
    lines = ([_cell(value) for value in row] for row in sheet.iter_rows(values_only=True))
    return _table(f"{name} › {sheet.title}", lines)


def _read_csv(name: str, content: bytes) -> Table:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            f"Tệp “{name}” không phải CSV UTF-8; trong Excel chọn Lưu thành → “CSV UTF-8 (Comma delimited)”."
        ) from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    lines = ([nfc(cell) for cell in cells] for cells in csv.reader(io.StringIO(text), delimiter=delimiter))
    table = _table(name, lines)
    if table is None:
        raise ValidationError(f"Tệp “{name}” rỗng.")
    return table


def _table(source: str, lines) -> Table | None:
    """The first non-empty line is the header; it must name one of the four tables' columns."""
    numbered = ((number, cells) for number, cells in enumerate(lines, start=1) if any(cells))
    first = next(numbered, None)
    if first is None:
        return None
    spec, positions, ignored = _match_header(source, *first)
    table = Table(spec.kind, source, ignored_columns=ignored)
    for line, cells in numbered:
        values = {key: (cells[i] if i < len(cells) else "") for key, i in positions.items()}
        table.rows.append(Row(source, line, values))
        if len(table.rows) > MAX_ROWS:
            raise ValidationError(f"{source}: quá {MAX_ROWS:,} dòng; hãy chia nhỏ tệp.")
    return table


def _match_header(source: str, line: int, header: list[str]) -> tuple[TableSpec, dict[str, int], list[str]]:
    folded = [header_key(cell) for cell in header]
    best = None
    for spec in TABLES:
        names = COLUMN_KEYS[spec.kind]
        positions = {}
        for index, cell in enumerate(folded):
            if cell in names and names[cell] not in positions:
                positions[names[cell]] = index
        if spec.required <= set(positions) and (best is None or len(positions) > len(best[1])):
            best = (spec, positions)
    if best is None:
        raise ValidationError(_wrong_columns(source, line, header))
    spec, positions = best
    used = set(positions.values())
    ignored = [str(cell) for index, cell in enumerate(header) if index not in used and cell]
    return spec, positions, ignored


def _wrong_columns(source: str, line: int, header: list[str]) -> str:
    found = ", ".join(f"“{cell}”" for cell in header if cell) or "(trống)"
    expected = "; ".join(f"{spec.title}: " + ", ".join(c.label for c in spec.columns if c.required) for spec in TABLES)
    return (
        f"{source}, dòng {line}: không nhận ra các cột {found}. Mỗi bảng phải có đủ các cột bắt buộc — {expected}. "
        "Hãy dùng tệp mẫu. Không có gì được nhập."
    )


def _cell(value) -> str:
    """Excel gives numbers for '1' and '0905123456' (dropping the zero); text stays text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return nfc(str(value))


# The template -------------------------------------------------------------------------------------------------


def template_xlsx(*, role_help: list[str], kind_help: list[str]) -> bytes:
    """A workbook with the instructions, then one sheet per table with its header and two example lines."""
    book = Workbook()
    guide = book.active
    guide.title = INSTRUCTIONS_TITLE
    for line in _instructions(role_help, kind_help):
        guide.append([line])
    guide.column_dimensions["A"].width = 120
    guide["A1"].font = Font(bold=True, size=13)
    for spec in TABLES:
        sheet = book.create_sheet(spec.title)
        sheet.append([column.label for column in spec.columns])
        for row in SAMPLE_ROWS[spec.kind]:
            sheet.append(row)
        for index, column in enumerate(spec.columns, start=1):
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = max(14, len(column.example) + 4, len(column.label) + 4)
            header = sheet[f"{letter}1"]
            header.font = Font(bold=True)
            if column.required:
                header.fill = PatternFill("solid", fgColor="FFF2CC")
            for cells in sheet.iter_rows(min_row=1, min_col=index, max_col=index):
                cells[0].number_format = "@"  # text: keeps the leading zero of phone numbers and codes
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def template_csv(kind: str) -> bytes:
    spec = TABLE_BY_KIND[kind]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([column.label for column in spec.columns])
    writer.writerows(SAMPLE_ROWS[kind])
    return buffer.getvalue().encode("utf-8-sig")


def _instructions(role_help: list[str], kind_help: list[str]) -> list[str]:
    return [
        "Mẫu nhập hàng loạt phòng ban, cán bộ, nhóm dịch vụ và quầy cho các phường, xã, đặc khu",
        "",
        "• Mỗi trang tính là một bảng; dòng 1 là tiêu đề cột (cột tô vàng là bắt buộc). "
        "Xóa các dòng ví dụ trước khi nhập.",
        "• Có thể bỏ trống hoặc xóa trang không dùng; cũng có thể nhập từng bảng bằng tệp CSV UTF-8 cùng tiêu đề cột.",
        "• Mã đơn vị: mã in hoa không dấu của phường/xã (ví dụ NGUHANHSON, HAICHAU) hoặc tên đầy đủ (Phường Hải Châu).",
        "• Phòng ban: mã phòng viết thường không dấu (ví dụ kinh_te); nếu đơn vị đã có mã phòng này thì tên và loại "
        "được cập nhật.",
        "• Loại phòng: " + "; ".join(kind_help) + ".",
        "• Cán bộ: tên đăng nhập chỉ gồm chữ không dấu, số và . _ - ; không được trùng trong tệp hay với tài khoản "
        "đã có.",
        "• Vai trò (nhiều vai trò cách nhau bằng dấu phẩy): " + "; ".join(role_help) + ".",
        "• Chuyên viên và trưởng phòng phải có Mã phòng: phòng đã có của đơn vị hoặc phòng khai ở trang Phòng ban.",
        "• Mật khẩu ban đầu do hệ thống tạo và chỉ hiện một lần sau khi nhập; cán bộ phải đổi ở lần đăng nhập đầu.",
        "• Nhóm dịch vụ: ký hiệu là một chữ cái in hoa (A, B, C …) dùng làm tiền tố số thứ tự.",
        "• Quầy: số quầy từ 1 đến 99; Nhóm phục vụ là các ký hiệu nhóm, ví dụ “A, C”.",
        "• Chạy thử trước: hệ thống liệt kê từng dòng sẽ tạo, sửa và mọi lỗi; chỉ khi không còn lỗi mới xác nhận "
        "nhập, và toàn bộ được ghi trong một lần (hoặc không ghi gì).",
    ]
