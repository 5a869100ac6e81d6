"""Admin: the procedure catalog — sample values to check, edits with their history, new procedures."""

import pandas as pd
import streamlit as st

from components.ui import actor, call, failed, fetch
from services.catalog import admin as catalog_admin
from services.catalog import procedures as catalog
from services.catalog.procedures import MODES
from services.core.clock import format_datetime
from services.core.units import DEPARTMENT_KINDS
from services.core.working_time import DEADLINE_KINDS, describe_deadline

SAMPLE_LABEL = "Giá trị mẫu — cần kiểm tra"
VERIFICATION_KINDS = [None, "working_days", "working_hours", "calendar_days"]
DOCUMENT_COLUMNS = {
    "name": st.column_config.TextColumn("Tên giấy tờ", required=True, width="large", max_chars=200),
    "original": st.column_config.CheckboxColumn("Bản chính", default=True),
    "copies": st.column_config.NumberColumn("Số bản", min_value=1, max_value=50, step=1, default=1, required=True),
}

st.title("Danh mục thủ tục")
me = actor()
if flash := st.session_state.pop("procedures__flash", None):
    st.success(flash)

rows = fetch(catalog.list_procedures, active_only=False, default=[])
samples = [r for r in rows if r["is_sample"]]
if samples:
    st.warning(
        f"{len(samples)} thủ tục còn mang **{SAMPLE_LABEL.lower()}** (lấy từ tài liệu tham khảo, chưa được đối chiếu). "
        "Đối chiếu với văn bản của đơn vị, sửa nếu cần rồi bấm “Lưu thay đổi” hoặc “Xác nhận giá trị đúng”.",
        icon=":material/fact_check:",
    )


def verification_text(row: dict) -> str:
    kind = row["verification_deadline_kind"]
    return describe_deadline(kind, row["verification_deadline_amount"]) if kind else "—"


st.dataframe(
    pd.DataFrame(
        [
            {
                "Mã": r["code"],
                "Tên thủ tục": r["name"],
                "Lĩnh vực": r["sector"],
                "Thời hạn": describe_deadline(r["deadline_kind"], r["deadline_amount"], r["cutoff"]),
                "Khi cần xác minh": verification_text(r),
                "Cách giải quyết": MODES.get(r["mode"], r["mode"]),
                "Lệ phí (đồng)": r["fee"],
                "Kiểm tra": SAMPLE_LABEL if r["is_sample"] else "Đã xác nhận",
                "Đang áp dụng": r["active"],
            }
            for r in rows
        ]
    ),
    hide_index=True,
    width="stretch",
)


def documents_frame(documents: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(documents, columns=list(DOCUMENT_COLUMNS))
    return frame.astype({"name": "object", "original": "bool", "copies": "Int64"})


def documents_rows(frame: pd.DataFrame) -> list[dict]:
    """Editor cells left empty arrive as NaN/NA; the service reads None."""
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def procedure_fields(prefix: str, current: dict) -> dict:
    name = st.text_input("Tên thủ tục", value=current.get("name", ""), key=f"{prefix}_name")
    sector = st.text_input("Lĩnh vực", value=current.get("sector", ""), key=f"{prefix}_sector")
    col_kind, col_amount, col_cutoff = st.columns(3)
    kinds = list(DEADLINE_KINDS)
    kind = col_kind.selectbox(
        "Loại thời hạn",
        kinds,
        index=kinds.index(current.get("deadline_kind", "working_days")),
        format_func=DEADLINE_KINDS.get,
        key=f"{prefix}_kind",
    )
    amount = col_amount.number_input(
        "Thời hạn (số ngày/giờ; thủ tục trong ngày: 0)",
        min_value=0,
        step=1,
        value=int(current.get("deadline_amount") or 0),
        key=f"{prefix}_amount",
    )
    cutoff = col_cutoff.text_input(
        "Giờ chốt nhận (HH:MM, chỉ thủ tục trong ngày)",
        value=current.get("cutoff") or "",
        placeholder="15:00",
        key=f"{prefix}_cutoff",
    )
    col_vkind, col_vamount = st.columns(2)
    verification_kind = col_vkind.selectbox(
        "Thời hạn khi cần xác minh",
        VERIFICATION_KINDS,
        index=VERIFICATION_KINDS.index(current.get("verification_deadline_kind")),
        format_func=lambda k: "Không áp dụng" if k is None else DEADLINE_KINDS[k],
        key=f"{prefix}_vkind",
    )
    verification_amount = col_vamount.number_input(
        "Số ngày/giờ khi cần xác minh",
        min_value=0,
        step=1,
        value=int(current.get("verification_deadline_amount") or 0),
        key=f"{prefix}_vamount",
    )
    col_mode, col_department = st.columns(2)
    modes, departments = list(MODES), [None, *DEPARTMENT_KINDS]
    mode = col_mode.selectbox(
        "Cách giải quyết",
        modes,
        index=modes.index(current.get("mode", "at_counter")),
        format_func=MODES.get,
        key=f"{prefix}_mode",
    )
    department_kind = col_department.selectbox(
        "Phòng chuyên môn xử lý",
        departments,
        index=departments.index(current.get("department_kind")),
        format_func=lambda k: "— không —" if k is None else DEPARTMENT_KINDS[k],
        key=f"{prefix}_department",
    )
    col_fee, col_parties, col_active = st.columns(3)
    fee = col_fee.number_input(
        "Lệ phí (đồng)", min_value=0, step=1000, value=int(current.get("fee") or 0), key=f"{prefix}_fee"
    )
    parties = col_parties.selectbox(
        "Người nộp",
        [1, 2],
        index=int(current.get("parties", 1)) - 1,
        format_func=lambda n: "Một người" if n == 1 else "Hai bên (cùng ký, vd. kết hôn)",
        key=f"{prefix}_parties",
    )
    active = col_active.checkbox("Đang áp dụng", value=bool(current.get("active", True)), key=f"{prefix}_active")
    st.markdown("**Thành phần hồ sơ** — thêm dòng ở cuối bảng, chọn dòng rồi bấm thùng rác để xóa")
    documents = st.data_editor(
        documents_frame(current.get("documents", [])),
        column_config=DOCUMENT_COLUMNS,
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        key=f"{prefix}_documents",
    )
    return dict(
        name=name,
        sector=sector,
        deadline_kind=kind,
        deadline_amount=amount,
        cutoff=cutoff,
        verification_deadline_kind=verification_kind,
        verification_deadline_amount=verification_amount if verification_kind else None,
        mode=mode,
        department_kind=department_kind,
        fee=fee,
        parties=parties,
        active=active,
        documents=documents_rows(documents),
    )


def saved(message: str) -> None:
    st.session_state["procedures__flash"] = message
    st.rerun()


tab_edit, tab_new = st.tabs(["Sửa thủ tục và lịch sử", "Thêm thủ tục"])
with tab_edit:
    by_id = {r["id"]: r for r in rows}
    if not by_id:
        st.info("Chưa có thủ tục nào.")
    else:
        chosen = st.selectbox(
            "Thủ tục",
            list(by_id),
            format_func=lambda i: (
                f"{by_id[i]['code']} — {by_id[i]['name']}" + (" (mẫu)" if by_id[i]["is_sample"] else "")
            ),
            key="procedures__edit_id",
        )
        current = by_id[chosen]
        if current["is_sample"]:
            st.caption(f":orange[{SAMPLE_LABEL}] — lưu thay đổi hoặc xác nhận để bỏ nhãn này.")
        with st.form(f"procedures__edit_form_{chosen}"):
            fields = procedure_fields(f"procedures__edit_{chosen}", current)
            st.caption("Thời hạn mới áp dụng cho hồ sơ tiếp nhận sau khi lưu; hồ sơ đã nhận giữ ngày hẹn cũ.")
            if st.form_submit_button("Lưu thay đổi", type="primary"):
                changes = call(
                    catalog_admin.update_procedure,
                    me,
                    procedure_id=chosen,
                    expected_version=current["version"],
                    **fields,
                )
                if not failed(changes):
                    saved(
                        f"Đã lưu {len(changes)} thay đổi của “{fields['name']}”." if changes else "Không có thay đổi."
                    )
        if current["is_sample"] and st.button("Xác nhận giá trị đúng", key="procedures__confirm"):
            result = call(catalog_admin.confirm_procedure, me, procedure_id=chosen, expected_version=current["version"])
            if not failed(result):
                saved(f"Đã xác nhận các giá trị của “{current['name']}”.")

        st.subheader("Lịch sử thay đổi")
        history = fetch(catalog_admin.procedure_history_of, me, procedure_id=chosen, default=[])
        if not history:
            st.caption("Chưa có thay đổi nào kể từ khi nạp giá trị mẫu.")
        else:
            st.dataframe(
                pd.DataFrame(
                    [
                        {
                            "Thời điểm": format_datetime(h["at"]),
                            "Người sửa": h["username"],
                            "Thay đổi": catalog_admin.describe_changes(h["changes"]),
                        }
                        for h in history
                    ]
                ),
                hide_index=True,
                width="stretch",
            )

with tab_new, st.form("procedures__create"):
    code = st.text_input("Mã thủ tục (chữ thường không dấu, vd. dang_ky_tam_tru)", key="procedures__new_code")
    fields = procedure_fields("procedures__new", {"documents": []})
    if st.form_submit_button("Thêm thủ tục", type="primary"):
        if not failed(call(catalog_admin.create_procedure, me, code=code, **fields)):
            saved(f"Đã thêm thủ tục “{fields['name']}”.")
