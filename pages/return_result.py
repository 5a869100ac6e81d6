"""Returning results: find the dossier (code, receipt QR, CCCD), check who collects it, take the rating."""

import pandas as pd
import streamlit as st

from components.runtime import settings
from components.ui import actor, call, failed, fetch
from services.core.clock import format_datetime
from services.core.files import store_from_settings
from services.dossiers import receipts, returns
from services.dossiers.flow import EVENT_LABELS

st.title("Trả kết quả")
me = actor()

done = st.session_state.pop("return__done", "")
if done:
    st.success(done, icon=":material/check_circle:")

query = st.text_input(
    "Mã hồ sơ, nội dung mã QR trên giấy hẹn (quét hoặc dán) hoặc số CCCD",
    key="return__query",
    placeholder="VD: NGUHANHSON-260310-0001",
)
if not query.strip():
    st.info("Quét mã QR trên giấy hẹn của công dân, hoặc nhập mã hồ sơ / số CCCD.", icon=":material/qr_code_scanner:")
    st.stop()

found = fetch(returns.find_for_return, me, query=query, token_secret=settings().token_secret, default=None)
if found is None:
    st.stop()
if not found:
    st.warning("Không tìm thấy hồ sơ nào do đơn vị tiếp nhận khớp với nội dung đã nhập.", icon=":material/search_off:")
    st.stop()

by_id = {row["id"]: row for row in found}
chosen = st.selectbox(
    "Hồ sơ",
    list(by_id),
    format_func=lambda i: f"{by_id[i]['code']} – {by_id[i]['procedure_name']} – {by_id[i]['status_label']}",
    key="return__dossier",
)
details = fetch(returns.return_details, me, dossier_id=chosen)
if details is None:
    st.stop()

st.subheader(f"{details['code']} – {details['procedure_name']}")
first, second, third = st.columns(3)
first.metric("Tình trạng", details["status_label"])
second.metric("Hẹn trả", format_datetime(details["due_at"]))
ready = details["result_ready_at"] or details["finished_at"]
third.metric("Có kết quả lúc", format_datetime(ready) if ready else "—")
if details["late"]:
    st.warning("Hồ sơ trễ hạn: kết quả có sau thời gian hẹn trả.", icon=":material/schedule:")
st.dataframe(
    pd.DataFrame(
        [
            {
                "Vai trò": "Người nộp" if p["role"] == "applicant" else "Bên còn lại",
                "Họ và tên": p["full_name"],
                "CCCD": p["cccd"],
                "Điện thoại": p["phone"],
            }
            for p in details["parties"]
        ]
    ),
    hide_index=True,
    width="stretch",
)

store = store_from_settings(settings())
for item in (f for f in details["files"] if f["kind"] == "result"):
    content = fetch(returns.file_content, me, store, file_id=item["id"])
    if content:
        st.download_button(
            f"Kết quả: {item['filename']}",
            content[2],
            file_name=content[0],
            mime=content[1],
            key=f"return__file_{item['id']}",
            icon=":material/description:",
        )
receipt = fetch(
    receipts.receipt_pdf,
    me,
    dossier_id=chosen,
    public_base_url=settings().public_base_url,
    token_secret=settings().token_secret,
)
if receipt:
    st.download_button(
        "In lại giấy tiếp nhận và hẹn trả",
        receipt,
        file_name=f"giay-hen-{details['code']}.pdf",
        mime="application/pdf",
        key="return__receipt",
        icon=":material/print:",
    )

with st.expander("Quá trình xử lý"):
    for event in details["events"]:
        st.write(f"{format_datetime(event['at'])} – {EVENT_LABELS.get(event['action'], event['action'])}")

if details["status"] == "returned":
    st.info(f"Đã trả kết quả lúc {format_datetime(details['returned_at'])} cho {details['collected_by']}.")
    st.stop()
if not details["returnable"]:
    st.info("Hồ sơ chưa có kết quả để trả.", icon=":material/hourglass_top:")
    st.stop()

with st.form(f"return__form_{chosen}_{details['version']}"):
    st.subheader("Người nhận kết quả")
    applicant = details["parties"][0] if details["parties"] else {}
    first, second = st.columns(2)
    name = first.text_input("Họ và tên", value=applicant.get("full_name", ""), key=f"return__name_{chosen}")
    cccd = second.text_input("Số CCCD (đối chiếu căn cước)", key=f"return__cccd_{chosen}", max_chars=12)
    authorization = st.text_input(
        "Giấy ủy quyền (nếu người nhận không phải người nộp)", key=f"return__authorization_{chosen}"
    )
    st.subheader("Đánh giá của công dân")
    rating = st.radio(
        "Mức độ hài lòng",
        ["satisfied", "not_satisfied", None],
        format_func=lambda r: returns.RATINGS.get(r, "Không đánh giá"),
        horizontal=True,
        key=f"return__rating_{chosen}",
    )
    comment = st.text_area("Ý kiến (không bắt buộc)", key=f"return__comment_{chosen}", height=68)
    submitted = st.form_submit_button("Trả kết quả", type="primary", icon=":material/assignment_turned_in:")

if submitted:
    result = call(
        returns.return_result,
        me,
        dossier_id=chosen,
        expected_version=details["version"],
        collector_name=name,
        collector_cccd=cccd,
        authorization=authorization,
        rating=rating,
        rating_comment=comment,
    )
    if not failed(result):
        late = " (trễ hạn)" if result["is_late"] else ""
        st.session_state["return__done"] = f"Đã trả kết quả hồ sơ {details['code']}{late}."
        st.rerun()
