"""Finding 11: a crash between storing a scan and committing its row left an orphan file, and nothing swept them."""

from __future__ import annotations

import os
import time

from db.engine import read
from services.core import file_sweep
from services.core.files import LocalFileStore
from tests.builders import actor
from tests.intake_builders import receive_marriage


def test_a_file_no_row_points_to_is_swept_and_every_referenced_file_is_kept(demo, tmp_path):
    root = tmp_path / "files"
    receive_marriage(demo.engine, actor(demo.engine, "motcua.nhs"), LocalFileStore(root))
    kept = [p for p in root.rglob("*") if p.is_file()]
    orphan = root / "dossiers" / "NGUHANHSON-260310-0001" / "crash.pdf"  # stored, then the process died
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"%PDF-1.4 orphan")
    day_ago = time.time() - 86400 * 2
    for path in [*kept, orphan]:
        os.utime(path, (day_ago, day_ago))
    with read(demo.engine) as conn:
        referenced = file_sweep.referenced_keys(conn)
    found = file_sweep.orphans(root, referenced, older_than_seconds=3600)
    assert found == [orphan]
    file_sweep.remove(root, found)
    assert not orphan.exists() and all(p.exists() for p in kept) and kept


def test_a_file_younger_than_the_grace_period_is_left_for_its_transaction(demo, tmp_path):
    root = tmp_path / "files"
    (root / "x").mkdir(parents=True)
    (root / "x" / "in-flight.pdf").write_bytes(b"%PDF-1.4")
    with read(demo.engine) as conn:
        assert file_sweep.orphans(root, file_sweep.referenced_keys(conn), older_than_seconds=3600) == []
