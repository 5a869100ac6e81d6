"""Alembic environment: migrates the engine the app would use, or a connection handed in by db.migrate."""

from alembic import context

from db.schema import metadata


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from config import load_settings
    from db.engine import build_engine

    engine = build_engine(load_settings().database_url)
    with engine.connect() as connection:
        _run(connection)
        connection.commit()


run_migrations_online()
