"""Ward staff read and write only their own unit; city roles read every unit."""

import pytest

from db.engine import read, write
from services.core import audit, units
from services.core.errors import PermissionDenied
from tests.builders import actor


def test_a_clerk_of_ward_a_cannot_list_ward_b_departments(demo_engine):
    clerk_a = actor(demo_engine, "motcua.nhs")
    ward_b = actor(demo_engine, "motcua.hc").unit_id
    with pytest.raises(PermissionDenied), read(demo_engine) as conn:
        units.list_departments(conn, clerk_a, ward_b)


def test_a_clerk_lists_own_ward_departments(demo_engine):
    clerk_a = actor(demo_engine, "motcua.nhs")
    with read(demo_engine) as conn:
        assert {d["code"] for d in units.list_departments(conn, clerk_a, clerk_a.unit_id)} >= {"kinh_te", "vhxh"}


def test_a_city_leader_reads_every_ward(demo_engine):
    city = actor(demo_engine, "lanhdao.tp")
    ward_b = actor(demo_engine, "motcua.hc").unit_id
    with read(demo_engine) as conn:
        assert units.list_departments(conn, city, ward_b)


def test_only_an_admin_creates_departments(demo_engine):
    leader = actor(demo_engine, "lanhdao.nhs")
    with pytest.raises(PermissionDenied), write(demo_engine) as conn:
        units.create_department(conn, leader, unit_id=leader.unit_id, code="moi", name="Phòng mới", kind="kinh_te")


def test_a_ward_leader_sees_only_own_ward_in_the_audit_log(demo_engine):
    admin = actor(demo_engine, "admin")
    ward_a, ward_b = actor(demo_engine, "lanhdao.nhs"), actor(demo_engine, "lanhdao.hc")
    with write(demo_engine) as conn:
        units.create_department(conn, admin, unit_id=ward_b.unit_id, code="moi", name="Phòng mới", kind="kinh_te")
    with read(demo_engine) as conn:
        assert all(row["unit_id"] == ward_a.unit_id for row in audit.recent(conn, ward_a))
        assert any(row["entity"] == "department" for row in audit.recent(conn, ward_b))


def test_all_94_units_of_da_nang_are_seeded_with_unique_ascii_codes(demo_engine):
    with read(demo_engine) as conn:
        rows = units.list_units(conn)
    assert len(rows) == 94
    assert len({r["code"] for r in rows}) == 94
    assert all(r["code"].isascii() and r["code"].isalnum() for r in rows)
    assert {r["kind"] for r in rows} == {"phuong", "xa", "dac_khu"}
