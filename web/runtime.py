"""Process-wide resources for the light web routes (no Streamlit): settings, engine, templates."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine
from starlette.templating import Jinja2Templates

from config import Settings, load_settings
from db.engine import build_engine

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


@lru_cache(maxsize=1)
def settings() -> Settings:
    return load_settings()


@lru_cache(maxsize=1)
def engine() -> Engine:
    return build_engine(settings().database_url)
