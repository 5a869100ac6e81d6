"""Sổ theo dõi hồ sơ: every dossier the unit received in a period, its appointment, result, return, on time or late."""

from datetime import timedelta

import pandas as pd
import streamlit as st

from components.ui import actor, fetch
from services.core.clock import format_date, format_datetime, local_today
from services.dossiers import counter_forms as legal_counter_forms

st.title("Sổ theo dõi hồ sơ")
me = actor()
today = local_today()
first, second = st.columns(2)
start = first.date_input("Từ ngày", value=today - timedelta(days=30), format="DD/MM/YYYY", key="book__start")
end = second.date_input("Đến ngày", value=today, format="DD/MM/YYYY", key="book__end")

rows = fetch(legal_counter_forms.tracking_book, me, unit_id=me.unit_id, start=start, end=end, default=None)
if rows is None:
    st.stop()
st.caption(f"{len(rows)} hồ sơ tiếp nhận từ {format_date(start)} đến {format_date(end)}.")
shown = [{k: format_datetime(v) if hasattr(v, "tzinfo") and v else v for k, v in row.items()} for row in rows]
st.dataframe(pd.DataFrame(shown, columns=legal_counter_forms.BOOK_COLUMNS), hide_index=True, width="stretch")

name = f"so-theo-doi-ho-so-{start:%Y%m%d}-{end:%Y%m%d}"
left, right = st.columns(2)
excel = fetch(legal_counter_forms.tracking_book_excel, me, unit_id=me.unit_id, start=start, end=end)
if excel:
    left.download_button(
        "Tải Excel", excel, file_name=f"{name}.xlsx", key="book__excel", icon=":material/table_view:",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )  # fmt: skip
document = fetch(legal_counter_forms.tracking_book_pdf, me, unit_id=me.unit_id, start=start, end=end)
if document:
    right.download_button(
        "Tải PDF", document, file_name=f"{name}.pdf", mime="application/pdf", key="book__pdf", icon=":material/print:"
    )
