"""Admin: staff accounts — create, change role, unit and department, deactivate, reset the password."""

import pandas as pd
import streamlit as st

from components.pickers import unit_picker
from components.ui import actor, call, failed, fetch
from services.accounts import accounts
from services.core import units
from services.core.clock import format_datetime
from services.core.roles import ALL_ROLES, CITY_WIDE_ROLES, ROLE_LABELS

st.title("Tài khoản cán bộ")
me = actor()
unit_id = unit_picker(me, key="users__unit", label="Đơn vị")
departments = {d["id"]: d["name"] for d in fetch(units.list_departments, me, unit_id, default=[])}
rows = fetch(accounts.list_users, me, unit_id=unit_id, default=[])
st.dataframe(
    pd.DataFrame(
        [
            {
                "Tên đăng nhập": r["username"],
                "Họ tên": r["full_name"],
                "Vai trò": ", ".join(ROLE_LABELS.get(x, x) for x in r["roles"].split(",")),
                "Phòng": r["department_name"] or "",
                "Hoạt động": r["active"],
                "Khóa đến": format_datetime(r["locked_until"]),
            }
            for r in rows
        ]
    ),
    hide_index=True,
    width="stretch",
)


def role_fields(prefix: str, current: dict | None = None):
    current = current or {}
    roles = st.multiselect(
        "Vai trò", ALL_ROLES, default=current.get("roles", []), format_func=ROLE_LABELS.get, key=f"{prefix}_roles"
    )
    options = [None, *departments]
    department = st.selectbox(
        "Phòng chuyên môn (chuyên viên, trưởng phòng)",
        options,
        index=options.index(current.get("department_id")) if current.get("department_id") in options else 0,
        format_func=lambda i: "— không —" if i is None else departments[i],
        key=f"{prefix}_dept",
    )
    return roles, department


def unit_for(roles) -> int | None:
    """City-wide accounts belong to no ward."""
    return None if roles and set(roles) <= CITY_WIDE_ROLES else unit_id


tab_new, tab_edit = st.tabs(["Thêm tài khoản", "Sửa / khóa / đặt lại mật khẩu"])
with tab_new, st.form("users__create", clear_on_submit=False):
    username = st.text_input("Tên đăng nhập", key="users__new_username")
    full_name = st.text_input("Họ tên", key="users__new_name")
    email = st.text_input("Email", key="users__new_email")
    phone = st.text_input("Điện thoại", key="users__new_phone")
    roles, department = role_fields("users__new")
    password = st.text_input("Mật khẩu ban đầu (ít nhất 8 ký tự)", type="password", key="users__new_password")
    if st.form_submit_button("Tạo tài khoản", type="primary"):
        new = accounts.NewUser(
            username=username,
            full_name=full_name,
            roles=tuple(roles),
            unit_id=unit_for(roles),
            department_id=department,
            email=email,
            phone=phone,
        )
        if not failed(call(accounts.create_user, me, new, password, must_change=True)):
            st.success(f"Đã tạo tài khoản “{username}”. Cán bộ phải đổi mật khẩu ở lần đăng nhập đầu.")

with tab_edit:
    by_id = {r["id"]: r for r in rows}
    if not by_id:
        st.info("Đơn vị chưa có tài khoản nào.")
    else:
        chosen = st.selectbox(
            "Tài khoản",
            list(by_id),
            key="users__edit_id",
            format_func=lambda i: f"{by_id[i]['username']} — {by_id[i]['full_name']}",
        )
        row = by_id[chosen]
        with st.form(f"users__edit_{chosen}"):
            name = st.text_input("Họ tên", value=row["full_name"], key=f"users__edit_name_{chosen}")
            roles, department = role_fields(
                f"users__edit_{chosen}", {"roles": row["roles"].split(","), "department_id": row["department_id"]}
            )
            if st.form_submit_button("Lưu thay đổi"):
                if not failed(
                    call(
                        accounts.update_user,
                        me,
                        user_id=chosen,
                        roles=tuple(roles),
                        unit_id=unit_for(roles),
                        department_id=department,
                        full_name=name,
                        email=row["email"],
                        phone=row["phone"],
                    )
                ):
                    st.success("Đã lưu.")
        col_active, col_reset = st.columns(2)
        with col_active:
            label = "Vô hiệu hóa tài khoản" if row["active"] else "Kích hoạt lại tài khoản"
            if st.button(label, key=f"users__toggle_{chosen}"):
                if not failed(call(accounts.set_active, me, user_id=chosen, active=not row["active"])):
                    st.rerun()
        with col_reset:
            if st.button("Đặt lại mật khẩu", key=f"users__reset_{chosen}"):
                password = accounts.generate_password()
                if not failed(call(accounts.reset_password, me, user_id=chosen, password=password)):
                    st.success(f"Mật khẩu tạm thời (chỉ hiện một lần): `{password}`")
