"""IOC read queries cached for a minute per user, unit and period (the cache is shared by every session).

MOTCUA_IOC_CACHE_SECONDS sets the lifetime (0: read fresh every run, as the browser tests' shared server does)."""

from __future__ import annotations

import os
from datetime import date

import streamlit as st

from components.ui import fetch
from services.core import units
from services.core.roles import Actor
from services.ioc import cameras, early_warnings, index766, kpi, rivers, trial_report
from services.ioc import monitors as ioc_monitors

TTL = max(int(os.environ.get("MOTCUA_IOC_CACHE_SECONDS", "60")), 0) or 0.001


@st.cache_data(ttl=TTL, show_spinner=False)
def _dashboard(_conn, actor: Actor, *, unit_id: int | None, start: date, end: date) -> dict:
    return kpi.dashboard(_conn, actor, unit_id=unit_id, start=start, end=end)


@st.cache_data(ttl=TTL, show_spinner=False)
def _index(_conn, actor: Actor, *, unit_id: int | None, start: date, end: date) -> dict:
    return index766.report(_conn, actor, unit_id=unit_id, start=start, end=end)


@st.cache_data(ttl=TTL, show_spinner=False)
def _ranking(_conn, actor: Actor, *, start: date, end: date) -> list[dict]:
    return index766.ranking(_conn, actor, start=start, end=end)


@st.cache_data(ttl=TTL, show_spinner=False)
def _warnings(_conn, actor: Actor, *, unit_id: int | None) -> list[dict]:
    return early_warnings.early_warnings(_conn, actor, unit_id=unit_id)


@st.cache_data(ttl=TTL, show_spinner=False)
def _monitor(_conn, actor: Actor, *, kind: str, unit_id: int | None, start: date, end: date) -> dict | None:
    return ioc_monitors.stats(_conn, actor, kind=kind, unit_id=unit_id, start=start, end=end)


@st.cache_data(ttl=TTL, show_spinner=False)
def _stations(_conn, actor: Actor) -> list[dict]:
    return rivers.station_overview(_conn, actor)


@st.cache_data(ttl=TTL, show_spinner=False)
def _cameras(_conn, actor: Actor, *, unit_id: int | None) -> list[dict]:
    return cameras.list_cameras(_conn, actor, unit_id=unit_id)


@st.cache_data(ttl=TTL, show_spinner=False)
def _series(_conn, actor: Actor, *, station_id: int) -> list[dict]:
    return rivers.station_series(_conn, actor, station_id=station_id)


@st.cache_data(ttl=TTL, show_spinner=False)
def _trial_report(_conn, actor: Actor, *, unit_id: int | None, start: date, end: date) -> dict:
    return trial_report.build(_conn, actor, unit_id=unit_id, start=start, end=end)


def series(actor: Actor, station_id: int) -> list[dict]:
    return fetch(_series, actor, station_id=station_id, default=[])


def report(actor: Actor, unit_id: int | None, start: date, end: date) -> dict | None:
    return fetch(_trial_report, actor, unit_id=unit_id, start=start, end=end)


def dashboard(actor: Actor, unit_id: int | None, start: date, end: date) -> dict | None:
    return fetch(_dashboard, actor, unit_id=unit_id, start=start, end=end)


def index(actor: Actor, unit_id: int | None, start: date, end: date) -> dict | None:
    """The Decision 766 index of the unit (or the city) and, for city roles, the 94-unit ranking by the same score."""
    report = fetch(_index, actor, unit_id=unit_id, start=start, end=end)
    if report is None:
        return None
    ranking = fetch(_ranking, actor, start=start, end=end, default=None) if actor.city_wide else None
    return {**report, "ranking": ranking}


def warnings(actor: Actor, unit_id: int | None) -> list[dict]:
    return fetch(_warnings, actor, unit_id=unit_id, default=[])


def monitor(actor: Actor, kind: str, unit_id: int | None, start: date, end: date) -> dict | None:
    return fetch(_monitor, actor, kind=kind, unit_id=unit_id, start=start, end=end)


def stations(actor: Actor) -> list[dict]:
    return fetch(_stations, actor, default=[])


def camera_list(actor: Actor, unit_id: int | None) -> list[dict]:
    return fetch(_cameras, actor, unit_id=unit_id, default=[])


def clear() -> None:
    """After a write that changes what the IOC shows (readings, thresholds, cameras, lessons)."""
    for cached in (_dashboard, _index, _ranking, _warnings, _monitor, _stations, _cameras, _series, _trial_report):
        cached.clear()


def scope_picker(actor: Actor, *, key: str, allow_city: bool = True) -> int | None:
    """A leader is fixed to their unit; city roles pick a unit or, with None, the whole city."""
    if not actor.city_wide:
        return actor.unit_id
    names = {u["id"]: u["name"] for u in fetch(units.list_units, default=[])}
    options = ([None] if allow_city else []) + sorted(names, key=names.get)
    return st.selectbox("Phạm vi", options, format_func=lambda i: "Toàn thành phố" if i is None else names[i], key=key)


def period_picker(*, key: str, default: tuple[date, date]) -> tuple[date, date] | None:
    chosen = st.date_input("Kỳ (từ ngày – đến ngày)", value=default, format="DD/MM/YYYY", key=key)
    if not isinstance(chosen, tuple | list) or len(chosen) != 2:
        st.info("Chọn ngày bắt đầu và ngày kết thúc.", icon=":material/date_range:")
        return None
    return chosen[0], chosen[1]
