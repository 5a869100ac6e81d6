"""Returning results: find the dossier (code, receipt QR, CCCD), check who collects it; the citizen rates on their
own phone from the receipt's QR code, never here."""

import pandas as pd
import streamlit as st

from components.plain import escaped
from components.runtime import settings
from components.ui import act, actor, fetch
from services.core.clock import format_datetime
from services.core.files import store_from_settings
from services.dossiers import citizen_rating, receipts, returns
from services.dossiers.flow import EVENT_LABELS

st.title("Trả kết quả")
me = actor()

with st.expander("Máy tính bảng đánh giá tại quầy"):
    st.caption(
        "Mở đường dẫn này một lần trên máy tính bảng đặt trước quầy: sau mỗi lần bạn trả kết quả, máy chỉ hiện phiếu "
        "đánh giá của hồ sơ vừa trả để công dân tự chọn. Cán bộ không đánh giá thay công dân."
    )
    st.code(citizen_rating.tablet_url(settings().public_base_url, settings().token_secret, me.user_id), language=None)

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

st.subheader(escaped(f"{details['code']} – {details['procedure_name']}"))
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
    rating = details["citizen_rating"]
    st.caption("Đánh giá của công dân (công dân tự đánh giá bằng mã QR trên giấy hẹn; cán bộ chỉ xem):")
    st.text(f"{rating['rating_label']} – {rating['updated']}. {rating['comment']}" if rating else "Chưa đánh giá.")
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
    submitted = st.form_submit_button("Trả kết quả", type="primary", icon=":material/assignment_turned_in:")

if submitted:
    act(
        returns.return_result,
        me,
        dossier_id=chosen,
        expected_version=details["version"],
        collector_name=name,
        collector_cccd=cccd,
        authorization=authorization,
        done=lambda result: (
            f"Đã trả kết quả hồ sơ {details['code']}{' (trễ hạn)' if result['is_late'] else ''}. Mời công dân quét "
            "mã QR trên giấy hẹn bằng điện thoại để tự đánh giá mức độ hài lòng."
        ),
    )
