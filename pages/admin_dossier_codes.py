"""Admin: the dossier code pattern (mã hồ sơ) used by every unit from the next intake on."""

import streamlit as st

from components.ui import actor, call, failed, fetch
from services.core.clock import now
from services.dossiers import codes as dossier_codes

st.title("Mẫu mã hồ sơ")
me = actor()
current = fetch(dossier_codes.current_pattern, default=dossier_codes.DEFAULT_PATTERN)
st.write(
    "Các trường: `{unit}` mã phường/xã, `{yymmdd}` hoặc `{yyyymmdd}` ngày tiếp nhận, `{seq:04d}` số thứ tự "
    "trong ngày của đơn vị (4 chữ số). Mẫu phải có đủ đơn vị, ngày và số thứ tự để mã không trùng trên toàn thành phố."
)
st.info("Mẫu mặc định theo cách đánh mã của hệ thống quốc gia là giá trị mẫu (chưa xác minh).", icon=":material/info:")
with st.form("codes__form"):
    pattern = st.text_input("Mẫu mã hồ sơ", value=current, key="codes__pattern")
    saved = st.form_submit_button("Lưu", type="primary")
if saved and not failed(call(dossier_codes.set_pattern, me, pattern=pattern)):
    st.success("Đã lưu mẫu mã hồ sơ.", icon=":material/check:")
    current = pattern.strip()
st.caption("Ví dụ với mẫu hiện tại: " + dossier_codes.format_code(current, unit_code="NGUHANHSON", day=now(), seq=1))
