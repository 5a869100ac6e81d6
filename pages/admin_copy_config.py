"""Admin: copy a tested unit's configuration (the pilot ward's) to other units — preview every difference, apply,
and the record of every copy."""

import streamlit as st

from components.tables import table
from components.ui import actor, call, failed, fetch
from services.core import units
from services.core.clock import format_datetime
from services.rollout import config_copy

PREVIEW, DONE = "copy_config__preview", "copy_config__done"
PILOT = "NGUHANHSON"

st.title("Sao chép cấu hình giữa các đơn vị")
me = actor()
st.caption(
    "Chép cấu hình đã chạy thử của một đơn vị (mặc định phường Ngũ Hành Sơn) sang các phường, xã khác. Sau khi áp "
    "dụng, mỗi nhóm được chọn của đơn vị nhận giống hệt đơn vị nguồn: mục thừa được bỏ (nhóm, quầy, đối tượng ưu tiên "
    "được ngừng dùng, không xóa). Phòng chuyên môn được đối chiếu theo mã, rồi theo loại phòng. Danh mục thủ tục dùng "
    "chung toàn thành phố, sửa ở trang Danh mục thủ tục."
)
if st.session_state.get(DONE):
    st.success(st.session_state.pop(DONE), icon=":material/check_circle:")
all_units = fetch(units.list_units, default=[])
names = {u["id"]: u["name"] for u in all_units}
codes = [u["code"] for u in all_units]
tab_copy, tab_history = st.tabs(["Sao chép", "Lịch sử sao chép"])

with tab_history:
    history = fetch(config_copy.copy_history, me, default=[])
    table(
        [
            {
                "Thời điểm": format_datetime(h["at"]),
                "Người thực hiện": h["username"],
                "Từ đơn vị": h["source_name"],
                "Đến đơn vị": h["target_name"],
                "Nhóm cấu hình": ", ".join(config_copy.SECTION_LABELS.get(s, s) for s in h["sections"]),
                "Số thay đổi": h["change_count"],
            }
            for h in history
        ],
        key="copy_config__history",
        filename="lich-su-sao-chep-cau-hinh",
        empty="Chưa sao chép lần nào.",
    )

with tab_copy:
    source = st.selectbox(
        "Đơn vị nguồn",
        list(names),
        index=codes.index(PILOT) if PILOT in codes else 0,
        format_func=names.get,
        key="copy_config__source",
    )
    everyone = st.radio(
        "Đơn vị nhận",
        ["all", "some"],
        format_func={"all": "Tất cả các đơn vị còn lại", "some": "Chọn đơn vị"}.get,
        horizontal=True,
        key="copy_config__scope",
    )
    others = [unit_id for unit_id in names if unit_id != source]
    if everyone == "all":
        targets = others
    else:
        targets = st.multiselect("Chọn đơn vị nhận", others, format_func=names.get, key="copy_config__targets")
    sections = st.multiselect(
        "Nhóm cấu hình",
        list(config_copy.SECTION_LABELS),
        default=list(config_copy.SECTION_LABELS),
        format_func=config_copy.SECTION_LABELS.get,
        key="copy_config__sections",
    )
    request = {"source_unit_id": source, "target_unit_ids": targets, "sections": sections}
    stored = st.session_state.get(PREVIEW)
    if stored and stored[0] != request:
        st.session_state.pop(PREVIEW)  # the choice changed: the old preview no longer says what would happen

    if st.button("Xem trước thay đổi", key="copy_config__preview_button", icon=":material/preview:"):
        preview = fetch(config_copy.preview_copy, me, **request)
        if preview is not None:
            st.session_state[PREVIEW] = (request, preview)

    if st.session_state.get(PREVIEW):
        preview = st.session_state[PREVIEW][1]
        changed = [u for u in preview.units if u.changes]
        columns = st.columns(4)
        columns[0].metric("Đơn vị nhận", len(preview.units))
        columns[1].metric("Đơn vị có thay đổi", len(changed))
        columns[2].metric("Số thay đổi", preview.change_count)
        columns[3].metric("Mục không chép được", sum(len(u.skipped) for u in preview.units))
        st.subheader("Khác biệt sẽ được áp dụng")
        table(
            [
                {
                    "Đơn vị": unit.name,
                    "Nhóm cấu hình": config_copy.SECTION_LABELS[change.section],
                    "Thao tác": config_copy.ACTION_LABELS[change.action],
                    "Mục": change.item,
                    "Hiện tại": change.before,
                    "Sau khi sao chép": change.after,
                }
                for unit in preview.units
                for change in unit.changes
            ],
            key="copy_config__changes",
            filename="xem-truoc-sao-chep",
            empty="Các đơn vị nhận đã giống đơn vị nguồn: không có gì để thay đổi.",
        )
        skipped = [{"Đơn vị": u.name, "Không chép được": item} for u in preview.units for item in u.skipped]
        if skipped:
            st.subheader("Không chép được (đơn vị nhận thiếu phòng tương ứng)")
            table(skipped, key="copy_config__skipped", filename="khong-chep-duoc")
        if preview.change_count:
            label = f"Áp dụng cho {len(preview.units)} đơn vị ({len(changed)} đơn vị có thay đổi)"
            if st.button(label, key="copy_config__apply", type="primary", icon=":material/content_copy:"):
                result = call(config_copy.apply_copy, me, **request, expected_fingerprint=preview.fingerprint)
                if not failed(result):
                    st.session_state.pop(PREVIEW, None)
                    st.session_state[DONE] = (
                        f"Đã sao chép cấu hình sang {result.units} đơn vị ({result.changes} thay đổi)."
                    )
                    st.rerun()
