"""Admin: bulk onboarding — the template, the upload, the line-by-line dry run, the confirmation, and the initial
passwords shown once for distribution."""

import hashlib

import pandas as pd
import streamlit as st

from components.tables import XLSX, table
from components.ui import actor, call, failed, fetch
from services.core.clock import format_datetime, now
from services.core.exports import to_csv, to_excel
from services.rollout import sheets as rollout_sheets
from services.rollout import staff_import

PLAN, RESULT = "admin_import__plan", "admin_import__result"


@st.cache_data(show_spinner=False)
def template() -> bytes:
    return rollout_sheets.template_xlsx(role_help=staff_import.ROLE_HELP, kind_help=staff_import.KIND_HELP)


st.title("Nhập cán bộ hàng loạt")
me = actor()
st.caption(
    "Một tệp Excel theo mẫu (hoặc các tệp CSV UTF-8 của từng bảng) khai phòng ban, cán bộ, nhóm dịch vụ và quầy của "
    "nhiều phường, xã cùng lúc. Chạy thử trước: hệ thống liệt kê từng dòng sẽ tạo, sửa và mọi lỗi; chỉ khi không còn "
    "lỗi mới nhập được, và toàn bộ được ghi trong một lần hoặc không ghi gì."
)

left, right = st.columns([1, 2])
left.download_button(
    "Tải tệp mẫu (Excel)",
    template(),
    "mau-nhap-can-bo.xlsx",
    XLSX,
    key="admin_import__template",
    icon=":material/download:",
    type="primary",
)
with right.expander("Mẫu CSV từng bảng"):
    for spec in rollout_sheets.TABLES:
        st.download_button(
            f"{spec.title} (CSV)",
            rollout_sheets.template_csv(spec.kind),
            f"mau-{spec.kind}.csv",
            "text/csv",
            key=f"admin_import__template_{spec.kind}",
        )


def show_passwords(accounts: list[dict]) -> None:
    rows = staff_import.password_rows(accounts)
    st.warning(
        "Mật khẩu ban đầu chỉ hiện lần này. Tải danh sách để phát cho từng đơn vị; cán bộ phải đổi mật khẩu ở lần "
        "đăng nhập đầu.",
        icon=":material/key:",
    )
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    stamp = f"{now():%Y%m%d-%H%M}"
    one, two, three = st.columns([1, 1, 2])
    one.download_button(
        "Tải danh sách (Excel)",
        to_excel({"Mật khẩu ban đầu": rows}),
        f"mat-khau-ban-dau-{stamp}.xlsx",
        XLSX,
        key="admin_import__passwords_xlsx",
        icon=":material/download:",
    )
    two.download_button(
        "Tải danh sách (CSV)",
        to_csv(rows),
        f"mat-khau-ban-dau-{stamp}.csv",
        "text/csv",
        key="admin_import__passwords_csv",
        icon=":material/download:",
    )
    if three.button("Đã lưu danh sách — xóa khỏi màn hình", key="admin_import__forget"):
        st.session_state.pop(RESULT, None)
        st.rerun()


tab_import, tab_history = st.tabs(["Nhập tệp", "Các lần nhập trước"])
with tab_history:
    history = fetch(staff_import.import_history, me, default=[])
    table(
        [
            {
                "Thời điểm": format_datetime(h["at"]),
                "Người nhập": h["username"],
                "Tệp": ", ".join(f["name"] for f in h["files"]),
                "Cán bộ tạo": h["counts"].get("staff_create", 0),
                "Phòng ban tạo": h["counts"].get("departments_create", 0),
                "Quầy tạo": h["counts"].get("counters_create", 0),
            }
            for h in history
        ],
        key="admin_import__history",
        filename="lich-su-nhap-can-bo",
        empty="Chưa có lần nhập nào.",
    )

with tab_import:
    if st.session_state.get(RESULT):
        result = st.session_state[RESULT]
        st.success(f"Đã nhập xong: {result['summary']}", icon=":material/check_circle:")
        if result["accounts"]:
            show_passwords(result["accounts"])
        elif st.button("Nhập tệp khác", key="admin_import__again"):
            st.session_state.pop(RESULT, None)
            st.rerun()
        st.stop()

    uploads = st.file_uploader(
        "Tệp nhập (.xlsx theo mẫu, hoặc các tệp .csv)",
        type=["xlsx", "csv"],
        accept_multiple_files=True,
        key="admin_import__files",
    )
    files = [(upload.name, upload.getvalue()) for upload in uploads or []]
    digest = hashlib.sha256(b"".join(hashlib.sha256(content).digest() for _, content in files)).hexdigest()
    if st.session_state.get(PLAN) and st.session_state[PLAN][0] != digest:
        st.session_state.pop(PLAN)  # another file: its dry run has to be run again

    if st.button(
        "Chạy thử (kiểm tra, chưa ghi)", key="admin_import__dry_run", disabled=not files, icon=":material/rule:"
    ):
        plan = fetch(staff_import.plan_import, me, files=files)
        if plan is not None:
            st.session_state[PLAN] = (digest, plan)

    if not st.session_state.get(PLAN):
        st.stop()
    plan = st.session_state[PLAN][1]
    counts = plan.counts
    metrics = st.columns(5)
    metrics[0].metric("Cán bộ sẽ tạo", counts.get("staff_create", 0))
    metrics[1].metric(
        "Phòng ban tạo / sửa", f"{counts.get('departments_create', 0)} / {counts.get('departments_update', 0)}"
    )
    metrics[2].metric("Nhóm dịch vụ tạo / sửa", f"{counts.get('groups_create', 0)} / {counts.get('groups_update', 0)}")
    metrics[3].metric("Quầy tạo / sửa", f"{counts.get('counters_create', 0)} / {counts.get('counters_update', 0)}")
    metrics[4].metric("Lỗi", len(plan.errors))
    for note in plan.notes:
        st.info(note, icon=":material/info:")

    if plan.errors:
        st.error(
            f"Có {len(plan.errors)} lỗi ở {len(plan.lines_with_errors)} dòng: sửa tệp rồi chạy thử lại. "
            "Chưa có gì được ghi.",
            icon=":material/error:",
        )
        table(staff_import.error_rows(plan), key="admin_import__errors", filename="loi-nhap-can-bo")
    st.subheader("Báo cáo từng dòng")
    table(staff_import.report_rows(plan), key="admin_import__report", filename="bao-cao-chay-thu")

    if plan.ok and plan.actions:
        label = f"Xác nhận nhập ({staff_import.summary(plan)})"
        if st.button(label, key="admin_import__confirm", type="primary", icon=":material/done_all:"):
            with st.spinner(f"Đang tạo mật khẩu cho {len(plan.usernames)} tài khoản…"):
                credentials = staff_import.issue_credentials(plan.usernames)
            result = call(staff_import.commit_import, me, files=files, credentials=credentials)
            if not failed(result):
                st.session_state.pop(PLAN, None)
                st.session_state[RESULT] = {"summary": staff_import.summary(plan), "accounts": result.accounts}
                st.rerun()
