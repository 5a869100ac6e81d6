"""Admin: which body handles each feedback category in a unit, and the deadline of complex feedback."""

import pandas as pd
import streamlit as st

from components.pickers import unit_picker
from components.ui import actor, call, failed, fetch
from services.feedback import routing

st.title("Định tuyến phản ánh")
me = actor()
if flash := st.session_state.pop("routing__flash", None):
    st.success(flash, icon=":material/check_circle:")
unit_id = unit_picker(me, key="routing__unit")
table = fetch(routing.routing_table, me, unit_id=unit_id, default=[])
st.dataframe(
    pd.DataFrame(
        [
            {
                "Lĩnh vực": row["category_label"],
                "Đơn vị xử lý": row["handler"],
                "Nguồn": f"Đã cấu hình ({row['updated_by']})" if row["configured"] else "Mặc định theo loại phòng",
            }
            for row in table
        ]
    ),
    hide_index=True,
    width="stretch",
)

if table:
    # 0 stands for the People's Committee: a None option cannot be told apart from "nothing selected".
    handlers = {0: routing.LEADER_LABEL, **fetch(routing.department_names, unit_id, default={})}
    by_category = {row["category"]: row for row in table}
    with st.form("routing__edit"):
        st.subheader("Đổi đơn vị xử lý")
        category = st.selectbox(
            "Lĩnh vực",
            list(by_category),
            format_func=lambda c: by_category[c]["category_label"],
            key="routing__category",
        )
        handler = st.selectbox("Đơn vị xử lý", list(handlers), format_func=handlers.get, key="routing__handler")
        if st.form_submit_button("Lưu", type="primary"):
            result = call(routing.set_route, me, unit_id=unit_id, category=category, department_id=handler or None)
            if not failed(result):
                st.session_state["routing__flash"] = "Đã lưu định tuyến."
                st.rerun()

st.subheader("Thời hạn xử lý phản ánh")
deadlines = fetch(routing.deadline_days, default={})
st.dataframe(
    pd.DataFrame(
        [
            {
                "Loại": d["label"],
                "Số ngày làm việc": d["working_days"],
                "Ghi chú": "Giá trị mẫu, cần đơn vị xác nhận" if d["is_sample"] else "",
            }
            for d in deadlines.values()
        ]
    ),
    hide_index=True,
    width="stretch",
)
st.caption(
    "Khẩn cấp 1 ngày làm việc và thông thường 3 ngày làm việc theo Quyết định 960/QĐ-UBND; "
    "thời hạn phản ánh phức tạp do thành phố quy định."
)
with st.form("routing__complex"):
    days = st.number_input(
        "Thời hạn phản ánh phức tạp (ngày làm việc)",
        min_value=1,
        max_value=routing.MAX_COMPLEX_DAYS,
        value=int(deadlines.get("complex", {}).get("working_days", 10)),
        key="routing__complex_days",
    )
    if st.form_submit_button("Lưu thời hạn"):
        if not failed(call(routing.set_complex_days, me, working_days=int(days))):
            st.session_state["routing__flash"] = "Đã lưu thời hạn."
            st.rerun()
