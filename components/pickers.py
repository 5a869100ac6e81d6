"""Shared pickers: the unit a city-wide user works on (ward staff are fixed to their own unit)."""

from __future__ import annotations

import streamlit as st

from components.ui import fetch
from services.core import units
from services.core.roles import Actor


def unit_picker(actor: Actor, *, key: str, label: str = "Phường/xã") -> int:
    if not actor.city_wide:
        return actor.unit_id
    by_id = {u["id"]: u["name"] for u in fetch(units.list_units, default=[])}
    return st.selectbox(label, list(by_id), format_func=by_id.get, key=key)
