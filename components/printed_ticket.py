"""Printed queue numbers: the clerk's "issue a number" panel and the kiosk key panel of the queue set-up."""

from __future__ import annotations

from urllib.parse import quote

import streamlit as st

from components.runtime import settings
from components.ui import call, failed, fetch
from services.core.clock import format_datetime
from services.core.roles import Actor
from services.queue import printed as queue_print


def counter_panel(me: Actor) -> None:
    """For a citizen without a phone: take a number in the line and print the 80 mm slip."""
    with st.expander("Cấp số in cho công dân không có điện thoại", icon=":material/print:"):
        options = fetch(queue_print.counter_ticket_options, me, default={"groups": [], "priorities": []})
        groups = {g["id"]: f"{g['letter']} – {g['name']}" for g in options["groups"]}
        priorities = {0: "Không thuộc đối tượng ưu tiên"} | {p["id"]: p["name"] for p in options["priorities"]}
        with st.form("printed__form", border=False):
            left, right = st.columns(2)
            group_id = left.selectbox("Nhóm", list(groups), format_func=groups.get, key="printed__group")
            priority_id = right.selectbox(
                "Đối tượng ưu tiên", list(priorities), format_func=priorities.get, key="printed__priority"
            )
            issued = st.form_submit_button("Cấp số và in phiếu", icon=":material/confirmation_number:")
        if issued:
            ticket = call(queue_print.issue_at_counter, me, group_id=group_id, priority_id=priority_id or None)
            if not failed(ticket):
                st.session_state["printed__last"] = {"code": ticket["code"], "token": ticket["token"]}
        last = st.session_state.get("printed__last")
        if last:
            slip = fetch(queue_print.ticket_pdf, token=last["token"], base_url=settings().public_base_url)
            st.success(f"Đã cấp số {last['code']}; số đã vào hàng chờ.", icon=":material/check:")
            if slip:
                st.download_button(
                    "Tải phiếu để in (PDF 80 mm)",
                    slip,
                    file_name=f"so-{last['code']}.pdf",
                    mime="application/pdf",
                    key="printed__download",
                    icon=":material/print:",
                )


def kiosk_key_panel(me: Actor, unit_id: int, unit_code: str) -> None:
    """The entrance kiosk's address with its key; a new key is shown once and replaces the old one."""
    st.markdown("**Máy lấy số tại sảnh (in phiếu)**")
    set_at = fetch(queue_print.kiosk_key_set_at, me, unit_id=unit_id)
    st.caption(
        f"Khóa máy lấy số tạo lúc {format_datetime(set_at)}." if set_at else "Chưa kích hoạt máy lấy số cho đơn vị."
    )
    if st.button("Tạo khóa máy lấy số mới", key="kiosk__new_key", icon=":material/key:"):
        key = call(queue_print.set_kiosk_key, me, unit_id=unit_id)
        if not failed(key):
            base = settings().public_base_url.rstrip("/")
            st.session_state["kiosk__shown"] = f"{base}/kiosk/{unit_code}?khoa={quote(key)}"
    shown = st.session_state.pop("kiosk__shown", None)
    if shown:
        st.warning("Mở địa chỉ này trên máy lấy số; địa chỉ chỉ hiện một lần.", icon=":material/key:")
        st.code(shown, language=None)
