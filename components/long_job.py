"""Long work on a staff screen (import, configuration copy, trial report, large export): a progress panel, and a
guard so that it cannot be started twice — a flag in the session while it runs and a lock row in the database
for other tabs and other administrators (services.job_locks)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from components.ui import FAILED, actor, call, failed
from services.core import job_locks


class Progress:
    """What the work reports: a fraction done and what it is doing now."""

    def __init__(self, status, bar):
        self._status, self._bar = status, bar

    def __call__(self, fraction: float, text: str) -> None:
        self._bar.progress(min(max(fraction, 0.0), 1.0), text=text)


def is_running(name: str) -> bool:
    return bool(st.session_state.get(f"job__{name}"))


def run_once(name: str, label: str, work: Callable[[Progress], Any], *, result_key: str | None = None) -> Any:
    """Runs work(progress) under the job's lock, in a status panel. Returns its result, or FAILED (message shown).

    With result_key the result is kept in the session as soon as it exists, so a rerun that interrupts the panel
    (a second click) cannot lose what was done (generated passwords, for instance)."""
    me = actor()
    flag = f"job__{name}"
    if st.session_state.get(flag):
        st.warning(f"{label} đang chạy trong phiên này; vui lòng chờ.", icon=":material/hourglass_top:")
        return FAILED
    if failed(call(job_locks.acquire, name=name, holder=me.username, label=label)):
        return FAILED
    st.session_state[flag] = True
    try:
        with st.status(f"{label}…", expanded=True) as status:
            result = work(Progress(status, st.progress(0.0)))
            if result_key is not None and not failed(result):
                st.session_state[result_key] = result
            status.update(
                label=f"{label}: không thành công" if failed(result) else f"{label}: xong",
                state="error" if failed(result) else "complete",
            )
        return result
    finally:
        st.session_state.pop(flag, None)
        call(job_locks.release, name=name, holder=me.username)
