"""Counter clerk: call the next citizen, recall, absent, serve, transfer, and start an intake from the served ticket."""

import pandas as pd
import streamlit as st

from components.nav import PAGES
from components.ui import actor, call, failed, fetch
from services.queue import tickets as queue

INTAKE_PAGE = "pages/intake.py"

st.title("Quầy phục vụ")
me = actor()
counters = fetch(queue.my_counters, me, default=[])
if not counters:
    st.info("Đơn vị chưa có quầy nào đang hoạt động. Lãnh đạo phường cấu hình tại trang “Hàng chờ và quầy”.")
    st.stop()
by_id = {c["id"]: c for c in counters}
counter_id = st.selectbox(
    "Quầy của tôi",
    list(by_id),
    format_func=lambda i: f"Quầy {by_id[i]['number']} – {by_id[i]['name']}",
    key="counter__counter",
)
if flash := st.session_state.pop("counter__flash", None):
    st.success(flash, icon=":material/campaign:")


def act(service, message, **kwargs):
    """One clerk action; on success rerun the page with a short confirmation."""
    result = call(service, me, counter_id=counter_id, **kwargs)
    if not failed(result):
        st.session_state["counter__flash"] = message(result) if callable(message) else message
        st.rerun()


def intake_registered() -> bool:
    return any(spec.path == INTAKE_PAGE and me.roles & spec.roles for spec in PAGES)


board = fetch(queue.counter_board, me, counter_id=counter_id)
if board is None:
    st.stop()
current = board["current"]

with st.container(border=True):
    if current is None:
        st.markdown("### Quầy đang trống")
    else:
        label = queue.STATUS_LABELS[current["status"]]
        priority = f" · Ưu tiên: {current['priority_name']}" if current["priority_name"] else ""
        st.markdown(f"### {label}: **{current['code']}**{priority}")
        st.caption(f"Số lần gọi: {current['call_count']}" + (f" · SĐT {current['phone']}" if current["phone"] else ""))
    cols = st.columns(5)
    if cols[0].button("Gọi số tiếp theo", key="counter__next", type="primary", icon=":material/campaign:"):
        act(queue.call_next, lambda t: f"Mời số {t['code']}." if t else "Không còn ai đang chờ ở các nhóm của quầy.")
    is_called = current is not None and current["status"] == "called"
    if cols[1].button("Gọi lại", key="counter__recall", disabled=not is_called, icon=":material/replay:"):
        act(queue.recall, lambda t: f"Đã gọi lại số {t['code']}.")
    if cols[2].button("Vắng mặt", key="counter__no_show", disabled=not is_called, icon=":material/person_off:"):
        act(queue.mark_no_show, lambda t: f"Số {t['code']} vắng mặt.")
    if cols[3].button("Bắt đầu phục vụ", key="counter__start", disabled=not is_called, icon=":material/play_arrow:"):
        act(queue.start_service, lambda t: f"Đang phục vụ số {t['code']}.")
    if cols[4].button("Kết thúc", key="counter__finish", disabled=current is None, icon=":material/check:"):
        act(queue.finish_service, lambda t: f"Đã phục vụ xong số {t['code']}.")

if current is not None:
    left, right = st.columns(2)
    with left:
        others = {g["id"]: f"{g['letter']} – {g['name']}" for g in board["groups"] if g["id"] != current["group_id"]}
        target = st.selectbox("Chuyển sang nhóm", list(others), format_func=others.get, key="counter__transfer_to")
        if st.button("Chuyển nhóm", key="counter__transfer", disabled=not others):
            act(queue.transfer_ticket, lambda t: f"Đã chuyển số {t['code']} sang nhóm khác.", group_id=target)
    with right:
        st.write("Công dân nộp hồ sơ tại quầy:")
        if st.button("Tiếp nhận hồ sơ", key="counter__intake", type="primary", icon=":material/post_add:"):
            ticket = call(queue.ticket_for_intake, me, counter_id=counter_id)
            if not failed(ticket):
                st.session_state["intake__ticket_id"] = ticket["id"]
                if intake_registered():
                    st.switch_page(INTAKE_PAGE)
                st.info("Trang tiếp nhận hồ sơ chưa sẵn sàng cho tài khoản này.")

with st.expander("Gọi một số cụ thể (công dân vắng mặt quay lại, …)"):
    callable_ = {t["id"]: f"{t['code']} ({t['status']})" for t in board["callable"]}
    chosen = st.selectbox("Số thứ tự", list(callable_), format_func=callable_.get, key="counter__pick")
    if st.button("Gọi số này", key="counter__call_pick", disabled=not callable_):
        act(queue.call_ticket, lambda t: f"Mời số {t['code']}.", ticket_id=chosen)


@st.fragment(run_every="5s")
def waiting_line() -> None:
    live = fetch(queue.counter_board, me, counter_id=counter_id)
    if live is None:
        return
    st.subheader(f"Đang chờ ở các nhóm của quầy: {len(live['line'])} người")
    st.caption(
        f"Thứ tự gọi: ưu tiên trước; số thường chờ quá {live['fairness_minutes']} phút "
        "được gọi trước các số ưu tiên đến sau."
    )
    rows = [
        {
            "Số": t["code"],
            "Nhóm": t["group"],
            "Ưu tiên": t["priority"],
            "Lấy số lúc": t["issued"],
            "Đã chờ (phút)": t["waited_minutes"],
        }
        for t in live["line"]
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


waiting_line()
