"""ASGI entry: the Streamlit staff screens (app.py) and the light public routes (web/) in one process.

Run with `streamlit run server.py`. In production mode the server refuses to start with unsafe settings (a missing,
placeholder or published key; no public address) or while an account is still on the published demo password.
"""

import logging
from contextlib import asynccontextmanager

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from db.engine import DatabaseError, read
from services.accounts.deployment_checks import production_refusal
from web.routes import ROUTES
from web.runtime import engine, settings
from web.security import EXCEPTION_HANDLERS, MIDDLEWARE

# Streamlit would treat `pages/` as v1 auto-discovered pages until the first st.navigation call, so the very
# first request after a start could open a page file without app.py's sign-in. app.py always navigates.
PagesManager.uses_pages_directory = False
log = logging.getLogger("motcua.server")


@asynccontextmanager
async def refuse_unsafe_start(_app):
    config = settings()  # SettingsError (in Vietnamese) stops the start here
    try:
        with read(engine()) as conn:
            refusal = production_refusal(conn, demo_mode=config.demo_mode)
    except DatabaseError:
        refusal = None  # the database may come back; requests answer 503 meanwhile and app.py re-checks each run
    if refusal:
        raise RuntimeError(refusal)
    yield


app = st.App(
    "app.py",
    routes=ROUTES,
    middleware=MIDDLEWARE,
    exception_handlers=EXCEPTION_HANDLERS,
    lifespan=refuse_unsafe_start,
)
