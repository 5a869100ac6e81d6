"""Calling services from a page: one transaction, and a Vietnamese message instead of a traceback."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import streamlit as st

from components.runtime import engine
from db.engine import DatabaseError, read, write
from services.core.errors import DomainError

log = logging.getLogger("motcua")
FAILED = object()


def call(service: Callable, *args: Any, readonly: bool = False, **kwargs: Any) -> Any:
    """Runs service(conn, *args, **kwargs) in one transaction; on an expected error shows it and returns FAILED."""
    try:
        with (read if readonly else write)(engine()) as conn:
            return service(conn, *args, **kwargs)
    except (DomainError, DatabaseError) as exc:
        st.error(getattr(exc, "message", str(exc)), icon=":material/error:")
    except Exception:
        log.exception("unexpected error in %s", getattr(service, "__name__", service))
        st.error(
            "Đã xảy ra lỗi không mong muốn. Thao tác chưa được lưu; vui lòng thử lại hoặc báo quản trị viên.",
            icon=":material/error:",
        )
    return FAILED


def fetch(service: Callable, *args: Any, default: Any = None, **kwargs: Any) -> Any:
    """A read-only call; returns `default` after showing the error."""
    result = call(service, *args, readonly=True, **kwargs)
    return default if result is FAILED else result


def failed(result: Any) -> bool:
    return result is FAILED


def actor():
    """The signed-in staff member, loaded by app.py on this run; a page opened any other way shows nothing."""
    if "actor" not in st.session_state:
        st.stop()
    return st.session_state["actor"]
