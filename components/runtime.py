"""Process-wide resources for the Streamlit screens: settings and the one database engine."""

from __future__ import annotations

import streamlit as st
from sqlalchemy import Engine

from config import Settings, load_settings
from db.engine import build_engine


@st.cache_resource(show_spinner=False)
def settings() -> Settings:
    return load_settings()


@st.cache_resource(show_spinner=False)
def engine() -> Engine:
    return build_engine(settings().database_url)
