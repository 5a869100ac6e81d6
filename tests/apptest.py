"""AppTest helpers: start app.py on a test database, signed in as a demo user (cookies cannot be seeded)."""

from __future__ import annotations

import os
import time

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

APP = str(ROOT / "app.py")
_pages_manager_init = PagesManager.__init__


def _init_without_v1_pages(self, *args, **kwargs):
    """AppTest forgets before every run that app.py uses st.navigation, then runs pages/ files without app.py;
    the server never does (see server.py), so neither do the tests."""
    _pages_manager_init(self, *args, **kwargs)
    PagesManager.uses_pages_directory = False


PagesManager.__init__ = _init_without_v1_pages


def open_app(database, username: str | None = None, *, page: str | None = None) -> AppTest:
    os.environ["DATABASE_URL"] = database.url
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=30)
    if username:
        at.session_state["authentication_status"] = True
        at.session_state["username"] = username
        at.session_state["name"] = username
        at.session_state["roles"] = []
        at.session_state["logout"] = None
        at.session_state["auth__signed_in_at"] = time.time()  # signed in just now (a reset before it is no revocation)
    at.run()
    assert not at.exception, at.exception
    if page:
        at.switch_page(page).run()
        assert not at.exception, at.exception
    return at


def registered_pages(at: AppTest) -> set[str]:
    """Paths of the file pages st.navigation registered in the last run (AppTest 1.67 keeps them here)."""
    paths = (info.get("script_path") for info in at._registered_pages.values())
    return {os.path.relpath(str(p), ROOT) for p in paths if p and str(p).endswith(".py") and "pages" in str(p)}
