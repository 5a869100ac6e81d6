"""Withdrawal at the citizen's request (rút hồ sơ): find the dossier, reason, signature confirmed, printed slip."""

import streamlit as st

from components.runtime import settings
from components.ui import actor, call, failed, fetch
from services.core.clock import format_datetime
from services.dossiers import returns
from services.processing import withdrawal as legal_withdrawal

st.title("Rút hồ sơ")
me = actor()
st.caption("Công dân đề nghị dừng giải quyết trước khi có kết quả; hồ sơ rút không tính đúng hạn hay trễ hạn.")

slip_for = st.session_state.get("withdrawal__slip")
if slip_for:
    st.success(f"Đã ghi nhận rút hồ sơ {slip_for['code']}.", icon=":material/check_circle:")
    slip = fetch(legal_withdrawal.withdrawal_pdf, me, dossier_id=slip_for["id"])
    if slip:
        st.download_button(
            "In phiếu xác nhận rút hồ sơ (PDF)",
            slip,
            file_name=f"rut-ho-so-{slip_for['code']}.pdf",
            mime="application/pdf",
            key="withdrawal__pdf",
            icon=":material/print:",
        )

query = st.text_input("Mã hồ sơ, nội dung mã QR trên giấy hẹn hoặc số CCCD", key="withdrawal__query")
if not query.strip():
    st.stop()
found = fetch(returns.find_for_return, me, query=query, token_secret=settings().token_secret, default=[])
open_rows = {row["id"]: row for row in found if row["status"] in legal_withdrawal.WITHDRAWABLE}
if not open_rows:
    st.warning("Không có hồ sơ đang giải quyết nào khớp (hồ sơ đã có kết quả không rút được).", icon=":material/info:")
    st.stop()
chosen = st.selectbox(
    "Hồ sơ",
    list(open_rows),
    format_func=lambda i: f"{open_rows[i]['code']} – {open_rows[i]['procedure_name']} – {open_rows[i]['status_label']}",
    key="withdrawal__dossier",
)
row = open_rows[chosen]
st.text(f"Người nộp: {row['applicant_name']} · tiếp nhận {format_datetime(row['received_at'])}")

with st.form(f"withdrawal__form_{chosen}_{row['version']}"):
    requested_by = st.text_input("Người đề nghị rút hồ sơ", value=row["applicant_name"], key="withdrawal__by")
    reason = st.text_area("Lý do rút hồ sơ", key="withdrawal__reason", height=68, max_chars=2000)
    signed = st.checkbox("Công dân đã ký vào phiếu rút hồ sơ", key="withdrawal__signed")
    submitted = st.form_submit_button("Ghi nhận rút hồ sơ", type="primary", icon=":material/undo:")

if submitted:
    result = call(
        legal_withdrawal.withdraw,
        me,
        dossier_id=chosen,
        expected_version=row["version"],
        reason=reason,
        requested_by=requested_by,
        signature_confirmed=signed,
    )
    if not failed(result):
        st.session_state["withdrawal__slip"] = {"id": chosen, "code": row["code"]}
        st.rerun()
