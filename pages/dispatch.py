"""Admin: the city dispatch queue — dossiers no route matched, each sent on to a unit and department by hand."""

import pandas as pd
import streamlit as st

from components.ui import actor, call, failed, fetch
from services.catalog import routing
from services.core.clock import format_datetime
from services.transfers import dispatch

st.title("Điều phối hồ sơ")
me = actor()
if flash := st.session_state.pop("dispatch__flash", None):
    st.success(flash, icon=":material/check_circle:")
st.caption(
    "Hồ sơ chưa có đơn vị xử lý phù hợp (không có quy tắc định tuyến và nơi có đất chưa có phòng chuyên môn) "
    "chờ ở đây, cũ nhất trước. Thời hạn trả kết quả vẫn tính từ lúc tiếp nhận."
)

queue = fetch(dispatch.dispatch_queue, me, default=[])
st.metric("Hồ sơ chờ điều phối", len(queue))
if not queue:
    st.info("Không có hồ sơ nào chờ điều phối.", icon=":material/inbox:")
    st.stop()

st.dataframe(
    pd.DataFrame(
        [
            {
                "Mã hồ sơ": row["code"],
                "Thủ tục": row["procedure_name"],
                "Nơi tiếp nhận": row["receiving_unit"],
                "Nơi có đất": row["land_unit"] or "—",
                "Tiếp nhận lúc": format_datetime(row["received_at"]),
                "Hẹn trả": format_datetime(row["due_at"]),
            }
            for row in queue
        ]
    ),
    hide_index=True,
    width="stretch",
)

by_id = {row["id"]: row for row in queue}
dossier_id = st.selectbox(
    "Hồ sơ cần điều phối",
    list(by_id),
    format_func=lambda i: f"{by_id[i]['code']} – {by_id[i]['procedure_name']}",
    key="dispatch__dossier",
)
chosen = by_id[dossier_id]
units = fetch(routing.unit_choices, default={})
suggested = chosen["land_unit_id"] or chosen["receiving_unit_id"]
unit_id = st.selectbox(
    "Đơn vị xử lý",
    list(units),
    index=list(units).index(suggested) if suggested in units else None,
    format_func=units.get,
    key=f"dispatch__unit_{dossier_id}",
)
departments = fetch(routing.department_choices, unit_id=unit_id, default={}) if unit_id else {}
if unit_id and not departments:
    st.warning("Đơn vị này chưa có phòng chuyên môn đang hoạt động: chọn đơn vị khác.", icon=":material/warning:")
department_id = st.selectbox(
    "Phòng chuyên môn",
    list(departments),
    format_func=departments.get,
    key=f"dispatch__department_{dossier_id}_{unit_id}",
)
remember = st.checkbox(
    "Lưu thành quy tắc định tuyến cho thủ tục này và nơi có đất này",
    value=bool(chosen["land_unit_id"]) and chosen["mode"] == "any_point",
    disabled=not (chosen["land_unit_id"] and chosen["mode"] == "any_point"),
    key=f"dispatch__remember_{dossier_id}",
)
if st.button("Điều phối", type="primary", key="dispatch__send", icon=":material/send:"):
    result = call(
        dispatch.dispatch_dossier,
        me,
        dossier_id=dossier_id,
        expected_version=chosen["version"],
        unit_id=unit_id,
        department_id=department_id,
        remember=remember,
    )
    if not failed(result):
        st.session_state["dispatch__flash"] = f"Đã chuyển hồ sơ {chosen['code']} đến {units.get(unit_id)}."
        st.rerun()
