"""Hồ sơ gửi đơn vị khác: what this center received that another unit processes — where it is, the paper, the post."""

import pandas as pd
import streamlit as st

from components.ui import actor, fetch
from services.core.clock import format_datetime
from services.processing.worklist import URGENCY_LABELS, format_remaining
from services.transfers import sent_elsewhere

ROW_COLOURS = {"overdue": "background-color: #fdd8d8", "near": "background-color: #fff0c2"}

me = actor()
st.title("Hồ sơ gửi đơn vị khác")
st.caption(
    "Hồ sơ do bộ phận một cửa của đơn vị tiếp nhận nhưng thuộc thẩm quyền đơn vị khác (hoặc đang chờ điều phối). "
    "Kết quả được gửi về đây để trả cho công dân."
)
include_finished = st.toggle("Gồm cả hồ sơ đã xong trong 30 ngày qua", key="sent_elsewhere__finished")
rows = fetch(sent_elsewhere.sent_elsewhere, me, include_finished=include_finished, default=[])

overdue_post = [r for r in rows if r["shipment_overdue"]]
first, second, third = st.columns(3)
first.metric("Hồ sơ", len(rows))
second.metric("Đang gửi bưu chính", sum(1 for r in rows if r["tracking_number"]))
third.metric("Chuyến gửi quá hạn xác nhận", len(overdue_post))
if overdue_post:
    st.error(
        "Chưa được xác nhận đã nhận quá thời hạn: "
        + ", ".join(f"{r['code']} (số hiệu {r['tracking_number']})" for r in overdue_post)
        + ". Liên hệ đơn vị nhận hoặc bưu điện.",
        icon=":material/local_shipping:",
    )
if not rows:
    st.info("Không có hồ sơ nào gửi đơn vị khác.", icon=":material/inbox:")
    st.stop()

table = pd.DataFrame(
    [
        {
            "Mã hồ sơ": r["code"],
            "Thủ tục": r["procedure_name"],
            "Người nộp": r["applicant_name"],
            "Nơi có đất": r["land_unit"] or "—",
            "Đơn vị xử lý": r["processing_unit"] or "Chờ điều phối",
            "Phòng": r["department"] or "—",
            "Trạng thái": r["status_label"],
            "Hẹn trả": format_datetime(r["due_at"]),
            "Còn lại": format_remaining(r["remaining_seconds"]) if r["remaining_seconds"] is not None else "—",
            "Mức độ": URGENCY_LABELS.get(r["urgency"], ""),
            "Hồ sơ giấy ở": r["paper_at"],
            "Kết quả ở": r["result_at"] or "—",
            "Bưu gửi": r["tracking_number"] + (" ⚠ quá hạn xác nhận" if r["shipment_overdue"] else ""),
        }
        for r in rows
    ]
)
urgencies = [r["urgency"] for r in rows]
styled = table.style.apply(lambda row: [ROW_COLOURS.get(urgencies[row.name], "")] * len(row), axis=1)
st.dataframe(styled, hide_index=True, width="stretch")
st.caption("Gửi hồ sơ giấy và xác nhận kết quả gửi về trên trang *Bưu chính công ích*.")
