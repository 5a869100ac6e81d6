"""Tables to files: Excel (openpyxl) with one sheet per table, and CSV that Excel opens with Vietnamese intact."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from services.core.clock import format_date, format_datetime

MAX_SHEET_TITLE = 31
INVALID_SHEET_CHARS = str.maketrans({c: " " for c in "[]:*?/\\"})
FORMULA_STARTS = ("=", "+", "-", "@")


def cell(value):
    """Dates as dd/mm/yyyy, times as HH:MM dd/mm/yyyy, None as empty, numbers stay numbers."""
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value  # text typed by users must never run as a spreadsheet formula
    return "" if value is None else value


def to_csv(rows: Sequence[Mapping]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if rows:
        writer.writerow(list(rows[0]))
        writer.writerows([cell(v) for v in row.values()] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8


def to_excel(sheets: Mapping[str, Sequence[Mapping]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title.translate(INVALID_SHEET_CHARS)[:MAX_SHEET_TITLE] or "Sheet")
        headers = list(rows[0]) if rows else []
        sheet.append(headers)
        for row in rows:
            sheet.append([cell(v) for v in row.values()])
        for index, header in enumerate(headers, start=1):
            width = max([len(str(header)), *(len(str(cell(r[header]))) for r in rows[:200])])
            sheet.column_dimensions[get_column_letter(index)].width = min(60, width + 2)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
