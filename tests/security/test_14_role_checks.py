"""Finding 14: a clerk or specialist read the unit's audit log; a (read-only) city leader added notes; one ward's
leader imported river readings; a Hải Châu clerk's applicant search returned a Ngũ Hành Sơn citizen's details."""

from __future__ import annotations

import pytest

from db.engine import read, write
from services.core import audit
from services.core.errors import PermissionDenied
from services.core.files import LocalFileStore
from services.dossiers import intake
from services.ioc import rivers
from services.processing import actions as processing
from tests.builders import actor
from tests.intake_builders import receive_marriage
from tests.processing_builders import assigned_permit


@pytest.mark.parametrize("username", ["motcua.nhs", "chuyenvien.nhs", "truongphong.nhs"])
def test_clerks_and_specialists_cannot_read_the_audit_log(demo, username):
    with pytest.raises(PermissionDenied), read(demo.engine) as conn:
        audit.recent(conn, actor(demo.engine, username))


def test_a_city_leader_reads_dossiers_but_cannot_add_notes(demo, tmp_path):
    dossier = assigned_permit(demo.engine, LocalFileStore(tmp_path / "files"))
    with pytest.raises(PermissionDenied), write(demo.engine) as conn:
        processing.add_note(conn, actor(demo.engine, "lanhdao.tp"), dossier_id=dossier["id"], text="ghi chú")


def test_a_ward_leader_cannot_import_river_readings(demo):
    csv = "station,time,level_m,rain_mm\nCâu Lâu,30/10/2025 14:00,5.62,120\n"
    with pytest.raises(PermissionDenied), write(demo.engine) as conn:
        rivers.import_readings(conn, actor(demo.engine, "lanhdao.hc"), content=csv)


def test_another_wards_clerk_cannot_look_up_a_citizens_details(demo, tmp_path):
    receive_marriage(demo.engine, actor(demo.engine, "motcua.nhs"), LocalFileStore(tmp_path / "files"))
    with read(demo.engine) as conn:
        assert intake.find_applicant(conn, actor(demo.engine, "motcua.nhs"), "048095001234") is not None
        assert intake.find_applicant(conn, actor(demo.engine, "motcua.hc"), "048095001234") is None
