"""Online inbox (Hồ sơ trực tuyến): dossiers citizens filed on /nop-ho-so for this unit — accept, ask for a
supplement, or refuse with a reason."""

import pandas as pd
import streamlit as st

from components.runtime import settings
from components.ui import act, actor, fetch
from services.core.clock import format_datetime
from services.core.files import store_from_settings
from services.online import submission as online

st.title("Hồ sơ nộp trực tuyến")
me = actor()

show_closed = st.toggle("Hiện cả hồ sơ đã xử lý", key="online__closed")
rows = fetch(online.inbox, me, include_closed=show_closed, default=None)
if rows is None:
    st.stop()
if not rows:
    st.info("Không có hồ sơ trực tuyến nào đang chờ tiếp nhận.", icon=":material/inbox:")
    st.stop()

st.dataframe(
    pd.DataFrame(
        [
            {
                "Mã theo dõi": r["tracking_code"],
                "Thủ tục": r["procedure"],
                "Người nộp": r["applicant"],
                "Nộp lúc": format_datetime(r["submitted_at"]),
                "Bổ sung lúc": format_datetime(r["supplemented_at"]),
                "Số tệp": r["file_count"],
                "Tình trạng": r["status_label"],
            }
            for r in rows
        ]
    ),
    hide_index=True,
    width="stretch",
)

by_id = {r["id"]: r for r in rows}
chosen = st.selectbox(
    "Hồ sơ",
    list(by_id),
    format_func=lambda i: f"{by_id[i]['tracking_code']} – {by_id[i]['procedure']} – {by_id[i]['status_label']}",
    key="online__chosen",
)
item = fetch(online.submission_detail, me, submission_id=chosen)
if item is None:
    st.stop()

st.subheader(f"{item['tracking_code']} – {item['procedure']['name']}")
st.caption(f"Tình trạng: {item['status_label']} · nộp lúc {format_datetime(item['submitted_at'])}")
people = [("Người nộp hồ sơ", item["applicant"])]
if item["second_party"]:
    people.append(("Bên còn lại", item["second_party"]))
st.dataframe(
    pd.DataFrame(
        [
            {
                "Vai trò": role,
                "Họ và tên": p["full_name"],
                "CCCD": p["cccd"],
                "Ngày sinh": p["birth_date"],
                "Điện thoại": p["phone"],
                "Thư điện tử": p["email"],
                "Địa chỉ": p["address"],
            }
            for role, p in people
        ]
    ),
    hide_index=True,
    width="stretch",
)
if item["land_unit"]:
    st.text(f"Nơi có đất: {item['land_unit']}")
if item["supplement_request"]:
    st.text(f"Đã yêu cầu bổ sung ({format_datetime(item['supplement_requested_at'])}):")
    st.code(item["supplement_request"], language=None)

st.markdown("**Giấy tờ đã nộp**")
store = store_from_settings(settings())
for f in item["files"]:
    label = f"{f['document']} — {f['filename']}" + (f" (bổ sung lần {f['round']})" if f["round"] else "")
    left, right = st.columns([4, 1])
    left.text(label)
    if right.button("Tải về", key=f"online__load_{f['id']}"):
        found = fetch(online.file_for_staff, me, store=store, file_id=f["id"])
        if found is not None:
            right.download_button("Lưu tệp", found[1], file_name=f["filename"], mime=f["content_type"],
                                  key=f"online__save_{f['id']}")  # fmt: skip

if item["status"] not in online.OPEN:
    st.stop()

accept_tab, supplement_tab, refuse_tab = st.tabs(["Tiếp nhận", "Yêu cầu bổ sung", "Không tiếp nhận"])
with accept_tab:
    if item["status"] != "pending":
        st.info("Đang chờ công dân bổ sung; tiếp nhận sau khi công dân gửi giấy tờ bổ sung.")
    else:
        st.caption(
            "Thời hạn giải quyết tính từ lúc tiếp nhận; ngoài giờ làm việc hoặc sau giờ chốt của thủ tục thì tính từ "
            "đầu giờ ngày làm việc tiếp theo."
        )
        verification = bool(item["procedure"].get("verification_deadline_kind")) and st.checkbox(
            "Cần xác minh (thời hạn dài hơn)", key="online__verification"
        )
        if st.button("Tiếp nhận hồ sơ", type="primary", key="online__accept"):
            act(
                online.accept,
                me,
                submission_id=item["id"],
                expected_version=item["version"],
                verification=verification,
                done=lambda result: (
                    f"Đã tiếp nhận: mã hồ sơ {result['code']}, tính thời hạn từ "
                    f"{format_datetime(result['received_at'])}, hẹn trả {format_datetime(result['due_at'])}."
                ),
            )
with supplement_tab:
    if item["status"] != "pending":
        st.info("Đã gửi yêu cầu bổ sung; đang chờ công dân.")
    else:
        with st.form("online__supplement_form"):
            request = st.text_area("Giấy tờ cần bổ sung và lý do", key="online__supplement_text", max_chars=2000)
            if st.form_submit_button("Gửi yêu cầu bổ sung"):
                act(
                    online.request_supplement,
                    me,
                    submission_id=item["id"],
                    expected_version=item["version"],
                    request=request,
                    done="Đã gửi yêu cầu bổ sung cho công dân.",
                )
with refuse_tab:
    with st.form("online__refuse_form"):
        reason = st.text_area("Lý do không tiếp nhận", key="online__refuse_text", max_chars=2000)
        if st.form_submit_button("Không tiếp nhận"):
            act(
                online.refuse,
                me,
                submission_id=item["id"],
                expected_version=item["version"],
                reason=reason,
                done="Đã từ chối tiếp nhận và báo lý do cho công dân.",
            )
