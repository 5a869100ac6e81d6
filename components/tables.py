"""A table on screen with its Excel and CSV downloads (every IOC table can be taken to a meeting)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime

import pandas as pd
import streamlit as st

from components.long_job import run_once
from components.ui import actor, failed
from services.core.clock import format_date, format_datetime
from services.core.exports import to_csv, to_excel

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LARGE_EXPORT_ROWS = 5000  # above this, building the files takes seconds: made on request, with progress


def table(rows: Sequence[Mapping], *, key: str, filename: str, empty: str = "Không có dữ liệu.") -> None:
    if not rows:
        st.caption(empty)
        return
    st.dataframe(frame(rows), hide_index=True, width="stretch")
    files = (
        (to_excel({filename[:31]: rows}), to_csv(rows))
        if len(rows) <= LARGE_EXPORT_ROWS
        else _large(rows, key, filename)
    )
    if files is None:
        return
    left, right, _ = st.columns([1, 1, 4])
    left.download_button(
        "Tải Excel", files[0], f"{filename}.xlsx", XLSX, key=f"{key}__xlsx", icon=":material/download:"
    )
    right.download_button(
        "Tải CSV", files[1], f"{filename}.csv", "text/csv", key=f"{key}__csv", icon=":material/download:"
    )


def _large(rows: Sequence[Mapping], key: str, filename: str) -> tuple[bytes, bytes] | None:
    """A large table's files are made on request, with a progress panel, once at a time per user and table."""
    identity = (len(rows), repr(rows[0]), repr(rows[-1]))
    stored = st.session_state.get(f"{key}__files")
    if stored and stored[0] == identity:
        return stored[1]
    if not st.button(f"Lập tệp Excel và CSV ({len(rows):,} dòng)".replace(",", "."), key=f"{key}__build"):
        return None

    def build(progress) -> tuple:
        progress(0.1, "Đang lập tệp Excel…")
        xlsx = to_excel({filename[:31]: rows})
        progress(0.7, "Đang lập tệp CSV…")
        return identity, (xlsx, to_csv(rows))

    built = run_once(f"export:{key}:{actor().username}", "Lập tệp xuất dữ liệu", build, result_key=f"{key}__files")
    return None if failed(built) else built[1]


def frame(rows: Sequence[Mapping]) -> pd.DataFrame:
    """Columns mixing numbers and text (an indicator table) are shown as text, which Arrow accepts."""
    data = pd.DataFrame([{k: shown(v) for k, v in r.items()} for r in rows])
    for column in data.columns:
        kinds = {type(v) for v in data[column] if v is not None and v == v}
        if len(kinds) > 1 and str in kinds:
            data[column] = [("" if v is None else str(v)) for v in data[column]]
    return data


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f} %".replace(".", ",")


def number(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}".replace(".", ",")


def shown(value):
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return format_date(value)
    return value
