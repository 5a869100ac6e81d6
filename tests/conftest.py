"""Every database test runs on SQLite and on PostgreSQL, each test on a fresh, migrated database.

Fresh is cheap: each pytest process builds two templates per backend once — the migrated empty schema and the
seeded demo — and every test starts from a copy. SQLite copies the template file (< 1 ms); PostgreSQL empties the
process's own schema with DELETEs (far cheaper than TRUNCATE on small tables) and, for the demo, fills it with
`INSERT … SELECT` from a template schema and sets the sequences to the template's values.

The demo is dated relative to "now" (dossiers received today, due tomorrow…). A template is keyed by the local
date it was seeded on, so a run that crosses midnight seeds a new one for the new day instead of serving
yesterday's "today".

PostgreSQL comes from TEST_DATABASE_URL (set by .ci/run); schemas are named after the process, so parallel
workers (pytest-xdist) on one server do not collide.
"""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

os.environ.setdefault("MOTCUA_BCRYPT_ROUNDS", "4")
os.environ.setdefault("MOTCUA_DEMO", "true")

import pytest  # noqa: E402
from sqlalchemy import Engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from db import migrate  # noqa: E402
from db.engine import build_engine, write  # noqa: E402
from db.schema import metadata  # noqa: E402
from seed.demo import seed_demo  # noqa: E402
from services.core.clock import local_today  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]


@dataclass
class TestDatabase:
    __test__ = False
    backend: str
    url: str
    engine: Engine


class SqliteTemplates:
    """The migrated empty file, and one seeded demo file per local date."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.empty = folder / "empty.db"
        engine = build_engine(f"sqlite:///{self.empty}")
        migrate.upgrade(engine)
        _checkpoint_and_dispose(engine)
        self.demo_by_day: dict[date, Path] = {}

    def demo(self) -> Path:
        day = local_today()
        if day not in self.demo_by_day:
            path = self.folder / f"demo-{day.isoformat()}.db"
            shutil.copy(self.empty, path)
            engine = build_engine(f"sqlite:///{path}")
            with write(engine) as conn:
                seed_demo(conn)
            _checkpoint_and_dispose(engine)
            self.demo_by_day[day] = path
        return self.demo_by_day[day]


def _checkpoint_and_dispose(engine: Engine) -> None:
    """Fold the WAL into the main file so that copying that one file copies everything."""
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()


class PostgresSchemas:
    """This process's test schema, and one seeded demo schema per local date to copy from."""

    def __init__(self):
        tag = f"{os.getpid()}_{uuid.uuid4().hex[:6]}"
        self.admin = build_engine(POSTGRES_URL)
        self.schema = f"test_{tag}"
        self.engine = self._create(self.schema)
        self.tables = [table.name for table in metadata.sorted_tables]
        self.demo_by_day: dict[date, str] = {}
        self._tag = tag
        self._fill_sql: dict[str, str] = {}

    def _create(self, schema: str) -> Engine:
        with self.admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        engine = build_engine(POSTGRES_URL, schema=schema)
        migrate.upgrade(engine)
        return engine

    def empty(self) -> None:
        with self.engine.begin() as conn:
            conn.exec_driver_sql(self._empty_sql())

    def demo(self) -> None:
        source = self._demo_schema()
        with self.engine.begin() as conn:
            conn.exec_driver_sql(self._empty_sql() + self._fill_sql[source])

    def _empty_sql(self) -> str:
        deletes = "".join(f'DELETE FROM "{self.schema}"."{name}";' for name in reversed(self.tables))
        return deletes + (
            "SELECT setval(quote_ident(schemaname) || '.' || quote_ident(sequencename), 1, false) "
            f"FROM pg_sequences WHERE schemaname = '{self.schema}';"
        )

    def _demo_schema(self) -> str:
        day = local_today()
        if day not in self.demo_by_day:
            schema = f"demo_{self._tag}_{day.strftime('%Y%m%d')}"
            engine = self._create(schema)
            with write(engine) as conn:
                seed_demo(conn)
            self._fill_sql[schema] = self._copy_sql(engine, schema)
            engine.dispose()
            self.demo_by_day[day] = schema
        return self.demo_by_day[day]

    def _copy_sql(self, engine: Engine, source: str) -> str:
        with engine.connect() as conn:
            filled = [name for name in self.tables if conn.exec_driver_sql(f'SELECT 1 FROM "{name}" LIMIT 1').first()]
            sequences = conn.exec_driver_sql(
                f"SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = '{source}'"
            ).all()
        inserts = "".join(f'INSERT INTO "{self.schema}"."{n}" SELECT * FROM "{source}"."{n}";' for n in filled)
        setvals = "".join(
            f'SELECT setval(\'"{self.schema}"."{name}"\', {value}, true);'
            for name, value in sequences
            if value is not None
        )
        return inserts + setvals

    def close(self) -> None:
        self.engine.dispose()
        with self.admin.begin() as conn:
            for schema in [self.schema, *self.demo_by_day.values()]:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        self.admin.dispose()


@pytest.fixture(scope="session")
def sqlite_templates(tmp_path_factory) -> SqliteTemplates:
    return SqliteTemplates(tmp_path_factory.mktemp("templates"))


@pytest.fixture(scope="session")
def postgres_schemas():
    if not POSTGRES_URL:
        pytest.skip("TEST_DATABASE_URL is not set: PostgreSQL tests skipped (.ci/run always sets it)")
    schemas = PostgresSchemas()
    yield schemas
    schemas.close()


def _postgres_url_with_schema(schema: str) -> str:
    url = make_url(POSTGRES_URL)
    return url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)


@pytest.fixture(params=BACKENDS)
def database(request, tmp_path) -> TestDatabase:
    """An empty migrated database; a test that also asks for `demo` gets the seeded demo instead."""
    wants_demo = "demo" in request.fixturenames
    if request.param == "sqlite":
        templates = request.getfixturevalue("sqlite_templates")
        path = tmp_path / "test.db"
        shutil.copy(templates.demo() if wants_demo else templates.empty, path)
        url = f"sqlite:///{path}"
        engine = build_engine(url)
        yield TestDatabase("sqlite", url, engine)
        engine.dispose()
        return
    schemas = request.getfixturevalue("postgres_schemas")
    schemas.demo() if wants_demo else schemas.empty()
    yield TestDatabase("postgresql", _postgres_url_with_schema(schemas.schema), schemas.engine)


@pytest.fixture
def engine(database) -> Engine:
    return database.engine


@pytest.fixture
def demo(database) -> TestDatabase:
    """The demo seed: 94 units, the sample catalog, Ngũ Hành Sơn and Hải Châu with one account per role."""
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
