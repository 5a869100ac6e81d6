"""Same-day decisions at the counter (marriage, birth, death, certified copies): record the result and its scan."""

import pandas as pd
import streamlit as st

from components.runtime import settings
from components.ui import actor, call, failed, fetch
from services.core.clock import format_datetime, now
from services.core.files import store_from_settings
from services.dossiers import counter_results

st.title("Giải quyết tại một cửa")
me = actor()
st.caption("Hồ sơ hộ tịch, chứng thực được giải quyết trong ngày tại bộ phận một cửa; hồ sơ gấp nhất ở trên.")

done = st.session_state.pop("counter__done", "")
if done:
    st.success(done, icon=":material/check_circle:")

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
    electronic = st.checkbox(
        "Cấp kết quả điện tử (bản điện tử gửi công dân, tính vào tỷ lệ số hóa)", key=f"counter__electronic_{chosen}"
    )
    note = st.text_area("Ghi chú / lý do từ chối", key=f"counter__note_{chosen}", height=68)
    submitted = st.form_submit_button("Ghi nhận quyết định", type="primary", icon=":material/gavel:")

if submitted:
    result = call(
        counter_results.record_decision,
        me,
        dossier_id=chosen,
        expected_version=dossier["version"],
        approve=decision == "approve",
        note=note,
        result_files=[(f.name, f.getvalue()) for f in files or []],
        result_electronic=electronic,
        store=store_from_settings(settings()),
    )
    if not failed(result):
        verb = "có kết quả, chờ trả" if decision == "approve" else "đã từ chối giải quyết"
        st.session_state["counter__done"] = f"Hồ sơ {dossier['code']} {verb}."
        st.rerun()
