"""Every database test runs on SQLite and on PostgreSQL, each test on a fresh, migrated database.

PostgreSQL comes from TEST_DATABASE_URL (set by .ci/run); each pytest process migrates its own schema once
and truncates it between tests, so parallel runs on one server do not collide.
"""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("MOTCUA_BCRYPT_ROUNDS", "4")
os.environ.setdefault("MOTCUA_DEMO", "true")

import pytest  # noqa: E402
from sqlalchemy import Engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from db import migrate  # noqa: E402
from db.engine import build_engine, write  # noqa: E402
from db.schema import metadata  # noqa: E402
from services.demo import seed_demo  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]


@dataclass
class TestDatabase:
    __test__ = False
    backend: str
    url: str
    engine: Engine


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "empty.db"
    engine = build_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_schema():
    if not POSTGRES_URL:
        pytest.skip("TEST_DATABASE_URL is not set: PostgreSQL tests skipped (.ci/run always sets it)")
    schema = f"test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = build_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = build_engine(POSTGRES_URL, schema=schema)
    migrate.upgrade(engine)
    yield schema, engine
    engine.dispose()
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def _postgres_url_with_schema(schema: str) -> str:
    url = make_url(POSTGRES_URL)
    return url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)


def _truncate_all(engine: Engine) -> None:
    names = ", ".join(f'"{table.name}"' for table in metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=BACKENDS)
def database(request, tmp_path) -> TestDatabase:
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
        engine = build_engine(url)
        yield TestDatabase("sqlite", url, engine)
        engine.dispose()
        return
    schema, engine = request.getfixturevalue("postgres_schema")
    _truncate_all(engine)
    yield TestDatabase("postgresql", _postgres_url_with_schema(schema), engine)


@pytest.fixture
def engine(database) -> Engine:
    return database.engine


@pytest.fixture
def demo(database) -> TestDatabase:
    """The demo seed: 94 units, the sample catalog, Ngũ Hành Sơn and Hải Châu with one account per role."""
    with write(database.engine) as conn:
        seed_demo(conn)
    return database


@pytest.fixture
def demo_engine(demo) -> Engine:
    return demo.engine


def pytest_terminal_summary(terminalreporter):
    """Say plainly how many tests ran on each database, so a CI log shows PostgreSQL was not skipped."""
    for backend in ("sqlite", "postgresql"):
        passed = [r for r in terminalreporter.stats.get("passed", []) if f"[{backend}" in r.nodeid]
        failed = [r for r in terminalreporter.stats.get("failed", []) if f"[{backend}" in r.nodeid]
        terminalreporter.write_line(f"on {backend}: {len(passed)} tests passed and {len(failed)} tests failed")
