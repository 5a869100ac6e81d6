"""Admin: the specialist departments of each unit."""

import pandas as pd
import streamlit as st

from components.pickers import unit_picker
from components.ui import actor, call, failed, fetch
from services.core import units

st.title("Phòng chuyên môn")
me = actor()
unit_id = unit_picker(me, key="departments__unit")
rows = fetch(units.list_departments, me, unit_id, default=[])
st.dataframe(
    pd.DataFrame(
        [
            {
                "Mã": r["code"],
                "Tên": r["name"],
                "Loại": units.DEPARTMENT_KINDS.get(r["kind"], r["kind"]),
                "Hoạt động": r["active"],
            }
            for r in rows
        ]
    ),
    hide_index=True,
    width="stretch",
)

with st.form("departments__create", clear_on_submit=True):
    st.subheader("Thêm phòng chuyên môn")
    code = st.text_input("Mã (không dấu)", key="departments__code")
    name = st.text_input("Tên phòng", key="departments__name")
    kind = st.selectbox(
        "Loại", list(units.DEPARTMENT_KINDS), format_func=units.DEPARTMENT_KINDS.get, key="departments__kind"
    )
    if st.form_submit_button("Thêm", type="primary"):
        if not failed(call(units.create_department, me, unit_id=unit_id, code=code, name=name, kind=kind)):
            st.success(f"Đã thêm phòng “{name}”.")
            st.rerun()

if rows:
    by_id = {r["id"]: r for r in rows}
    chosen = st.selectbox(
        "Bật/tắt phòng", list(by_id), format_func=lambda i: by_id[i]["name"], key="departments__toggle"
    )
    label = "Ngừng hoạt động" if by_id[chosen]["active"] else "Kích hoạt lại"
    if st.button(label, key="departments__toggle_button"):
        if not failed(call(units.set_department_active, me, department_id=chosen, active=not by_id[chosen]["active"])):
            st.rerun()
