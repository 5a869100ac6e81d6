"""Citizen feedback desk: triage, the handler's queue by deadline, answer, reject, ask for information, escalate.

Citizens' text is shown with st.text / dataframes only, never as Markdown or HTML.
"""

import pandas as pd
import streamlit as st

from components.pickers import unit_picker
from components.runtime import settings
from components.ui import actor, call, failed, fetch
from services.core.clock import format_datetime
from services.core.files import store_from_settings
from services.core.roles import ADMIN, CITY_LEADER, DEPARTMENT_HEAD, LEADER
from services.feedback import desk
from services.feedback.classifier import CATEGORIES
from services.feedback.items import REJECT_REASONS
from services.feedback.routing import KINDS

st.title("Phản ánh, kiến nghị")
me = actor()
store = store_from_settings(settings())
unit_id = unit_picker(me, key="feedback__unit")
if flash := st.session_state.pop("feedback__flash", None):
    st.success(flash, icon=":material/check_circle:")


def _views() -> list[str]:
    if me.has(ADMIN, CITY_LEADER) and not me.unit_id:
        return ["open", "triage", "answered", "rejected", "all"]
    views = ["queue", "open", "answered", "rejected", "all"]
    return views[:1] + ["triage"] + views[1:] if me.has(LEADER, DEPARTMENT_HEAD) else views


def _table(rows: list[dict]) -> None:
    frame = pd.DataFrame(
        [
            {
                "Mã": r["code"],
                "Tiêu đề": r["title"],
                "Lĩnh vực": r["category_label"],
                "Khẩn": "Khẩn" if r["urgent"] else "",
                "Trạng thái": r["status_label"],
                "Đơn vị xử lý": r["handler"],
                "Hạn xử lý": format_datetime(r["due_at"]),
                "Quá hạn": "Quá hạn" if r["overdue"] else "",
                "Đã chuyển lãnh đạo": "Có" if r["escalated"] else "",
            }
            for r in rows
        ]
    )
    st.dataframe(frame, hide_index=True, width="stretch")


view = st.radio(
    "Danh sách",
    _views(),
    format_func=desk.VIEWS.get,
    horizontal=True,
    key="feedback__view",
    label_visibility="collapsed",
)
rows = fetch(desk.desk_items, me, unit_id=unit_id, view=view, default=[])
if not rows:
    st.info("Không có phản ánh nào trong danh sách này.")
    st.stop()
st.caption(f"{len(rows)} phản ánh · sắp theo hạn xử lý")
_table(rows)

by_id = {r["id"]: r for r in rows}
chosen = st.selectbox(
    "Chọn phản ánh để xem và xử lý",
    list(by_id),
    format_func=lambda i: f"{by_id[i]['code']} · {by_id[i]['title'][:80]}",
    key="feedback__selected",
)
item = fetch(desk.item_detail, me, feedback_id=chosen)
if item is None:
    st.stop()

st.divider()
left, right = st.columns([3, 2])
with left:
    st.caption(f"{item['code']} · {item['unit']} · gửi lúc {format_datetime(item['received_at'])}")
    st.text(item["title"])
    st.text(item["content"])
    if item["address"]:
        st.caption("Địa điểm")
        st.text(item["address"])
    for photo in item["photos"]:
        data = fetch(desk.photo_bytes, me, store=store, photo_id=photo["id"])
        if data:
            label = "Ảnh người gửi" if photo["source"] == "citizen" else "Ảnh kết quả"
            st.image(data, caption=label, width=320)
    if item["answer"]:
        st.caption(f"Trả lời lúc {format_datetime(item['answered_at'])}")
        st.text(item["answer"])
    if item["status"] == "info_requested":
        st.caption("Đã đề nghị người gửi bổ sung")
        st.text(item["info_request"])
with right:
    st.metric("Trạng thái", item["status_label"])
    st.write(f"Lĩnh vực: {item['category_label']} (độ tin cậy {item['confidence']:.0%})")
    st.write(f"Loại: {item['kind_label']}")
    st.write(f"Đơn vị xử lý: {item['handler']}")
    st.write(f"Hạn xử lý: {format_datetime(item['due_at'])}")
    if item["overdue"]:
        st.error("Đã quá hạn xử lý.", icon=":material/alarm:")
    if item["escalated_at"]:
        st.warning(f"Đã chuyển lãnh đạo lúc {format_datetime(item['escalated_at'])}.")
    if item["contact_name"] or item["contact_phone"] or item["contact_email"]:
        st.caption("Liên hệ người gửi (không công khai)")
        st.text("\n".join(v for v in (item["contact_name"], item["contact_phone"], item["contact_email"]) if v))
    if item["rating"]:
        st.caption("Đánh giá của người gửi: " + ("Hài lòng" if item["rating"] == "satisfied" else "Chưa hài lòng"))
        if item["rating_comment"]:
            st.text(item["rating_comment"])

if item["duplicates"]:
    st.warning("Có thể trùng với các phản ánh sau (cùng phường/xã, nội dung tương tự):", icon=":material/content_copy:")
    st.dataframe(
        pd.DataFrame(
            [
                {"Mã": d["code"], "Tiêu đề": d["title"], "Trạng thái": d["status_label"], "Gửi lúc": d["received"]}
                for d in item["duplicates"]
            ]
        ),
        hide_index=True,
        width="stretch",
    )


def _done(result, message: str) -> None:
    if not failed(result):
        st.session_state["feedback__flash"] = message
        st.rerun()


version = item["version"]
if item["can_triage"]:
    with st.expander("Phân loại và chuyển xử lý", expanded=item["status"] == "triage"):
        with st.form("feedback__triage_form"):
            category = st.selectbox(
                "Lĩnh vực",
                list(CATEGORIES),
                index=list(CATEGORIES).index(item["category"]),
                format_func=CATEGORIES.get,
                key="feedback__triage_category",
            )
            # 0 stands for the People's Committee: a None option cannot be told apart from "nothing selected".
            handlers = {key or 0: label for key, label in item["handlers"].items()}
            current = item["department_id"] or 0
            handler = st.selectbox(
                "Đơn vị xử lý",
                list(handlers),
                index=list(handlers).index(current) if current in handlers else 0,
                format_func=handlers.get,
                key="feedback__triage_handler",
            )
            kind = st.selectbox(
                "Loại (quyết định thời hạn)",
                list(KINDS),
                index=list(KINDS).index(item["kind"]),
                format_func=KINDS.get,
                key="feedback__triage_kind",
            )
            if st.form_submit_button("Xác nhận phân loại", type="primary"):
                _done(
                    call(
                        desk.triage,
                        me,
                        feedback_id=item["id"],
                        category=category,
                        department_id=handler or None,
                        kind=kind,
                        expected_version=version,
                    ),
                    "Đã phân loại và chuyển xử lý.",
                )

if item["can_handle"] and item["status"] in ("assigned", "triage"):
    with st.expander("Trả lời phản ánh", expanded=item["status"] == "assigned"):
        with st.form("feedback__answer_form", clear_on_submit=False):
            text = st.text_area("Nội dung trả lời (được công khai)", key="feedback__answer_text", height=160)
            photos = st.file_uploader(
                "Ảnh kết quả xử lý (JPEG/PNG)",
                type=["jpg", "jpeg", "png"],
                accept_multiple_files=True,
                key="feedback__answer_photos",
            )
            if st.form_submit_button("Gửi trả lời", type="primary"):
                _done(
                    call(
                        desk.answer,
                        me,
                        store=store,
                        feedback_id=item["id"],
                        text=text,
                        photos=[(f.name, f.getvalue()) for f in photos or []],
                        expected_version=version,
                    ),
                    "Đã trả lời; câu trả lời được công khai.",
                )
    with st.expander("Đề nghị người gửi bổ sung thông tin"):
        with st.form("feedback__info_form"):
            question = st.text_area("Thông tin cần bổ sung", key="feedback__info_text")
            if st.form_submit_button("Gửi đề nghị"):
                _done(
                    call(
                        desk.request_information,
                        me,
                        feedback_id=item["id"],
                        question=question,
                        expected_version=version,
                    ),
                    "Đã gửi đề nghị; thời hạn tạm dừng đến khi người gửi bổ sung.",
                )

if (item["can_handle"] or item["can_triage"]) and item["status"] in ("triage", "assigned", "info_requested"):
    with st.expander("Không xử lý (spam, trùng lặp, không thuộc thẩm quyền)"):
        with st.form("feedback__reject_form"):
            reason = st.selectbox(
                "Lý do", list(REJECT_REASONS), format_func=REJECT_REASONS.get, key="feedback__reject_reason"
            )
            duplicate_codes = [d["code"] for d in item["duplicates"]]
            duplicate_of = st.text_input(
                "Mã phản ánh gốc (khi trùng lặp)",
                value=duplicate_codes[0] if duplicate_codes else "",
                key="feedback__reject_duplicate",
            )
            note = st.text_area("Giải thích cho người gửi", key="feedback__reject_note")
            if st.form_submit_button("Xác nhận không xử lý"):
                _done(
                    call(
                        desk.reject,
                        me,
                        feedback_id=item["id"],
                        reason=reason,
                        note=note,
                        duplicate_of=duplicate_of,
                        expected_version=version,
                    ),
                    "Đã chuyển sang không xử lý.",
                )

if item["can_escalate"]:
    if st.button("Chuyển lãnh đạo (quá hạn)", key="feedback__escalate", icon=":material/priority_high:"):
        _done(
            call(desk.escalate, me, feedback_id=item["id"], expected_version=version),
            "Đã chuyển lãnh đạo đơn vị.",
        )

with st.expander("Quá trình xử lý"):
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Thời điểm": e["at_text"],
                    "Thao tác": e["label"],
                    "Người thực hiện": e["username"],
                    "Ghi chú": e["note"],
                }
                for e in item["events"]
            ]
        ),
        hide_index=True,
        width="stretch",
    )
