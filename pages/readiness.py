"""Admin and city leaders: is each of the 94 units ready to open — what is present, and every missing item named."""

import streamlit as st

from components.tables import table
from components.ui import actor, fetch
from services.core.text import ascii_fold
from services.rollout import readiness

st.title("Sẵn sàng vận hành các đơn vị")
me = actor()
st.caption(
    "Mỗi dòng là một phường, xã, đặc khu: số cán bộ theo vai trò, phòng chuyên môn, nhóm dịch vụ và quầy, số thủ tục "
    "đơn vị giải quyết được (thủ tục chuyển phòng cần phòng cùng lĩnh vực; thủ tục không phụ thuộc địa giới cần nơi xử "
    "lý cho đất tại đơn vị), định tuyến phản ánh, và áp phích mã QR lấy số đã được tải về in chưa."
)
report = fetch(readiness.readiness_report, me, default={"summary": {}, "rows": []})
summary = report["summary"]
if summary:
    columns = st.columns(4)
    columns[0].metric("Đơn vị sẵn sàng", f"{summary['ready']}/{summary['units']}")
    columns[1].metric("Có lãnh đạo và một cửa", summary["with_staff"])
    columns[2].metric("Có quầy phục vụ", summary["with_counters"])
    columns[3].metric("Đã tải áp phích QR", summary["with_poster"])

left, right = st.columns([1, 2])
only_missing = left.toggle("Chỉ đơn vị còn thiếu", key="readiness__only_missing")
search = right.text_input("Tìm đơn vị (tên hoặc mã)", key="readiness__search")
needle = ascii_fold(search).lower().strip()
rows = [
    row
    for row in report["rows"]
    if not (only_missing and row["Sẵn sàng"] == "Có")
    and (not needle or needle in ascii_fold(f"{row['Đơn vị']} {row['Mã']}").lower())
]
table(rows, key="readiness__table", filename="san-sang-van-hanh", empty="Không có đơn vị nào khớp.")
