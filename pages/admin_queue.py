"""Queue set-up of a unit: service groups, counters, ticket-issuing hours, priority categories, limits, QR poster."""

import pandas as pd
import streamlit as st

from components.pickers import unit_picker
from components.runtime import settings
from components.ui import actor, call, failed, fetch
from services.core.working_time import WEEKDAY_LABELS
from services.queue import setup as queue_config
from services.rollout import readiness

st.title("Hàng chờ và quầy")
me = actor()
unit_id = unit_picker(me, key="admin_queue__unit")
setup = fetch(queue_config.queue_setup, me, unit_id=unit_id)
if setup is None:
    st.stop()
if flash := st.session_state.pop("admin_queue__flash", None):
    st.success(flash)


def save(service, message: str, **kwargs) -> None:
    if not failed(call(service, me, **kwargs)):
        st.session_state["admin_queue__flash"] = message
        st.rerun()


groups = {g["id"]: g for g in setup["groups"]}
base_url = settings().public_base_url
code = setup["unit"]["code"]
if not groups:
    st.info("Đơn vị chưa cấu hình hàng chờ. Có thể bắt đầu từ cấu hình mẫu rồi sửa lại.")
    if st.button("Áp dụng cấu hình mẫu", key="admin_queue__sample", type="primary"):
        save(queue_config.apply_sample_setup, "Đã áp dụng cấu hình mẫu.", unit_id=unit_id)

tab_groups, tab_counters, tab_hours, tab_priorities, tab_rules, tab_links = st.tabs(
    ["Nhóm dịch vụ", "Quầy", "Giờ cấp số", "Đối tượng ưu tiên", "Quy định", "Mã QR và màn hình"]
)

with tab_groups:
    st.dataframe(
        pd.DataFrame(
            [{"Ký hiệu": g["letter"], "Tên nhóm": g["name"], "Đang cấp số": g["active"]} for g in groups.values()]
        ),
        hide_index=True,
        width="stretch",
    )
    with st.form("admin_queue__new_group", clear_on_submit=True):
        st.markdown("**Thêm nhóm**")
        letter = st.text_input("Ký hiệu (một chữ cái, là tiền tố của số: A015)", max_chars=1, key="admin_queue__letter")
        name = st.text_input("Tên nhóm", key="admin_queue__group_name")
        if st.form_submit_button("Thêm nhóm"):
            save(
                queue_config.create_group, f"Đã thêm nhóm {letter.upper()}.", unit_id=unit_id, letter=letter, name=name
            )
    if groups:
        chosen = st.selectbox(
            "Sửa nhóm",
            list(groups),
            format_func=lambda i: f"{groups[i]['letter']} – {groups[i]['name']}",
            key="admin_queue__edit_group",
        )
        with st.form("admin_queue__group_form"):
            new_name = st.text_input("Tên nhóm", value=groups[chosen]["name"], key=f"admin_queue__gname_{chosen}")
            active = st.checkbox("Đang cấp số", value=groups[chosen]["active"], key=f"admin_queue__gactive_{chosen}")
            if st.form_submit_button("Lưu nhóm"):
                save(queue_config.update_group, "Đã lưu nhóm.", group_id=chosen, name=new_name, active=active)

with tab_counters:
    counters = {c["id"]: c for c in setup["counters"]}
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Quầy": c["number"],
                    "Tên": c["name"],
                    "Nhóm phục vụ": ", ".join(sorted(groups[g]["letter"] for g in c["group_ids"] if g in groups)),
                    "Hoạt động": c["active"],
                }
                for c in counters.values()
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    options = {0: "Thêm quầy mới"} | {i: f"Quầy {c['number']}" for i, c in counters.items()}
    editing = st.selectbox("Quầy", list(options), format_func=options.get, key="admin_queue__counter_pick")
    current = counters.get(editing, {"number": len(counters) + 1, "name": "", "group_ids": [], "active": True})
    with st.form("admin_queue__counter_form"):
        number = st.number_input(
            "Số quầy", 1, 99, value=current["number"], step=1, key=f"admin_queue__cnumber_{editing}"
        )
        counter_name = st.text_input("Tên quầy", value=current["name"], key=f"admin_queue__cname_{editing}")
        served = st.multiselect(
            "Nhóm phục vụ",
            list(groups),
            default=[g for g in current["group_ids"] if g in groups],
            format_func=lambda i: f"{groups[i]['letter']} – {groups[i]['name']}",
            key=f"admin_queue__cgroups_{editing}",
        )
        counter_active = st.checkbox("Hoạt động", value=current["active"], key=f"admin_queue__cactive_{editing}")
        if st.form_submit_button("Lưu quầy"):
            save(
                queue_config.save_counter,
                f"Đã lưu quầy {int(number)}.",
                unit_id=unit_id,
                number=int(number),
                name=counter_name,
                group_ids=served,
                active=counter_active,
                counter_id=editing or None,
            )

with tab_hours:
    st.caption(
        "Giờ người dân lấy được số, theo từng thứ; ghi dạng 07:30-11:00, 13:30-16:30, để trống là không cấp số. "
        "Ngày lễ, Tết và ngày nghỉ riêng của đơn vị (trang Lịch làm việc) không cấp số."
    )
    if not setup["hours_configured"]:
        st.info("Đang dùng giờ làm việc của đơn vị; lưu để đặt giờ cấp số riêng.")
    with st.form("admin_queue__hours"):
        hours = {
            day: st.text_input(WEEKDAY_LABELS[day], value=setup["hours"][day], key=f"admin_queue__hours_{day}")
            for day in range(7)
        }
        if st.form_submit_button("Lưu giờ cấp số"):
            save(queue_config.set_issuing_hours, "Đã lưu giờ cấp số.", unit_id=unit_id, hours=hours)

with tab_priorities:
    st.caption("Người thuộc các đối tượng này được gọi trước (mẫu; mỗi đơn vị điều chỉnh theo quy định áp dụng).")
    priorities = {p["id"]: p for p in setup["priorities"]}
    st.dataframe(
        pd.DataFrame([{"Đối tượng": p["name"], "Áp dụng": p["active"]} for p in priorities.values()]),
        hide_index=True,
        width="stretch",
    )
    with st.form("admin_queue__new_priority", clear_on_submit=True):
        priority_name = st.text_input("Thêm đối tượng ưu tiên", key="admin_queue__priority_name")
        if st.form_submit_button("Thêm"):
            save(queue_config.create_priority, "Đã thêm đối tượng ưu tiên.", unit_id=unit_id, name=priority_name)
    if priorities:
        picked = st.selectbox(
            "Bật/tắt", list(priorities), format_func=lambda i: priorities[i]["name"], key="admin_queue__priority_pick"
        )
        toggle = "Ngừng áp dụng" if priorities[picked]["active"] else "Áp dụng lại"
        if st.button(toggle, key="admin_queue__priority_toggle"):
            save(
                queue_config.set_priority_active,
                "Đã cập nhật.",
                priority_id=picked,
                active=not priorities[picked]["active"],
            )

with tab_rules:
    rules = setup["settings"]
    with st.form("admin_queue__rules"):
        fairness = st.number_input(
            "Số thường chờ quá bao nhiêu phút thì được gọi trước số ưu tiên đến sau",
            1,
            240,
            value=rules["fairness_minutes"],
            key="admin_queue__fairness",
        )
        per_phone = st.number_input(
            "Số phiếu đang chờ tối đa cho một số điện thoại",
            1,
            50,
            value=rules["max_active_per_phone"],
            key="admin_queue__per_phone",
        )
        per_browser = st.number_input(
            "Số phiếu đang chờ tối đa cho một trình duyệt",
            1,
            50,
            value=rules["max_active_per_browser"],
            key="admin_queue__per_browser",
        )
        if st.form_submit_button("Lưu quy định"):
            save(
                queue_config.save_settings,
                "Đã lưu quy định.",
                unit_id=unit_id,
                fairness_minutes=int(fairness),
                max_active_per_phone=int(per_phone),
                max_active_per_browser=int(per_browser),
            )

with tab_links:
    ticket_url, display_url = queue_config.ticket_page_url(base_url, code), queue_config.display_url(base_url, code)
    st.markdown(f"Trang lấy số (mở từ mã QR): [{ticket_url}]({ticket_url})")
    st.markdown(f"Màn hình gọi số cho TV ở sảnh: [{display_url}]({display_url})")
    st.caption("Trên TV, bấm “Bật âm thanh gọi số” một lần để màn hình đọc số bằng tiếng Việt.")
    poster = fetch(queue_config.poster_pdf, me, unit_id=unit_id, base_url=base_url)
    if poster:
        st.download_button(
            "Tải áp phích mã QR (A4, PDF)",
            poster,
            file_name=f"lay-so-{code.lower()}.pdf",
            mime="application/pdf",
            key="admin_queue__poster",
            icon=":material/qr_code_2:",
            on_click=call,  # the readiness page shows which units have their poster
            args=(readiness.record_poster_download, me),
            kwargs={"unit_id": unit_id},
        )
