"""Bưu chính công ích: send paper dossiers and results between units or to a citizen, confirm what arrived, print the
shipment manifest. Clerks and specialists of either end."""

from datetime import datetime

import pandas as pd
import streamlit as st

from components.ui import actor, call, failed, fetch
from services.core.clock import LOCAL_TZ, format_datetime, local, now
from services.transfers import postal, postal_forms

FLASH = "postal__flash"

st.title("Bưu chính công ích")
me = actor()
if flash := st.session_state.pop(FLASH, None):
    st.success(flash, icon=":material/check_circle:")


def done(message: str) -> None:
    st.session_state[FLASH] = message
    st.rerun()


received = fetch(postal.shipments, me, direction="incoming", default=[])
incoming = [s for s in received if s["status"] == "sent"]
outgoing = fetch(postal.shipments, me, direction="outgoing", default=[])
late_in = [s for s in incoming if s["overdue"]]
late_out = [s for s in outgoing if s["overdue"]]
if late_in or late_out:
    st.error(
        f"Chuyến gửi quá hạn xác nhận: {len(late_in)} chuyến đến đơn vị chưa xác nhận đã nhận, "
        f"{len(late_out)} chuyến đã gửi chưa được bên nhận xác nhận.",
        icon=":material/local_shipping:",
    )

receive_tab, send_tab, sent_tab, manifest_tab = st.tabs(
    [f"Chờ xác nhận đã nhận ({len(incoming)})", "Gửi bưu chính", "Đã gửi", "Bảng kê"]
)

with receive_tab:
    if not incoming:
        st.info("Không có chuyến gửi nào đang chờ đơn vị xác nhận.", icon=":material/inbox:")
    for shipment in incoming:
        with st.container(border=True):
            st.markdown(
                f"**{shipment['tracking_number']}** · {shipment['carrier_label']} · {shipment['kind_label']}  \n"
                f"Từ {shipment['from_unit']} · gửi {format_datetime(shipment['sent_at'])} · "
                f"hạn xác nhận {format_datetime(shipment['confirm_due_at'])}"
            )
            if shipment["overdue"]:
                st.warning("Quá hạn xác nhận đã nhận.", icon=":material/schedule:")
            st.caption("Hồ sơ: " + ", ".join(shipment["dossier_codes"]))
            if st.button("Xác nhận đã nhận", key=f"postal__receive_{shipment['id']}", type="primary"):
                if not failed(call(postal.confirm_receipt, me, shipment_id=shipment["id"])):
                    done(f"Đã xác nhận nhận chuyến gửi {shipment['tracking_number']}.")

with send_tab:
    kind = st.radio(
        "Loại chuyến gửi", list(postal.KINDS), format_func=postal.KINDS.get, key="postal__kind", horizontal=True
    )
    candidates = {row["id"]: row for row in fetch(postal.shippable, me, kind=kind, default=[])}
    if not candidates:
        st.info("Không có hồ sơ nào ở đơn vị bạn có thể gửi theo loại chuyến này.", icon=":material/inbox:")
    chosen = st.multiselect(
        "Hồ sơ trong chuyến gửi",
        list(candidates),
        format_func=lambda i: f"{candidates[i]['code']} – {candidates[i]['procedure_name']}",
        key=f"postal__dossiers_{kind}",
    )
    address = ""
    if kind == "citizen" and chosen:
        address = st.text_input(
            "Địa chỉ nhận của công dân",
            value=candidates[chosen[0]]["applicant_address"],
            key=f"postal__address_{chosen[0]}",
        )
    left, right = st.columns(2)
    carrier = left.selectbox(
        "Đơn vị chuyển phát", list(postal.CARRIERS), format_func=postal.CARRIERS.get, key="postal__carrier"
    )
    tracking = right.text_input("Số hiệu bưu gửi", key="postal__tracking", placeholder="VD: EB123456789VN")
    moment = local(now())
    left, right = st.columns(2)
    sent_on = left.date_input("Ngày giao bưu điện", value=moment.date(), format="DD/MM/YYYY", key="postal__sent_on")
    sent_time = right.time_input(
        "Giờ giao", value=moment.time().replace(second=0, microsecond=0), key="postal__sent_time"
    )
    note = st.text_input("Ghi chú (không bắt buộc)", key="postal__note")
    if st.button("Ghi nhận chuyến gửi", type="primary", key="postal__send", icon=":material/local_shipping:"):
        shipment_id = call(
            postal.send_shipment,
            me,
            kind=kind,
            carrier=carrier,
            tracking_number=tracking,
            dossier_ids=chosen,
            sent_at=datetime.combine(sent_on, sent_time, tzinfo=LOCAL_TZ),
            to_address=address,
            note=note,
        )
        if not failed(shipment_id):
            st.session_state["postal__manifest"] = shipment_id
            done(f"Đã ghi nhận chuyến {tracking.strip().upper()} gồm {len(chosen)} hồ sơ; in bảng kê ở thẻ “Bảng kê”.")

with sent_tab:
    if not outgoing:
        st.info("Đơn vị chưa gửi chuyến nào.", icon=":material/inbox:")
    else:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "Số hiệu": s["tracking_number"],
                        "Loại": s["kind_label"],
                        "Nơi nhận": s["to"],
                        "Gửi lúc": format_datetime(s["sent_at"]),
                        "Hạn xác nhận": format_datetime(s["confirm_due_at"]),
                        "Trạng thái": s["status_label"] + (" – QUÁ HẠN" if s["overdue"] else ""),
                        "Xác nhận lúc": format_datetime(s["confirmed_at"]),
                        "Hồ sơ": ", ".join(s["dossier_codes"]),
                    }
                    for s in outgoing
                ]
            ),
            hide_index=True,
            width="stretch",
        )
    to_citizens = {s["id"]: s for s in outgoing if s["kind"] == "citizen" and s["status"] == "sent"}
    if to_citizens:
        st.subheader("Xác nhận bưu điện đã phát kết quả cho công dân")
        with st.form("postal__delivery"):
            delivered = st.selectbox(
                "Chuyến gửi",
                list(to_citizens),
                format_func=lambda i: (
                    f"{to_citizens[i]['tracking_number']} – {', '.join(to_citizens[i]['dossier_codes'])}"
                ),
                key="postal__delivered",
            )
            recipient = st.text_input("Người ký nhận (theo phiếu báo phát)", key="postal__recipient")
            if st.form_submit_button("Xác nhận đã phát", type="primary"):
                if not failed(call(postal.confirm_delivery, me, shipment_id=delivered, recipient=recipient)):
                    done("Đã xác nhận phát kết quả cho công dân; hồ sơ chuyển sang “Đã trả kết quả”.")

with manifest_tab:
    every = {s["id"]: s for s in sorted([*outgoing, *received], key=lambda s: -s["id"])}
    if not every:
        st.info("Chưa có chuyến gửi nào để in bảng kê.", icon=":material/inbox:")
    else:
        ids = list(every)
        last = st.session_state.get("postal__manifest")
        picked = st.selectbox(
            "Chuyến gửi",
            ids,
            index=ids.index(last) if last in ids else 0,
            format_func=lambda i: f"{every[i]['tracking_number']} – {every[i]['from_unit']} → {every[i]['to']}",
            key="postal__manifest_pick",
        )
        pdf = fetch(postal_forms.manifest_pdf, me, shipment_id=picked)
        if pdf:
            st.download_button(
                "Tải bảng kê (PDF)",
                pdf,
                file_name=f"bang-ke-{every[picked]['tracking_number']}.pdf",
                mime="application/pdf",
                icon=":material/print:",
                key="postal__manifest_download",
            )
