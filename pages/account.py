"""Change one's own password (forced after an admin reset or a bulk import)."""

import streamlit as st

from components.ui import actor, call, failed
from services.accounts import accounts

st.title("Đổi mật khẩu")
with st.form("account__form", clear_on_submit=True):
    current = st.text_input("Mật khẩu hiện tại", type="password", key="account__current")
    new = st.text_input("Mật khẩu mới (ít nhất 8 ký tự)", type="password", key="account__new")
    again = st.text_input("Nhập lại mật khẩu mới", type="password", key="account__again")
    submitted = st.form_submit_button("Đổi mật khẩu", type="primary")

if submitted:
    if new != again:
        st.error("Hai lần nhập mật khẩu mới không khớp.")
    elif not failed(call(accounts.change_own_password, actor(), current=current, new=new)):
        st.success("Đã đổi mật khẩu. Lần đăng nhập sau hãy dùng mật khẩu mới.")
