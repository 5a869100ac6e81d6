"""The PostgreSQL test fixture refills only the tables a test wrote: the result must equal the demo template, after
plain writes, a cascading delete and a rolled-back insert that advanced a sequence."""

import pytest
from sqlalchemy import text

from db.schema import metadata

pytestmark = pytest.mark.postgresql


def differences(conn, schema: str, template: str) -> dict[str, int]:
    found = {}
    for table in metadata.sorted_tables:
        name = table.name
        count = conn.exec_driver_sql(
            f'SELECT count(*) FROM ((SELECT * FROM "{schema}"."{name}" EXCEPT ALL SELECT * FROM "{template}"."{name}")'
            f' UNION ALL (SELECT * FROM "{template}"."{name}" EXCEPT ALL SELECT * FROM "{schema}"."{name}")) d'
        ).scalar()
        if count:
            found[name] = count
    sequences = conn.exec_driver_sql(
        f"SELECT a.sequencename FROM pg_sequences a JOIN pg_sequences b ON b.sequencename = a.sequencename "
        f"WHERE a.schemaname = '{schema}' AND b.schemaname = '{template}' "
        "AND a.last_value IS DISTINCT FROM b.last_value"
    ).all()
    found.update({f"sequence {name}": 1 for (name,) in sequences})
    return found


def test_the_refilled_test_schema_equals_the_demo_template_after_writes(postgres_schemas):
    schemas = postgres_schemas
    schemas.demo()
    template = schemas._demo_schema()
    with schemas.engine.begin() as conn:
        conn.execute(text("UPDATE dossiers SET status = 'returned' WHERE id IN (SELECT id FROM dossiers LIMIT 5)"))
        cascaded = conn.execute(  # queue_counter_groups loses its rows only through ON DELETE CASCADE
            text(
                "DELETE FROM queue_groups g WHERE EXISTS (SELECT 1 FROM queue_counter_groups c WHERE c.group_id = g.id)"
                " AND NOT EXISTS (SELECT 1 FROM queue_day_counters d WHERE d.group_id = g.id)"
                " AND NOT EXISTS (SELECT 1 FROM queue_tickets t WHERE g.id IN (t.group_id, t.origin_group_id))"
            )
        )
        assert cascaded.rowcount > 0
        conn.execute(text("DELETE FROM audit_log"))
    with schemas.engine.connect() as conn:
        assert differences(conn, schemas.schema, template)
    with pytest.raises(Exception), schemas.engine.begin() as conn:  # noqa: B017, PT011 (any failure will do)
        conn.execute(text("INSERT INTO units (code, name) VALUES ('X', 'X')"))
        conn.execute(text("SELECT 1/0"))

    schemas.demo()

    with schemas.engine.connect() as conn:
        assert differences(conn, schemas.schema, template) == {}


def test_an_empty_refill_after_the_demo_leaves_every_table_empty(postgres_schemas):
    schemas = postgres_schemas
    schemas.demo()
    schemas.empty()
    with schemas.engine.connect() as conn:
        counts = {t.name: conn.scalar(text(f'SELECT count(*) FROM "{t.name}"')) for t in metadata.sorted_tables}
    assert set(counts.values()) == {0}
