"""Admin: where dossiers received regardless of administrative boundaries go (procedure × land unit → processing unit
and department), and how long the other end has to confirm a postal shipment."""

import pandas as pd
import streamlit as st

from components.ui import actor, call, failed, fetch
from services.catalog import routing
from services.transfers import postal

st.title("Định tuyến hồ sơ liên thông")
me = actor()
if flash := st.session_state.pop("admin_routing__flash", None):
    st.success(flash, icon=":material/check_circle:")
st.caption(
    "Hồ sơ thủ tục tiếp nhận không phụ thuộc địa giới hành chính được chuyển đến đơn vị xử lý theo nơi có đất. "
    "Không có quy tắc riêng thì dùng mặc định: phòng cùng lĩnh vực của chính phường/xã nơi có đất; "
    "không có phòng phù hợp thì hồ sơ vào hàng chờ điều phối của thành phố."
)

procedures = {p["id"]: p["name"] for p in fetch(routing.any_point_procedures, me, default=[])}
if not procedures:
    st.info("Chưa có thủ tục nào tiếp nhận không phụ thuộc địa giới hành chính.", icon=":material/info:")
    st.stop()
procedure_id = st.selectbox("Thủ tục", list(procedures), format_func=procedures.get, key="admin_routing__procedure")
table = fetch(routing.routing_table, me, procedure_id=procedure_id, default=[])
only_special = st.toggle("Chỉ hiện quy tắc riêng và nơi chưa có đơn vị xử lý", key="admin_routing__special")
shown = [row for row in table if not only_special or row["source"] != "default"]
st.dataframe(
    pd.DataFrame(
        [
            {
                "Nơi có đất": row["land_unit"],
                "Đơn vị xử lý": row["processing_unit"] or "—",
                "Phòng chuyên môn": row["department"] or "—",
                "Căn cứ": routing.SOURCE_LABELS[row["source"]],
            }
            for row in shown
        ],
        columns=["Nơi có đất", "Đơn vị xử lý", "Phòng chuyên môn", "Căn cứ"],
    ),
    hide_index=True,
    width="stretch",
)

units = fetch(routing.unit_choices, default={})
st.subheader("Đặt quy tắc riêng")
left, right = st.columns(2)
land_unit_id = left.selectbox(
    "Nơi có đất", list(units), index=None, format_func=units.get, key="admin_routing__land", placeholder="Chọn…"
)
processing_unit_id = right.selectbox(
    "Đơn vị xử lý", list(units), index=None, format_func=units.get, key="admin_routing__unit", placeholder="Chọn…"
)
departments = fetch(routing.department_choices, unit_id=processing_unit_id, default={}) if processing_unit_id else {}
if processing_unit_id and not departments:
    st.warning("Đơn vị này chưa có phòng chuyên môn đang hoạt động.", icon=":material/warning:")
department_id = st.selectbox(
    "Phòng chuyên môn",
    list(departments),
    format_func=departments.get,
    key=f"admin_routing__department_{processing_unit_id}",
)
save, clear = st.columns(2)
if save.button("Lưu quy tắc", type="primary", key="admin_routing__save", icon=":material/save:"):
    result = call(
        routing.set_route,
        me,
        procedure_id=procedure_id,
        land_unit_id=land_unit_id,
        processing_unit_id=processing_unit_id,
        department_id=department_id,
    )
    if not failed(result):
        st.session_state["admin_routing__flash"] = f"Đã lưu quy tắc cho nơi có đất {units.get(land_unit_id)}."
        st.rerun()
if clear.button("Bỏ quy tắc riêng (dùng mặc định)", key="admin_routing__clear", icon=":material/undo:"):
    result = call(routing.clear_route, me, procedure_id=procedure_id, land_unit_id=land_unit_id)
    if not failed(result):
        st.session_state["admin_routing__flash"] = f"{units.get(land_unit_id)} dùng lại quy tắc mặc định."
        st.rerun()

st.subheader("Bưu chính công ích")
settings = fetch(postal.get_settings, default={"confirm_within_days": postal.DEFAULT_CONFIRM_DAYS, "is_sample": True})
if settings["is_sample"]:
    st.caption("*Giá trị mẫu — cần kiểm tra* với thỏa thuận của thành phố và bưu điện.")
with st.form("admin_routing__postal"):
    days = st.number_input(
        "Số ngày làm việc để nơi nhận xác nhận chuyến gửi (quá hạn thì cảnh báo ở cả hai đầu)",
        min_value=1,
        max_value=postal.MAX_CONFIRM_DAYS,
        value=int(settings["confirm_within_days"]),
        step=1,
        key="admin_routing__confirm_days",
    )
    if st.form_submit_button("Lưu thời hạn xác nhận"):
        if not failed(call(postal.set_confirm_days, me, days=int(days))):
            st.session_state["admin_routing__flash"] = f"Chuyến gửi cần được xác nhận trong {int(days)} ngày làm việc."
            st.rerun()
