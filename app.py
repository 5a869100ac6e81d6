"""Entry of the staff screens: settings, sign-in, then the navigation of the signed-in role."""

import streamlit as st

from components import auth, nav
from components.runtime import engine, settings
from config import SettingsError
from db.engine import DatabaseError, check_connection, read
from services.accounts import accounts
from services.core.roles import ROLE_LABELS
from services.core.units import get_unit

st.set_page_config(page_title="Một cửa phường/xã", page_icon=":material/account_balance:", layout="wide")


def _startup_or_stop() -> None:
    try:
        settings()
        check_connection(engine())
    except (SettingsError, DatabaseError) as exc:
        st.error(str(exc), icon=":material/error:")
        st.cache_resource.clear()
        st.stop()


def _sidebar(actor) -> None:
    with st.sidebar:
        st.markdown(f"**{actor.full_name}**")
        with read(engine()) as conn:
            unit_name = get_unit(conn, actor.unit_id)["name"] if actor.unit_id else "Toàn thành phố"
        st.caption(f"{unit_name} · " + ", ".join(ROLE_LABELS.get(r, r) for r in sorted(actor.roles)))
        st.button("Đăng xuất", key="auth__logout", icon=":material/logout:", on_click=auth.request_logout)


_startup_or_stop()
authenticator = auth.authenticator()
actor = auth.signed_in_actor(authenticator)
if actor is None:
    st.session_state.pop("actor", None)
    st.navigation([st.Page(auth.login_page, title="Đăng nhập", icon=":material/login:")], position="hidden").run()
    st.stop()

st.session_state["actor"] = actor
with read(engine()) as conn:
    password_change_only = accounts.must_change_password(conn, actor)
_sidebar(actor)
st.navigation(nav.pages_for(actor, password_change_only=password_change_only)).run()
