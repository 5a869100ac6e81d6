"""Staff sign-in: our own Vietnamese form checked by services.accounts, the cookie kept by streamlit-authenticator."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import streamlit as st
import streamlit_authenticator as stauth

from components.runtime import engine, settings
from components.ui import FAILED, call
from db.engine import read, write
from services.accounts import accounts
from services.core.roles import Actor

COOKIE_EXPIRY_DAYS = 1
SESSION_KEYS = ("authentication_status", "username", "name", "roles", "email")


def authenticator() -> stauth.Authenticate:
    """Built once per run from a fresh credentials dict, since the library mutates it."""
    with read(engine()) as conn:
        credentials = accounts.credentials_for_authenticator(conn)
    config = settings()
    return stauth.Authenticate(
        credentials, config.cookie_name, config.cookie_key, COOKIE_EXPIRY_DAYS, auto_hash=False, login_sleep_time=0
    )


def signed_in_actor(auth: stauth.Authenticate) -> Actor | None:
    if st.session_state.pop("auth__logout_requested", False) and st.session_state.get("authentication_status"):
        _sign_out(auth)
        return None
    _resume_from_cookie(auth)
    if st.session_state.pop("auth__just_signed_in", False):
        auth.cookie_controller.set_cookie()
    if not st.session_state.get("authentication_status"):
        return None
    signed_in_at = datetime.fromtimestamp(st.session_state.get("auth__signed_in_at", 0), UTC)
    with read(engine()) as conn:
        actor = accounts.load_actor(conn, st.session_state.get("username"), signed_in_at=signed_in_at)
    if actor is None:
        _forget_session()
        auth.cookie_controller.delete_cookie()
        st.session_state["auth__message"] = "Phiên đăng nhập không còn hiệu lực. Vui lòng đăng nhập lại."
    return actor


def _resume_from_cookie(auth: stauth.Authenticate) -> None:
    if st.session_state.get("authentication_status"):
        return
    token = auth.cookie_controller.get_cookie()
    auth.login(location="unrendered")
    if token and st.session_state.get("authentication_status"):
        st.session_state["auth__signed_in_at"] = token["exp_date"] - COOKIE_EXPIRY_DAYS * 86400


def _sign_out(auth: stauth.Authenticate) -> None:
    with write(engine()) as conn:
        accounts.sign_out_everywhere(conn, st.session_state.get("username", ""))
    auth.logout(location="unrendered")
    st.session_state.pop("actor", None)


def _forget_session() -> None:
    for key in SESSION_KEYS:
        st.session_state[key] = None


def _sign_in() -> None:
    """Runs before the script, so this same run already shows the staff screens and writes the cookie."""
    outcome = call(
        accounts.authenticate,
        st.session_state.get("login__username", ""),
        st.session_state.get("login__password", ""),
    )
    if outcome is FAILED:
        return
    if outcome.actor is None:
        st.session_state["auth__message"] = outcome.message
        return
    st.session_state.update(
        authentication_status=True,
        username=outcome.actor.username,
        name=outcome.actor.full_name,
        roles=sorted(outcome.actor.roles),
        logout=None,
        auth__just_signed_in=True,
        auth__signed_in_at=time.time(),
    )
    st.session_state.pop("auth__message", None)


def login_page() -> None:
    st.title("Đăng nhập")
    st.caption("Trung tâm Phục vụ Hành chính công phường/xã — dành cho cán bộ, công chức")
    message = st.session_state.pop("auth__message", None)
    if message:
        st.error(message, icon=":material/lock:")
    with st.form("login__form"):
        st.text_input("Tên đăng nhập", key="login__username", autocomplete="username")
        st.text_input("Mật khẩu", type="password", key="login__password", autocomplete="current-password")
        st.form_submit_button("Đăng nhập", type="primary", on_click=_sign_in)
    if settings().demo_mode:
        _demo_credentials()


def _demo_credentials() -> None:
    from seed.demo import DEMO_PASSWORD, DEMO_USERS

    with st.expander("Tài khoản dùng thử (chỉ hiện ở chế độ demo)", expanded=True):
        st.markdown(f"Mật khẩu chung: `{DEMO_PASSWORD}`")
        st.table({"Tên đăng nhập": [u["username"] for u in DEMO_USERS], "Vai trò": [u["label"] for u in DEMO_USERS]})


def request_logout() -> None:
    st.session_state["auth__logout_requested"] = True
