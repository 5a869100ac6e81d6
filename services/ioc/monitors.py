"""Queue and feedback figures for the IOC and the trial report, from the queue (#7) and feedback (#8) features.

Looked up when called, so the IOC keeps working, showing "chưa có dữ liệu", while a feature is not installed.
"""

from __future__ import annotations

import importlib
from datetime import date

from sqlalchemy import Connection

from services.core.roles import Actor

SOURCES = {
    "queue": (("services.queue.stats", "queue_stats"), ("services.queue.tickets", "queue_stats")),
    "feedback": (("services.feedback.items", "feedback_stats"),),
}


def available(kind: str) -> bool:
    return _function(kind) is not None


def stats(conn: Connection, actor: Actor, *, kind: str, unit_id: int | None, start: date, end: date) -> dict | None:
    """The feature's own figures for the unit (None: whole city) and period, or None when it is not installed."""
    function = _function(kind)
    return None if function is None else function(conn, actor, unit_id=unit_id, start=start, end=end)


def _function(kind: str):
    for module_name, function_name in SOURCES[kind]:
        try:
            function = getattr(importlib.import_module(module_name), function_name, None)
        except ImportError:
            continue
        if function is not None:
            return function
    return None
