"""Finding 10: services/returns.file_content checked no role or department: any specialist of the unit could
download a marriage dossier's CCCD scan through it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db.engine import read
from db.schema import dossier_files
from services.core.errors import NotFound, PermissionDenied
from services.core.files import LocalFileStore
from services.dossiers import returns
from tests.builders import actor
from tests.intake_builders import receive_marriage


@pytest.fixture
def marriage_scan(demo, tmp_path):
    store = LocalFileStore(tmp_path / "files")
    receipt = receive_marriage(demo.engine, actor(demo.engine, "motcua.nhs"), store)
    with read(demo.engine) as conn:
        file_id = conn.scalar(select(dossier_files.c.id).where(dossier_files.c.dossier_id == receipt.dossier_id))
    return store, file_id


@pytest.mark.parametrize("username", ["chuyenvien.nhs", "truongphong.nhs", "diachinh.nhs"])
def test_a_specialist_cannot_download_a_citizens_scan_through_the_return_desk(demo, marriage_scan, username):
    store, file_id = marriage_scan
    with pytest.raises(PermissionDenied), read(demo.engine) as conn:
        returns.file_content(conn, actor(demo.engine, username), store, file_id=file_id)


def test_even_the_counter_gets_only_results_there_never_the_citizens_papers(demo, marriage_scan):
    store, file_id = marriage_scan
    with pytest.raises(NotFound), read(demo.engine) as conn:
        returns.file_content(conn, actor(demo.engine, "motcua.nhs"), store, file_id=file_id)
