"""Parts of the feedback desk for exchange between systems and units: the emergency flag, where an item came from,
its location and the unit suggested for it, the transfer form, and the items this unit passed to others."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.runtime import settings
from components.ui import act, fetch
from services.feedback import details as feedback_details
from services.feedback import transfer as feedback_transfer


def show_details(me, item: dict) -> None:
    details = fetch(feedback_details.desk_details, me, feedback_id=item["id"])
    if not details:
        return
    if details["emergency"]:
        st.error(f"Khẩn cấp — xử lý trong ngày: {details['emergency']}", icon=":material/emergency:")
    st.caption(f"Nguồn: {details['source_label']}")
    if details["latitude"] is not None:
        st.caption("Vị trí trên bản đồ (vĩ độ, kinh độ)")
        st.text(f"{details['latitude']:.6f}, {details['longitude']:.6f}")
    if details["suggested_unit"]:
        st.caption(f"Đơn vị gợi ý ({details['suggestion_basis'].lower()})")
        st.text(details["suggested_unit"])
        if details["suggested_unit_id"] != item["unit_id"]:
            st.warning("Đơn vị gợi ý khác đơn vị đang nhận phản ánh: cân nhắc chuyển đơn vị.", icon=":material/info:")
    elif details["latitude"] is not None:
        st.caption("Chưa có dữ liệu ranh giới phường/xã để gợi ý đơn vị theo tọa độ.")


def transfer_form(me, item: dict) -> None:
    targets = fetch(feedback_transfer.transfer_targets, me, feedback_id=item["id"])
    if not targets or not targets["can_transfer"]:
        return
    clock = settings().feedback_transfer_clock
    with st.expander("Chuyển đơn vị xử lý khác (phường/xã khác)"):
        with st.form("feedback__transfer_form"):
            units = targets["units"]
            to_unit = st.selectbox(
                "Đơn vị nhận", list(units), format_func=units.get, index=None, key="feedback__transfer_unit"
            )
            reason = st.text_area("Lý do chuyển", key="feedback__transfer_reason")
            st.caption(f"Thời hạn sau khi chuyển: {feedback_transfer.CLOCK_RULES[clock]}.")
            if st.form_submit_button("Chuyển đơn vị"):
                act(
                    feedback_transfer.transfer,
                    me,
                    feedback_id=item["id"],
                    to_unit_id=to_unit,
                    reason=reason,
                    expected_version=item["version"],
                    clock=clock,
                    done=lambda result: f"Đã chuyển phản ánh tới {result['unit']}.",
                )


def transferred_out(me, unit_id: int | None) -> None:
    if unit_id is None:
        return
    rows = fetch(feedback_transfer.transferred_out, me, unit_id=unit_id, default=[])
    if not rows:
        return
    with st.expander(f"Đã chuyển đơn vị khác ({len(rows)})"):
        frame = pd.DataFrame(
            [
                {
                    "Mã": r["code"],
                    "Tiêu đề": r["title"],
                    "Đang ở": r["current_unit"],
                    "Đơn vị xử lý": r["handler"],
                    "Trạng thái": r["status_label"],
                    "Hạn xử lý": r["due"],
                    "Chuyển lúc": r["transferred"],
                    "Lý do": r["reason"],
                }
                for r in rows
            ]
        )
        st.dataframe(frame, hide_index=True, width="stretch")
        by_id = {r["id"]: r for r in rows}
        chosen = st.selectbox(
            "Xem quá trình xử lý",
            list(by_id),
            format_func=lambda i: f"{by_id[i]['code']} · {by_id[i]['title'][:60]}",
            key="feedback__transferred_selected",
        )
        history = fetch(feedback_transfer.history, me, feedback_id=chosen)
        if history:
            st.dataframe(
                pd.DataFrame(
                    [
                        {"Thời điểm": e["at_text"], "Thao tác": e["label"], "Ghi chú": e["note"]}
                        for e in history["events"]
                    ]
                ),
                hide_index=True,
                width="stretch",
            )
