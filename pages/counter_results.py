"""Same-day decisions at the counter (marriage, birth, death, certified copies): record the result and its scan."""

import pandas as pd
import streamlit as st

from components.runtime import settings
from components.ui import act, actor, fetch
from services.core.clock import format_datetime, now
from services.core.files import store_from_settings
from services.dossiers import counter_results

VERBS = {"approve": "có kết quả, chờ trả", "reject": "đã từ chối giải quyết"}

st.title("Giải quyết tại một cửa")
me = actor()
st.caption("Hồ sơ hộ tịch, chứng thực được giải quyết trong ngày tại bộ phận một cửa; hồ sơ gấp nhất ở trên.")

pending = fetch(counter_results.pending_at_counter, me, default=[])
if not pending:
    st.info("Không còn hồ sơ nào chờ quyết định.", icon=":material/task_alt:")
    st.stop()

moment = now()
st.dataframe(
    pd.DataFrame(
        [
            {
                "Mã hồ sơ": row["code"],
                "Thủ tục": row["procedure_name"],
                "Người nộp": row["applicant_name"],
                "Tiếp nhận": format_datetime(row["received_at"]),
                "Hẹn trả": format_datetime(row["due_at"]),
                "Tình trạng": "Quá hạn" if row["due_at"] < moment else row["status_label"],
            }
            for row in pending
        ]
    ),
    hide_index=True,
    width="stretch",
)

by_id = {row["id"]: row for row in pending}
chosen = st.selectbox(
    "Hồ sơ",
    list(by_id),
    format_func=lambda i: f"{by_id[i]['code']} – {by_id[i]['procedure_name']} – {by_id[i]['applicant_name']}",
    key="counter__dossier",
)
dossier = by_id[chosen]
st.markdown(
    f"**Hồ sơ {dossier['code']}** · {dossier['applicant_name']} · tiếp nhận {format_datetime(dossier['received_at'])}"
    f" · hẹn trả {format_datetime(dossier['due_at'])}"
)
if dossier["verification"]:
    st.warning("Hồ sơ cần xác minh: chỉ quyết định sau khi có kết quả xác minh.", icon=":material/fact_check:")

with st.form(f"counter__form_{chosen}_{dossier['version']}"):
    decision = st.radio(
        "Quyết định",
        ["approve", "reject"],
        format_func={"approve": "Đồng ý – có kết quả", "reject": "Từ chối giải quyết"}.get,
        horizontal=True,
        key=f"counter__decision_{chosen}",
    )
    files = st.file_uploader(
        "Bản quét kết quả (giấy chứng nhận, trích lục…; PDF, JPEG, PNG)",
        type=["pdf", "jpg", "jpeg", "png"],
        accept_multiple_files=True,
        key=f"counter__files_{chosen}",
    )
    st.caption(
        "Kết quả được tính là kết quả điện tử khi tệp PDF có chữ ký số hợp lệ của cơ quan (kiểm tra tự động khi "
        "tải lên); bản quét không ký số vẫn được lưu như bản quét."
    )
    marriage = None
    if dossier.get("conditions") == "marriage":
        st.markdown("**Đăng ký kết hôn: ghi vào Sổ đăng ký kết hôn**")
        labels = {"certificate_no": "Số Giấy chứng nhận", "book": "Quyển số", "page": "Trang số", "entry_no": "Số"}
        cells = st.columns(len(labels))
        marriage = {
            key: cell.text_input(label, key=f"counter__marriage_{key}_{chosen}", max_chars=40)
            for cell, (key, label) in zip(cells, labels.items(), strict=True)
        }
        marriage["both_present_signed"] = st.checkbox(
            "Hai bên có mặt, đã ký vào Sổ đăng ký kết hôn và Giấy chứng nhận kết hôn",
            key=f"counter__marriage_signed_{chosen}",
        )
    note = st.text_area("Ghi chú / lý do từ chối", key=f"counter__note_{chosen}", height=68)
    submitted = st.form_submit_button("Ghi nhận quyết định", type="primary", icon=":material/gavel:")

if submitted:
    act(
        counter_results.record_decision,
        me,
        dossier_id=chosen,
        expected_version=dossier["version"],
        approve=decision == "approve",
        note=note,
        result_files=[(f.name, f.getvalue()) for f in files or []],
        store=store_from_settings(settings()),
        marriage=marriage,
        done=lambda result: " ".join([f"Hồ sơ {dossier['code']} {VERBS[decision]}.", *result.get("signatures", [])]),
    )
