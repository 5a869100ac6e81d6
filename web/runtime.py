"""Process-wide resources for the light web routes (no Streamlit): settings, engine, templates."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.templating import Jinja2Templates

from config import Settings, load_settings
from db.engine import build_engine, read, write

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


@lru_cache(maxsize=1)
def settings() -> Settings:
    return load_settings()


@lru_cache(maxsize=1)
def engine() -> Engine:
    return build_engine(settings().database_url)


async def in_transaction(function, *args, writes: bool = False, **kwargs):
    """function(conn, *args, **kwargs) in one transaction, on the thread pool so the event loop never waits on the
    database; a database outage propagates to web.security's handler (503)."""

    def run():
        with (write if writes else read)(engine()) as conn:
            return function(conn, *args, **kwargs)

    return await run_in_threadpool(run)
