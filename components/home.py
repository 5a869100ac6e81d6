"""The home screen of each role: a few figures, each with a link to the page that acts on it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.nav import PAGES
from components.ui import FLASH, call, failed, fetch
from services.core.clock import format_datetime
from services.core.roles import DEPARTMENT_HEAD, Actor
from services.home import screens as home
from services.processing.worklist import format_remaining
from services.queue import tickets as queue


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}".replace(".", ",")


def link(me: Actor, path: str, label: str, icon: str, key: str) -> None:
    """A link to a page this role may open (a page not registered for the role cannot be linked)."""
    if any(spec.path == path and me.roles & spec.roles for spec in PAGES):
        with st.container(key=key):
            st.page_link(path, label=label, icon=icon)


def _plain(text: str) -> str:
    """Text typed by an admin, shown in a markdown element without being read as markdown."""
    return "".join(f"\\{ch}" if ch in "\\`*_{}[]()#+-.!|<>~$:" else ch for ch in text)


def _tile(column, label: str, value, help_text: str = "") -> None:
    column.metric(label, value, help=help_text or None, border=True)


def _table(rows: list[dict]) -> None:
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


# Clerk ----------------------------------------------------------------------------------------------------------


def clerk(me: Actor) -> None:
    data = fetch(home.clerk_home, me)
    if data is None:
        return
    st.subheader("Hàng chờ tại quầy của tôi")
    if not data["counters"]:
        st.info("Đơn vị chưa có quầy nào đang hoạt động.", icon=":material/info:")
    for counter in data["counters"]:
        _counter_card(me, counter)
    link(me, "pages/counter.py", "Mở màn hình quầy phục vụ", ":material/campaign:", "home__link_counter")

    st.subheader("Việc trong ngày")
    first, second, third = st.columns(3)
    _tile(first, "Hồ sơ hẹn trả hôm nay", len(data["due_today"]), "Hồ sơ do đơn vị tiếp nhận, hẹn trả hôm nay.")
    _tile(second, "Kết quả chờ trả", data["ready_to_return"], "Đã có kết quả tại bộ phận một cửa.")
    _tile(third, "Chuyến bưu chính chờ xác nhận nhận", data["shipments_to_confirm"])
    with first:
        link(me, "pages/worklist.py", "Theo dõi hồ sơ", ":material/assignment:", "home__link_due_today")
    with second:
        link(me, "pages/return_result.py", "Trả kết quả", ":material/outbox:", "home__link_return")
    with third:
        link(me, "pages/postal.py", "Xác nhận chuyến gửi", ":material/local_shipping:", "home__link_postal")
    st.metric("Hồ sơ trực tuyến chờ tiếp nhận", data["online_inbox"], border=True)
    link(me, "pages/online_inbox.py", "Mở hộp hồ sơ trực tuyến", ":material/inbox:", "home__link_online")
    if data["due_today"]:
        _table(
            [
                {"Mã hồ sơ": d["code"], "Người nộp": d["applicant_name"], "Hẹn trả": format_datetime(d["due_at"])}
                for d in data["due_today"]
            ]
        )


def _counter_card(me: Actor, counter: dict) -> None:
    with st.container(border=True):
        left, right = st.columns([3, 1], vertical_alignment="center")
        groups = " · ".join(f"{name}: {n}" for name, n in counter["per_group"].items()) or "không ai chờ"
        left.text(f"{counter['label']} — đang chờ {counter['waiting']} ({groups})")  # names typed by an admin
        now_serving = f"Đang ở quầy: {counter['current']}" if counter["current"] else "Quầy đang trống"
        left.caption(f"{now_serving} · Số tiếp theo: {counter['next'] or '—'}")
        if right.button("Gọi số tiếp theo", key=f"home__call_{counter['id']}", icon=":material/campaign:"):
            called = call(queue.call_next, me, counter_id=counter["id"])
            if not failed(called):
                st.session_state["counter__counter"] = counter["id"]
                st.session_state[FLASH] = (
                    f"Mời số {called['code']}." if called else "Không còn ai đang chờ ở các nhóm của quầy."
                )
                st.switch_page("pages/counter.py")


# Specialist and department head ---------------------------------------------------------------------------------


def department(me: Actor) -> None:
    data = fetch(home.department_home, me)
    if data is None:
        return
    head = me.has(DEPARTMENT_HEAD)
    first, second, third, fourth = st.columns(4)
    _tile(first, "Hồ sơ của phòng" if head else "Hồ sơ của tôi", data["mine_total"])
    _tile(second, "Quá hạn", data["mine_overdue"])
    _tile(third, "Chưa phân công trong phòng", data["unassigned_total"])
    _tile(fourth, "Bổ sung đã nhận lại (7 ngày)", len(data["supplements_back"]))
    with first:
        link(me, "pages/worklist.py", "Mở danh sách hồ sơ", ":material/assignment:", "home__link_mine")
    with third:
        link(me, "pages/worklist.py", "Phân công / nhận hồ sơ", ":material/person_add:", "home__link_unassigned")
    with fourth:
        link(me, "pages/dossier.py", "Tra cứu hồ sơ", ":material/folder_open:", "home__link_supplements")
    st.subheader("Theo thời gian còn lại (trễ trước)")
    if data["mine"]:
        _table(
            [
                {
                    "Mã hồ sơ": row["code"],
                    "Thủ tục": row["procedure_name"],
                    "Người nộp": row["applicant_name"],
                    "Còn lại": format_remaining(row["remaining_seconds"]),
                    "Trạng thái": row["status_label"],
                }
                for row in data["mine"]
            ]
        )
    else:
        st.caption("Không có hồ sơ nào đang chờ xử lý.")
    if data["supplements_back"]:
        st.subheader("Công dân đã nộp bổ sung — tiếp tục xử lý")
        _table(
            [
                {
                    "Mã hồ sơ": s["code"],
                    "Thủ tục": s["procedure_name"],
                    "Nhận bổ sung": format_datetime(s["received_at"]),
                }
                for s in data["supplements_back"]
            ]
        )


# Ward leader ----------------------------------------------------------------------------------------------------


def leader(me: Actor) -> None:
    data = fetch(home.leader_home, me)
    if data is None:
        return
    link(me, "pages/ioc.py", "Mở Trung tâm điều hành", ":material/monitoring:", "home__link_ioc")
    today = data["today"]
    st.subheader("Hôm nay")
    cols = st.columns(4)
    _tile(cols[0], "Tiếp nhận hôm nay", today["received"])
    _tile(cols[1], "Đúng hạn", _percent(today["on_time_rate"]), "Tỷ lệ hồ sơ giải quyết đúng hạn (kỳ: hôm nay).")
    _tile(cols[2], "Hồ sơ quá hạn", data["overdue"], "Hồ sơ đang giải quyết đã quá hạn.")
    _tile(cols[3], "Sắp đến hạn", data["near_due"], "Còn ≤ 24 giờ làm việc.")
    with cols[2]:
        link(me, "pages/ioc.py", "Xem cảnh báo sớm", ":material/warning:", "home__link_warnings")
    if data["warnings"]:
        _table(
            [
                {"Mức": w["level_label"], "Mã hồ sơ": w["code"], "Thủ tục": w["procedure"], "Đang ở": w["department"]}
                for w in data["warnings"]
            ]
        )
    st.subheader("Phản ánh, kiến nghị và thiên tai")
    cols = st.columns(3)
    feedback = data["feedback"]
    _tile(cols[0], "Phản ánh đang mở", feedback["open"])
    _tile(cols[1], "Phản ánh quá hạn / hạn hôm nay", f"{feedback['overdue']} / {feedback['due_today']}")
    _tile(cols[2], "Trạm mực nước vượt báo động", len(data["river_alerts"]))
    with cols[1]:
        link(me, "pages/feedback_desk.py", "Xử lý phản ánh", ":material/campaign:", "home__link_feedback")
    with cols[2]:
        link(me, "pages/ioc_rivers.py", "Mực nước, lượng mưa", ":material/water:", "home__link_rivers")
    for station in data["river_alerts"]:
        st.warning(_plain(f"{station['name']} ({station['river']}): {station['alert_label']}"), icon=":material/flood:")


# City leader and administrator ----------------------------------------------------------------------------------


def city(me: Actor) -> None:
    data = fetch(home.city_home, me)
    if data is None:
        return
    today, ready = data["today"], data["readiness"]
    cols = st.columns(4)
    _tile(cols[0], "Toàn thành phố tiếp nhận hôm nay", today["received"])
    _tile(cols[1], "Đúng hạn (hôm nay)", _percent(today["on_time_rate"]))
    _tile(cols[2], "Hồ sơ quá hạn", data["overdue"])
    _tile(cols[3], "Đơn vị sẵn sàng vận hành", f"{ready['ready']}/{ready['units']}")
    with cols[0]:
        link(me, "pages/ioc.py", "Trung tâm điều hành", ":material/monitoring:", "home__link_ioc")
    with cols[2]:
        link(me, "pages/ioc.py", "Cảnh báo sớm theo đơn vị", ":material/warning:", "home__link_city_warnings")
    with cols[3]:
        link(me, "pages/readiness.py", "Sẵn sàng vận hành", ":material/fact_check:", "home__link_readiness")
    left, right = st.columns(2)
    with left:
        st.subheader("Đơn vị nhiều hồ sơ quá hạn nhất")
        if data["most_overdue"]:
            _table([{"Đơn vị": u["unit"], "Quá hạn": u["overdue"]} for u in data["most_overdue"]])
        else:
            st.caption("Không có hồ sơ quá hạn.")
    with right:
        st.subheader("Đơn vị gần sẵn sàng nhất — còn thiếu")
        _table([{"Đơn vị": u["name"], "Còn thiếu": "; ".join(u["missing"])} for u in data["not_ready"]])
    for station in data["river_alerts"]:
        st.warning(_plain(f"{station['name']} ({station['river']}): {station['alert_label']}"), icon=":material/flood:")


HOMES = {"clerk": clerk, "department": department, "leader": leader, "city": city}


def notifications(me: Actor) -> None:
    items = fetch(home.my_notifications, me, default=[])
    if not items:
        return
    st.subheader("Thông báo cho bạn")
    for item in items:
        icon = ":material/notifications_active:" if not item.get("read_at") else ":material/notifications:"
        text = f"{format_datetime(item['created_at'])} — {item['dossier_code']}: {item['title']}. {item['body']}"
        st.warning(_plain(text), icon=icon)


def show(me: Actor) -> None:
    notifications(me)
    HOMES.get(home.home_kind(me), lambda _me: None)(me)
