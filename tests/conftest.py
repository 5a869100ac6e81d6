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
import tempfile
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

os.environ.setdefault("MOTCUA_BCRYPT_ROUNDS", "4")
os.environ.setdefault("MOTCUA_DEMO", "true")
# Files the demo seed attaches (result scans) go to this process's own folder, never into the working tree.
os.environ.setdefault("MOTCUA_STORAGE_DIR", tempfile.mkdtemp(prefix="motcua-files-"))

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
    """This process's test schema, and one seeded demo schema per local date to copy from.

    Refilling all of the demo's tables costs about half a second; a test writes to a handful. So the test schema
    carries a statement trigger on every table that notes the table's name in `_touched` (outside the app's
    metadata), and the next test refills only those, with foreign-key and tracking triggers off
    (`session_replication_role = replica`) since the end state equals the template. Every sequence is reset
    each time: a rolled-back insert advances a sequence without leaving a note. If the triggers are not all there,
    or the test before started from another base, everything is refilled (tests/test_fixture_refill.py)."""

    def __init__(self):
        tag = f"{os.getpid()}_{uuid.uuid4().hex[:6]}"
        self.admin = build_engine(POSTGRES_URL)
        self.schema = f"test_{tag}"
        self.engine = self._create(self.schema)
        self.tables = [table.name for table in metadata.sorted_tables]
        self._install_tracking()
        self.demo_by_day: dict[date, str] = {}
        self._tag = tag
        self._filled: dict[str, set[str]] = {}
        self._sequences: dict[str, str] = {}
        self._base: str | None = None

    def _create(self, schema: str) -> Engine:
        with self.admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        engine = build_engine(POSTGRES_URL, schema=schema)
        migrate.upgrade(engine)
        return engine

    def _install_tracking(self) -> None:
        schema = self.schema
        triggers = "".join(
            f'CREATE TRIGGER _touched AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "{schema}"."{name}" '
            f'FOR EACH STATEMENT EXECUTE FUNCTION "{schema}"._mark_touched();'
            for name in self.tables
        )
        with self.engine.begin() as conn:
            conn.exec_driver_sql(
                f'CREATE TABLE "{schema}"._touched (name text PRIMARY KEY);'
                f'CREATE FUNCTION "{schema}"._mark_touched() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN '
                f'INSERT INTO "{schema}"._touched VALUES (TG_TABLE_NAME) ON CONFLICT DO NOTHING; RETURN NULL; END $$;'
                + triggers
            )

    def _touched(self, conn) -> list[str] | None:
        """The tables written since the last refill, or None when that cannot be trusted."""
        intact = conn.exec_driver_sql(
            "SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            f"JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '{self.schema}' "
            "AND t.tgname = '_touched' AND t.tgenabled = 'O'"
        ).scalar()
        if intact != len(self.tables):
            return None
        names = {name for (name,) in conn.exec_driver_sql(f'SELECT name FROM "{self.schema}"._touched')}
        return [name for name in self.tables if name in names]

    def empty(self) -> None:
        self._refill(None)

    def demo(self) -> None:
        self._refill(self._demo_schema())

    def _refill(self, source: str | None) -> None:
        with self.engine.begin() as conn:
            touched = self._touched(conn) if self._base == (source or "") else None
            tables = self.tables if touched is None else touched
            sql = "SET LOCAL session_replication_role = replica;"
            sql += "".join(f'DELETE FROM "{self.schema}"."{name}";' for name in reversed(tables))
            if source:
                sql += "".join(
                    f'INSERT INTO "{self.schema}"."{name}" SELECT * FROM "{source}"."{name}";'
                    for name in tables
                    if name in self._filled[source]
                )
            sql += (
                "SELECT setval(quote_ident(schemaname) || '.' || quote_ident(sequencename), 1, false) "
                f"FROM pg_sequences WHERE schemaname = '{self.schema}';"
            )
            sql += self._sequences.get(source or "", "")
            sql += f'DELETE FROM "{self.schema}"._touched;'
            conn.exec_driver_sql(sql)
        self._base = source or ""

    def _demo_schema(self) -> str:
        day = local_today()
        if day not in self.demo_by_day:
            schema = f"demo_{self._tag}_{day.strftime('%Y%m%d')}"
            engine = self._create(schema)
            with write(engine) as conn:
                seed_demo(conn)
            self._remember(engine, schema)
            engine.dispose()
            self.demo_by_day[day] = schema
        return self.demo_by_day[day]

    def _remember(self, engine: Engine, source: str) -> None:
        with engine.connect() as conn:
            self._filled[source] = {
                name for name in self.tables if conn.exec_driver_sql(f'SELECT 1 FROM "{name}" LIMIT 1').first()
            }
            sequences = conn.exec_driver_sql(
                f"SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = '{source}'"
            ).all()
        self._sequences[source] = "".join(
            f'SELECT setval(\'"{self.schema}"."{name}"\', {value}, true);'
            for name, value in sequences
            if value is not None
        )

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
