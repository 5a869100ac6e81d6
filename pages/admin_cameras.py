"""Admin: the camera registry the operations center lists (name, location, unit, stream link, status)."""

import streamlit as st

from components import ioc
from components.tables import table
from components.ui import actor, call, failed, fetch
from services.core import units
from services.ioc import cameras

me = actor()
st.title("Camera giám sát")
rows = ioc.camera_list(me, None)
table(
    [
        {
            "Mã": c["id"],
            "Camera": c["name"],
            "Vị trí": c["location"],
            "Đơn vị": c["unit"],
            "Trạng thái": c["status_label"],
            "Luồng": c["stream_url"],
        }
        for c in rows
    ],
    key="cameras__list",
    filename="camera",
    empty="Chưa có camera nào.",
)

by_id = {c["id"]: c for c in rows}
unit_names = {u["id"]: u["name"] for u in fetch(units.list_units, default=[])}
editing = st.selectbox(
    "Camera",
    [None, *by_id],
    format_func=lambda i: "— Thêm camera mới —" if i is None else by_id[i]["name"],
    key="cameras__pick",
)
current = by_id.get(editing, {})
with st.form(f"cameras__form_{editing}"):
    name = st.text_input("Tên camera", value=current.get("name", ""), key=f"cameras__name_{editing}")
    location = st.text_input("Vị trí", value=current.get("location", ""), key=f"cameras__location_{editing}")
    unit_options = [None, *sorted(unit_names, key=unit_names.get)]
    unit_id = st.selectbox(
        "Đơn vị",
        unit_options,
        index=unit_options.index(current.get("unit_id")),
        format_func=lambda i: "Toàn thành phố" if i is None else unit_names[i],
        key=f"cameras__unit_{editing}",
    )
    stream_url = st.text_input(
        "Đường dẫn luồng (http/https/rtsp)", value=current.get("stream_url", ""), key=f"cameras__url_{editing}"
    )
    statuses = list(cameras.STATUS_LABELS)
    status = st.selectbox(
        "Trạng thái",
        statuses,
        index=statuses.index(current.get("status", "online")),
        format_func=cameras.STATUS_LABELS.get,
        key=f"cameras__status_{editing}",
    )
    if st.form_submit_button("Lưu", type="primary"):
        saved = call(
            cameras.save_camera,
            me,
            camera_id=editing,
            name=name,
            location=location,
            unit_id=unit_id,
            stream_url=stream_url,
            status=status,
        )
        if not failed(saved):
            ioc.clear()
            st.success("Đã lưu camera.")
            st.rerun()
