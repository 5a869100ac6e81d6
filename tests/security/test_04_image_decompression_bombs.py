"""Finding 4: a 656 KB PNG of 13,000 × 13,000 pixels sent to /gop-y took the staff server from 411 MB to 1.67 GB,
and a 14,000 × 14,000 one broke the desk page. Every uploaded image now passes one gate (services.files): the
pixel count is read from the header before anything is decoded, and accepted images are re-encoded."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from db.engine import read, write
from db.schema import dossiers, feedback
from services.core.errors import ValidationError
from services.core.files import LocalFileStore, check_upload
from services.processing import actions as processing
from tests.builders import actor
from tests.intake_builders import receive_marriage
from tests.processing_builders import assigned_permit
from tests.security.images import png_bomb

BOMB = png_bomb(15_000)


def _rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096


class PeakMemory:
    """Samples this process's resident memory every few milliseconds while the block runs."""

    def __enter__(self):
        self.start = self.peak = _rss_bytes()
        self._running = True
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self):
        while self._running:
            self.peak = max(self.peak, _rss_bytes())

    def __exit__(self, *exc):
        self._running = False
        self._thread.join()

    @property
    def growth_mb(self) -> float:
        return (self.peak - self.start) / 1024 / 1024


def _files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_a_15000_pixel_square_png_is_refused_before_decoding():
    with PeakMemory() as memory, pytest.raises(ValidationError, match="quá lớn"):
        check_upload("bom.png", BOMB)
    assert memory.growth_mb < 100


def test_a_png_bomb_sent_to_gop_y_is_refused_in_vietnamese_stores_nothing_and_costs_no_memory(
    public_client, demo, tmp_path
):
    public_client.get("/gop-y")
    before = _count(demo, feedback)
    form = {
        "unit_id": _nhs_id(demo),
        "title": "Rác thải ùn ứ",
        "content": "Rác thải ùn ứ nhiều ngày ở đầu kiệt 45.",
        "hide_name": "1",
    }
    with PeakMemory() as memory:
        response = public_client.post("/gop-y", data=form, files=[("photos", ("bom.png", BOMB, "image/png"))])
    assert response.status_code == 400 and "quá lớn" in response.text and "triệu điểm ảnh" in response.text
    assert _count(demo, feedback) == before and _files(tmp_path / "files") == []
    assert memory.growth_mb < 100, f"memory grew {memory.growth_mb:.0f} MB"


def test_a_png_bomb_uploaded_as_a_scan_is_refused_and_stores_nothing(demo, tmp_path):
    before = _count(demo, dossiers)
    with PeakMemory() as memory, pytest.raises(ValidationError, match="quá lớn"):
        store = LocalFileStore(tmp_path / "files")
        receive_marriage(demo.engine, actor(demo.engine, "motcua.nhs"), store, files=[("cccd.png", BOMB)])
    assert _count(demo, dossiers) == before and _files(tmp_path / "files") == []
    assert memory.growth_mb < 100


def test_a_png_bomb_as_a_site_appraisal_photo_is_refused(demo, tmp_path):
    store = LocalFileStore(tmp_path / "files")
    dossier = assigned_permit(demo.engine, store)
    stored = len(_files(tmp_path / "files"))
    with pytest.raises(ValidationError, match="quá lớn"), write(demo.engine) as conn:
        processing.record_site_appraisal(
            conn,
            actor(demo.engine, "chuyenvien.nhs"),
            store,
            dossier_id=dossier["id"],
            expected_version=dossier["version"],
            appraised_on=date(2026, 3, 12),
            participants="Tổ thẩm định",
            findings="Đúng hiện trạng",
            conclusion="meets",
            photos=[("bom.png", BOMB)],
        )
    assert len(_files(tmp_path / "files")) == stored


def _count(demo, table) -> int:
    with read(demo.engine) as conn:
        return conn.scalar(select(func.count()).select_from(table))


def _nhs_id(demo) -> str:
    from services.core.units import unit_by_code

    with read(demo.engine) as conn:
        return str(unit_by_code(conn, "NGUHANHSON")["id"])
