"""One engine per process, built from one URL: SQLite by default, PostgreSQL (Supabase) when configured."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

SQLITE_BUSY_TIMEOUT_MS = 60000  # a write waits up to a minute for the lock (200 counters at once on a busy machine)


class DatabaseError(Exception):
    """The database is misconfigured or unreachable; the message is for the screen, in Vietnamese."""


def build_engine(url: str, *, schema: str | None = None) -> Engine:
    try:
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite":
            return _sqlite_engine(url, parsed.database)
        if parsed.get_backend_name() == "postgresql":
            return _postgres_engine(url, schema)
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        raise DatabaseError(f"Chuỗi kết nối cơ sở dữ liệu (DATABASE_URL) không hợp lệ: {exc}") from exc
    raise DatabaseError("DATABASE_URL chỉ hỗ trợ sqlite:/// hoặc postgresql+psycopg://")


def _sqlite_engine(url: str, database: str | None) -> Engine:
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Hand transaction control to SQLAlchemy so a write transaction can start with BEGIN IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection):
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


def _postgres_engine(url: str, schema: str | None) -> Engine:
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    # Supabase's transaction pooler cannot keep server-side prepared statements.
    connect_args: dict = {"prepare_threshold": None, "connect_timeout": 10}
    if schema:
        connect_args["options"] = f"-csearch_path={schema}"
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10, connect_args=connect_args)


@contextmanager
def write(engine: Engine) -> Iterator[Connection]:
    """A write transaction; on SQLite it takes the write lock up front so read-then-write cannot race."""
    with _translated_errors(), engine.execution_options(sqlite_begin="IMMEDIATE").begin() as conn:
        yield conn


@contextmanager
def read(engine: Engine) -> Iterator[Connection]:
    with _translated_errors(), engine.begin() as conn:
        yield conn


@contextmanager
def _translated_errors() -> Iterator[None]:
    try:
        yield
    except OperationalError as exc:
        raise DatabaseError(
            "Không kết nối được cơ sở dữ liệu. Vui lòng thử lại sau ít phút hoặc báo quản trị viên."
        ) from exc


def check_connection(engine: Engine) -> None:
    with read(engine) as conn:
        conn.execute(text("SELECT 1"))
