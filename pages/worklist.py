"""Worklist: open dossiers of the user's scope, the least remaining working time first; overdue red, near due amber."""

import pandas as pd
import streamlit as st

from components.ui import actor, fetch
from services.core.clock import format_datetime
from services.processing import worklist

ALL = None
ROW_COLOURS = {"overdue": "background-color: #fdd8d8", "near": "background-color: #fff0c2", "paused": "", "ok": ""}

me = actor()
st.title("Hồ sơ cần xử lý")
st.caption(worklist.scope_label(me))

options = fetch(worklist.filter_options, me, default={"procedures": {}, "assignees": {}, "statuses": {}})
procedures = {ALL: "Tất cả thủ tục", **options["procedures"]}
statuses = {ALL: "Tất cả trạng thái", **options["statuses"]}
assignees = {ALL: "Mọi chuyên viên", worklist.UNASSIGNED: "Chưa phân công", **options["assignees"]}

left, middle, right = st.columns(3)
procedure_id = left.selectbox("Thủ tục", list(procedures), format_func=procedures.get, key="worklist__procedure")
status = middle.selectbox("Trạng thái", list(statuses), format_func=statuses.get, key="worklist__status")
assignee_id = right.selectbox("Chuyên viên", list(assignees), format_func=assignees.get, key="worklist__assignee")
page_number = int(st.session_state.get("worklist__page", 1))

result = fetch(
    worklist.worklist, me, procedure_id=procedure_id, status=status, assignee_id=assignee_id, page=page_number
)
if result is None:
    st.stop()

first, second, third = st.columns(3)
first.metric("Hồ sơ đang giải quyết", result.total)
second.metric("Quá hạn (cả danh sách)", result.overdue)
third.metric("Trang", f"{result.page}/{result.pages}")

if not result.rows:
    st.info("Không có hồ sơ nào cần xử lý theo bộ lọc này.", icon=":material/inbox:")
    st.stop()

table = pd.DataFrame(
    [
        {
            "Mã hồ sơ": r["code"],
            "Thủ tục": r["procedure_name"],
            "Người nộp": r["applicant_name"],
            "Trạng thái": r["status_label"],
            "Chuyên viên": r["assignee_name"] or "Chưa phân công",
            "Hẹn trả": format_datetime(r["due_at"]),
            "Còn lại (giờ làm việc)": worklist.format_remaining(r["remaining_seconds"]),
            "Mức độ": worklist.URGENCY_LABELS[r["urgency"]],
        }
        for r in result.rows
    ]
)
urgencies = [r["urgency"] for r in result.rows]
styled = table.style.apply(lambda row: [ROW_COLOURS[urgencies[row.name]]] * len(row), axis=1)
st.dataframe(styled, hide_index=True, width="stretch")

if page_number != result.page:
    st.session_state["worklist__page"] = result.page
st.number_input("Trang", min_value=1, max_value=result.pages, step=1, key="worklist__page")

codes = [r["code"] for r in result.rows]
chosen = st.selectbox("Mở hồ sơ", codes, key="worklist__open_code")
if st.button("Mở hồ sơ", key="worklist__open", type="primary", icon=":material/folder_open:"):
    st.session_state.pop("dossier__id", None)
    st.session_state["dossier__opened_code"] = chosen
    st.switch_page("pages/dossier.py", query_params={"ma": chosen})
