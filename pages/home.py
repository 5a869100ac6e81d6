"""Home: the day's work of the signed-in role, each figure linking to the page that acts on it."""

import streamlit as st

from components import home
from components.ui import actor
from services.core.roles import ROLE_LABELS

me = actor()
st.title("Trung tâm Phục vụ Hành chính công")
st.text(f"Xin chào {me.full_name} — {', '.join(ROLE_LABELS[r] for r in sorted(me.roles))}.")
home.show(me)
