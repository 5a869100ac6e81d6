"""A table on screen with its Excel and CSV downloads (every IOC table can be taken to a meeting)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime

import pandas as pd
import streamlit as st

from services.core.clock import format_date, format_datetime
from services.core.exports import to_csv, to_excel

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def table(rows: Sequence[Mapping], *, key: str, filename: str, empty: str = "Không có dữ liệu.") -> None:
    if not rows:
        st.caption(empty)
        return
    st.dataframe(frame(rows), hide_index=True, width="stretch")
    left, right, _ = st.columns([1, 1, 4])
    left.download_button(
        "Tải Excel",
        to_excel({filename[:31]: rows}),
        f"{filename}.xlsx",
        XLSX,
        key=f"{key}__xlsx",
        icon=":material/download:",
    )
    right.download_button(
        "Tải CSV", to_csv(rows), f"{filename}.csv", "text/csv", key=f"{key}__csv", icon=":material/download:"
    )


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
