"""ASGI entry: the Streamlit staff screens (app.py) and the light public routes (web/) in one process.

Run with `streamlit run server.py`.
"""

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from web.routes import ROUTES

# Streamlit would treat `pages/` as v1 auto-discovered pages until the first st.navigation call, so the very
# first request after a start could open a page file without app.py's sign-in. app.py always navigates.
PagesManager.uses_pages_directory = False

app = st.App("app.py", routes=ROUTES)
