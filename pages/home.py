"""Home: who is signed in and where to start, by role."""

import streamlit as st

from components.ui import actor
from services.core.roles import ROLE_LABELS

me = actor()
st.title("Trung tâm Phục vụ Hành chính công")
st.write(f"Xin chào **{me.full_name}** — {', '.join(ROLE_LABELS[r] for r in sorted(me.roles))}.")
st.info(
    "Chọn chức năng ở thanh bên trái. Mọi thao tác được ghi nhật ký theo tài khoản của bạn.", icon=":material/info:"
)
