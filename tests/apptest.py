"""AppTest helpers: start app.py on a test database, signed in as a demo user (cookies cannot be seeded)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable

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

# Error boxes the demo data raises on purpose (an alert, not a failure): the Câu Lâu station past alarm II, the
# overdue feedback item, the shipments not confirmed in time. Matched by text start, so a service failure
# ("Đã xảy ra lỗi không mong muốn…", any DomainError) is never among them.
FLOOD_ALERT = ":material/flood:"
OVERDUE_FEEDBACK = "Đã quá hạn xử lý."
LATE_SHIPMENTS = ("Chuyến gửi quá hạn xác nhận:", "Chưa được xác nhận đã nhận quá thời hạn:")
DEMO_ALERTS = (FLOOD_ALERT, OVERDUE_FEEDBACK, *LATE_SHIPMENTS)


def check(at: AppTest, *, allow_errors: Iterable[str] = (), allow_warnings: bool = True) -> AppTest:
    """Fails when the last run raised, or showed an error box the test did not announce.

    `components.ui.call` turns every exception of a service into an error box, so `not at.exception` alone lets a
    crashing service pass. An error box is allowed only if its text contains, or its icon equals, one of
    `allow_errors`; a test that expects an error asserts its text itself. `allow_warnings=False` also fails on any
    warning box."""
    assert not at.exception, [e.value for e in at.exception]
    allowed = tuple(allow_errors)
    unexpected = [e.value for e in at.error if not any(a in e.value or a == e.icon for a in allowed)]
    assert not unexpected, f"unexpected error box(es): {unexpected}"
    if not allow_warnings:
        assert not at.warning, f"unexpected warning(s): {[w.value for w in at.warning]}"
    return at


def run(at: AppTest, *, allow_errors: Iterable[str] = (), allow_warnings: bool = True) -> AppTest:
    """at.run(), then check() it."""
    return check(at.run(), allow_errors=allow_errors, allow_warnings=allow_warnings)


def errors(at: AppTest) -> list[str]:
    """The texts of the error boxes the last run showed."""
    return [e.value for e in at.error]


def open_app(
    database,
    username: str | None = None,
    *,
    page: str | None = None,
    allow_errors: Iterable[str] = (),
    allow_warnings: bool = True,
) -> AppTest:
    """Runs app.py signed in as `username` (and switches to `page`), checking each run with check()."""
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
    check(at, allow_errors=allow_errors, allow_warnings=allow_warnings if not page else True)
    if page:
        at.switch_page(page).run()
        check(at, allow_errors=allow_errors, allow_warnings=allow_warnings)
    return at


def registered_pages(at: AppTest) -> set[str]:
    """Paths of the file pages st.navigation registered in the last run (AppTest 1.67 keeps them here)."""
    paths = (info.get("script_path") for info in at._registered_pages.values())
    return {os.path.relpath(str(p), ROOT) for p in paths if p and str(p).endswith(".py") and "pages" in str(p)}
