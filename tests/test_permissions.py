"""Every role calls the sensitive service entry points in its own unit, another unit and city-wide; each call is
allowed or refused exactly as the table below says. The table is written by hand, not read from the code.

Each entry point gets one demo database; every call runs in its own transaction that is rolled back, so the calls
do not see each other's writes."""

from datetime import timedelta

import pytest

from services.accounts import accounts
from services.core import audit, units
from services.core.clock import local_today
from services.core.errors import NotFound, PermissionDenied
from services.feedback import desk as feedback_desk
from services.feedback import routing as feedback_routing
from services.ioc import early_warnings, index766, kpi, rivers
from services.processing import worklist
from services.queue import setup as queue_config
from services.rollout import config_copy, staff_import
from services.transfers import postal
from tests.builders import actor

USERS = ["admin", "lanhdao.tp", "lanhdao.nhs", "motcua.nhs", "truongphong.nhs", "chuyenvien.nhs"]
OWN, OTHER, CITY = "own unit", "other unit", "city-wide"
ALL = {OWN, OTHER, CITY}
NONE: set = set()

# entry point -> user -> the scopes in which the call is allowed (every other scope must be refused)
ALLOWED = {
    "kpi summary": {
        "admin": ALL,
        "lanhdao.tp": ALL,
        "lanhdao.nhs": {OWN},
        "motcua.nhs": NONE,
        "truongphong.nhs": NONE,
        "chuyenvien.nhs": NONE,
    },
    "index ranking": {"admin": ALL, "lanhdao.tp": ALL},
    "early warnings": {
        "admin": ALL,
        "lanhdao.tp": ALL,
        "lanhdao.nhs": {OWN},
        "motcua.nhs": {OWN},
        "truongphong.nhs": ALL,  # always narrowed to their own department, whatever unit is asked
        "chuyenvien.nhs": ALL,
    },
    "list accounts": {"admin": ALL},
    "read the audit log": {"admin": ALL, "lanhdao.tp": ALL, "lanhdao.nhs": ALL},  # own unit's entries only
    "queue settings": {"admin": {OWN, OTHER}, "lanhdao.nhs": {OWN}},
    "postal confirmation days": {"admin": ALL},
    "complex feedback days": {"admin": ALL},
    "worklist": {
        "lanhdao.nhs": ALL,
        "motcua.nhs": ALL,
        "truongphong.nhs": ALL,
        "chuyenvien.nhs": ALL,
    },  # always the actor's own unit: the scope is not a parameter
    "feedback desk": {
        "admin": ALL,
        "lanhdao.tp": ALL,
        "lanhdao.nhs": {OWN},
        "truongphong.nhs": {OWN},
        "chuyenvien.nhs": {OWN},
    },
    "create a department": {"admin": {OWN, OTHER}},
    "list departments": {
        "admin": ALL,
        "lanhdao.tp": ALL,
        "lanhdao.nhs": {OWN},
        "motcua.nhs": {OWN},
        "truongphong.nhs": {OWN},
        "chuyenvien.nhs": {OWN},
    },
    "staff import history": {"admin": ALL},
    "config copy history": {"admin": ALL},
    "river stations": {"admin": ALL, "lanhdao.tp": ALL, "lanhdao.nhs": ALL},
    "import river readings": {"admin": ALL},  # stations belong to no ward: admin only (security review #14)
}
# entry points whose unit is required: no city-wide call
UNIT_ONLY = {"queue settings", "create a department", "feedback desk", "list departments"}


def call(name: str, conn, me, unit_id):
    period = {"start": local_today() - timedelta(days=29), "end": local_today()}
    if name == "kpi summary":
        return kpi.summary(conn, me, unit_id=unit_id, **period)
    if name == "index ranking":
        return index766.ranking(conn, me, **period)
    if name == "early warnings":
        return early_warnings.early_warnings(conn, me, unit_id=unit_id)
    if name == "list accounts":
        return accounts.list_users(conn, me, unit_id=unit_id)
    if name == "read the audit log":
        return audit.recent(conn, me)
    if name == "queue settings":
        values = {"fairness_minutes": 20, "max_active_per_phone": 3, "max_active_per_browser": 3}
        return queue_config.save_settings(conn, me, unit_id=unit_id, **values)
    if name == "postal confirmation days":
        return postal.set_confirm_days(conn, me, days=5)
    if name == "complex feedback days":
        return feedback_routing.set_complex_days(conn, me, working_days=20)
    if name == "worklist":
        return worklist.worklist(conn, me)
    if name == "feedback desk":
        return feedback_desk.desk_items(conn, me, unit_id=unit_id)
    if name == "create a department":
        return units.create_department(conn, me, unit_id=unit_id, code="phong_moi", name="Phòng mới", kind="kinh_te")
    if name == "list departments":
        return units.list_departments(conn, me, unit_id)
    if name == "staff import history":
        return staff_import.import_history(conn, me)
    if name == "config copy history":
        return config_copy.copy_history(conn, me)
    if name == "river stations":
        return rivers.list_stations(conn, me)
    if name == "import river readings":
        return rivers.import_readings(conn, me, content="station,time,level_m,rain_mm\n")
    raise AssertionError(name)


def outcome(engine, name: str, me, unit_id) -> bool:
    """True when the call went through, False when it was refused; any other error fails the test."""
    with engine.connect() as conn:
        transaction = conn.begin()
        try:
            call(name, conn, me, unit_id)
            return True
        except (PermissionDenied, NotFound):
            return False
        finally:
            transaction.rollback()


@pytest.mark.parametrize("name", sorted(ALLOWED))
def test_each_role_may_call_exactly_what_the_table_allows(demo_engine, name):
    with demo_engine.connect() as conn:
        unit_ids = {
            OWN: units.unit_by_code(conn, "NGUHANHSON")["id"],
            OTHER: units.unit_by_code(conn, "HAICHAU")["id"],
            CITY: None,
        }
    scopes = [OWN, OTHER] if name in UNIT_ONLY else [OWN, OTHER, CITY]
    seen = {
        username: {
            scope for scope in scopes if outcome(demo_engine, name, actor(demo_engine, username), unit_ids[scope])
        }
        for username in USERS
    }
    expected = {username: ALLOWED[name].get(username, NONE) & set(scopes) for username in USERS}
    assert seen == expected
